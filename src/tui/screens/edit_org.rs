//! The identifiers form of an organization (реквизиты): names, ИНН, КПП, ОГРН, regNum and ОКТМО,
//! each checked by `domain::ids` as it is typed; identifiers another organization already has
//! are refused before saving. Saved with the version check and the audit log.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use rusqlite::types::Value;

use crate::domain::ids;
use crate::domain::text::printable;
use crate::service::table::cut;
use crate::store::edit::{self, EditError, FieldEdit, Table};
use crate::tui::app::Action;
use crate::tui::form::undo::save_row;
use crate::tui::form::{Field, Form, FormEvent, ru_stamp};
use crate::tui::screen::{Ctx, Outcome, Screen};

const COLUMNS: [&str; 7] = [
    "full_name",
    "short_name",
    "inn",
    "kpp",
    "ogrn",
    "reg_num",
    "oktmo",
];
const LABELS: [&str; 7] = [
    "Полное наименование",
    "Краткое наименование",
    "ИНН",
    "КПП",
    "ОГРН",
    "regNum",
    "ОКТМО",
];

/// A check of one identifier.
type IdCheck = fn(&str) -> Result<(), ids::IdError>;

/// The identifiers form of one organization.
#[derive(Debug)]
pub struct OrgForm {
    id: i64,
    version: i64,
    base: Vec<Value>,
    pub form: Form,
}

/// Opens the form of organization `id`.
pub fn open(cx: &Ctx, id: i64) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    match edit::read(conn, Table::Organization, id, &COLUMNS) {
        Ok(Some((base, version))) => Outcome::Open(Box::new(OrgForm::new(id, base, version))),
        Ok(None) => Outcome::Message("организации больше нет".to_string()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

fn text(v: &Value) -> String {
    edit::audit_text(v).unwrap_or_default()
}

impl OrgForm {
    pub fn new(id: i64, base: Vec<Value>, version: i64) -> OrgForm {
        let fields = LABELS
            .iter()
            .zip(&base)
            .enumerate()
            .map(|(i, (l, v))| Field::text(*l, if i < 2 { 500 } else { 15 }, &text(v)))
            .collect();
        let mut f = OrgForm {
            id,
            version,
            base,
            form: Form::new("Реквизиты организации", fields),
        };
        f.check();
        f
    }

    fn value(&self, i: usize) -> String {
        self.form.fields[i].trimmed().to_string()
    }

    /// Checks each identifier as typed.
    fn check(&mut self) {
        self.form.check_formats();
        if self.value(0).is_empty() {
            self.form
                .flag(0, "полное наименование не может быть пустым");
        }
        let checks: [(usize, IdCheck); 4] = [
            (2, ids::validate_inn),
            (3, ids::validate_kpp),
            (4, ids::validate_ogrn),
            (5, ids::validate_reg_num),
        ];
        for (i, check) in checks {
            if let Err(e) = check(&self.value(i)) {
                self.form.flag(i, e.to_string());
            }
        }
        // The register keeps organizations (legal entities): a 10-digit ИНН, a 13-digit ОГРН.
        if self.form.fields[2].error.is_none() && self.value(2).len() != 10 {
            self.form.flag(
                2,
                "у организации ИНН из 10 цифр (12 цифр — у физического лица)",
            );
        }
        if self.form.fields[4].error.is_none() && self.value(4).len() != 13 {
            self.form
                .flag(4, "у организации ОГРН из 13 цифр (15 цифр — ОГРНИП)");
        }
        let oktmo = self.value(6);
        if !oktmo.is_empty()
            && let Err(e) = ids::validate_oktmo(&oktmo)
        {
            self.form.flag(6, e.to_string());
        }
    }

    fn save(&mut self, cx: &Ctx) -> Outcome {
        self.check();
        let Some(conn) = cx.conn else {
            return Outcome::Done;
        };
        if self.form.valid() {
            match edit::org_taken(
                conn,
                self.id,
                &self.value(2),
                &self.value(3),
                &self.value(5),
            ) {
                Ok(Some(other)) => {
                    self.form.notice = Some(format!(
                        "не сохранено: такие ИНН и КПП или regNum уже у организации {other}"
                    ));
                    return Outcome::Done;
                }
                Ok(None) => {}
                Err(e) => {
                    self.form.notice = Some(format!("не сохранено: {e}"));
                    return Outcome::Done;
                }
            }
        }
        if self.form.refuse_invalid() {
            return Outcome::Done;
        }
        let edits: Vec<FieldEdit> = COLUMNS
            .iter()
            .enumerate()
            .map(|(i, c)| FieldEdit {
                column: c,
                old: self.base[i].clone(),
                new: Value::Text(self.value(i)),
            })
            .collect();
        let what = format!(
            "реквизиты «{}»",
            self.value(if self.value(1).is_empty() { 0 } else { 1 })
        );
        match save_row(
            conn,
            Table::Organization,
            self.id,
            self.version,
            edits,
            what,
        ) {
            Ok(saved) => saved,
            Err(EditError::Conflict(c)) => {
                let changes: Vec<String> = c
                    .now
                    .iter()
                    .zip(&self.base)
                    .zip(LABELS)
                    .filter(|(((_, now), was), _)| now != *was)
                    .map(|(((_, now), was), l)| {
                        format!("{l}: «{}» → «{}»", cut(&text(was), 40), cut(&text(now), 40))
                    })
                    .collect();
                let by =
                    c.by.as_ref()
                        .map(|(u, at)| format!(" ({u}, {})", ru_stamp(at)))
                        .unwrap_or_default();
                self.form.notice = Some(format!(
                    "запись изменена другим пользователем{by}: {}. Ничего не сохранено. \
                     Ctrl-S — записать ваши значения поверх, Esc — закрыть",
                    changes.join("; ")
                ));
                self.version = c.version;
                self.base = c.now.into_iter().map(|(_, v)| v).collect();
                for i in 0..self.base.len() {
                    let other = text(&self.base[i]);
                    self.form.fields[i].take_other(other, 0);
                }
                self.check();
                Outcome::Done
            }
            Err(e) => {
                self.form.notice = Some(format!("не сохранено: {e}"));
                Outcome::Done
            }
        }
    }
}

impl Screen for OrgForm {
    fn title(&self) -> String {
        "Реквизиты".to_string()
    }

    fn typing(&self) -> bool {
        true
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        match self.form.handle(action) {
            FormEvent::Changed => {
                self.check();
                Outcome::Done
            }
            FormEvent::Submit => self.save(cx),
            FormEvent::Close => Outcome::Close,
            FormEvent::Moved | FormEvent::None => Outcome::Done,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let header = vec![Line::from(vec![Span::styled(
            printable(&text(&self.base[0])).into_owned(),
            t.dim(),
        )])];
        self.form.draw(frame, area, t, header, Vec::new());
    }

    fn status(&self) -> String {
        format!(
            " форма: реквизиты организации · версия записи {}",
            self.version
        )
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        self.form.keys()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
