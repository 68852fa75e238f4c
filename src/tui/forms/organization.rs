//! The form of an organization: its identifiers (реквизиты: names, ИНН, КПП, ОГРН, regNum, ОКТМО),
//! each checked by `domain::ids` as it is typed, its address and site, and whether it still
//! operates (`r` on its card). The same form, with sphere, region and founder, adds a new
//! organization (`a` in «Организации»). Identifiers another organization already has are refused
//! before saving.

use crate::domain::ids;
use crate::domain::sector::Sector;
use crate::service::write::{OrgField as O, Table, Val};
use crate::store::edit_create;
use crate::store::{Db, edit};
use crate::tui::form::Form;
use crate::tui::form::record::{Col, Input, RecordForm, Rules};
use crate::tui::screen::{Ctx, Outcome};
use chrono::NaiveDate;

const FULL_NAME: usize = 0;
const SHORT_NAME: usize = 1;
const INN: usize = 2;
const KPP: usize = 3;
const OGRN: usize = 4;
const REG_NUM: usize = 5;
const OKTMO: usize = 6;

/// A check of one identifier.
type IdCheck = fn(&str) -> Result<(), ids::IdError>;

/// The identifier fields, first in both forms (the indexes above).
fn identity_cols() -> Vec<Col> {
    let text = |max| Input::Text { max, null: false };
    vec![
        Col::new(O::FullName, "Полное наименование", text(500)).required(),
        Col::new(O::ShortName, "Краткое наименование", text(500)),
        Col::new(O::Inn, "ИНН", text(15)),
        Col::new(O::Kpp, "КПП", text(15)),
        Col::new(O::Ogrn, "ОГРН", text(15)),
        Col::new(O::RegNum, "regNum", text(15)),
        Col::new(O::Oktmo, "ОКТМО", text(15)),
    ]
}

fn contact_cols() -> Vec<Col> {
    let text = |max| Input::Text { max, null: false };
    vec![
        Col::new(O::Address, "Адрес", text(500)),
        Col::new(O::Website, "Сайт", text(300)),
    ]
}

#[derive(Debug)]
struct OrgRules {
    /// The organization changed (`None` for a new one).
    id: Option<i64>,
}

impl Rules for OrgRules {
    /// Checks each identifier as typed.
    fn check(&self, form: &mut Form, _today: NaiveDate) {
        let value = |form: &Form, i: usize| form.fields[i].trimmed().to_string();
        let checks: [(usize, IdCheck); 4] = [
            (INN, ids::validate_inn),
            (KPP, ids::validate_kpp),
            (OGRN, ids::validate_ogrn),
            (REG_NUM, ids::validate_reg_num),
        ];
        for (i, check) in checks {
            if let Err(e) = check(&value(form, i)) {
                form.flag(i, e.to_string());
            }
        }
        // The register keeps organizations (legal entities): a 10-digit ИНН, a 13-digit ОГРН.
        if form.fields[INN].error.is_none() && value(form, INN).len() != 10 {
            form.flag(
                INN,
                "у организации ИНН из 10 цифр (12 цифр — у физического лица)",
            );
        }
        if form.fields[OGRN].error.is_none() && value(form, OGRN).len() != 13 {
            form.flag(OGRN, "у организации ОГРН из 13 цифр (15 цифр — ОГРНИП)");
        }
        let oktmo = value(form, OKTMO);
        if !oktmo.is_empty()
            && let Err(e) = ids::validate_oktmo(&oktmo)
        {
            form.flag(OKTMO, e.to_string());
        }
    }

    fn check_stored(&self, conn: &Db, form: &Form, _id: Option<i64>) -> Vec<(usize, String)> {
        let v = |i: usize| form.fields[i].trimmed();
        match edit::org_taken(conn, self.id.unwrap_or(0), v(INN), v(KPP), v(REG_NUM)) {
            Ok(Some(other)) => vec![(
                REG_NUM,
                format!("такие ИНН и КПП или regNum уже у организации {other}"),
            )],
            Ok(None) => Vec::new(),
            Err(e) => vec![(REG_NUM, format!("ошибка чтения базы: {e}"))],
        }
    }

    fn label(&self, form: &Form) -> String {
        let name = match form.fields[SHORT_NAME].trimmed() {
            "" => form.fields[FULL_NAME].trimmed(),
            short => short,
        };
        match self.id {
            Some(_) => format!("реквизиты «{name}»"),
            None => format!("организация «{name}»"),
        }
    }
}

/// Opens the form of organization `id`.
pub fn open(cx: &Ctx, id: i64) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let mut cols = identity_cols();
    cols.extend(contact_cols());
    cols.push(Col::new(O::Active, "Действует", Input::Check));
    match RecordForm::stored(
        conn,
        Table::Organization,
        id,
        "Реквизиты организации",
        cols,
        Box::new(OrgRules { id: Some(id) }),
        Vec::new(),
        cx.today,
    ) {
        Ok(Some(f)) => Outcome::Open(Box::new(f)),
        Ok(None) => Outcome::Message("организации больше нет".to_string()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

/// A form for a new organization; `like` gives the sphere and region it starts with (those of
/// the organization selected in the list).
pub fn new_org(cx: &Ctx, like: Option<(Sector, &str)>) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let authorities = match edit_create::authority_choices(conn) {
        Ok(a) => a,
        Err(e) => return Outcome::Message(format!("ошибка чтения базы: {e}")),
    };
    let sectors = Sector::ALL
        .iter()
        .map(|s| (Val::text(s.code()), s.name_ru().to_string()))
        .collect();
    let mut founders = vec![(Val::Null, "— не указан".to_string())];
    founders.extend(
        authorities
            .into_iter()
            .map(|(id, name, _)| (Val::Int(id), name)),
    );
    let mut cols = identity_cols();
    cols.extend([
        Col::new(O::Sector, "Сфера", Input::Choice(sectors)),
        Col::new(
            O::Region,
            "Регион",
            Input::Text {
                max: 200,
                null: false,
            },
        )
        .required(),
        Col::new(O::Founder, "Учредитель", Input::Choice(founders)),
    ]);
    cols.extend(contact_cols());
    let mut initial = Vec::new();
    if let Some((sector, region)) = like {
        initial.push((O::Sector.into(), Val::text(sector.code())));
        initial.push((O::Region.into(), Val::text(region)));
    }
    Outcome::Open(Box::new(RecordForm::new_record(
        Table::Organization,
        "Новая организация",
        cols,
        &initial,
        Box::new(OrgRules { id: None }),
        Vec::new(),
        cx.today,
    )))
}
