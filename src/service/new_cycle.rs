//! A new assessment cycle from the command line (`nok cycles add`): the authority (the only one
//! in the database, or the one named by its ИНН), the sphere (the authority's unless given), the
//! status, the method version (the newest unless given), the operator and the contract. Checked
//! as the terminal UI's new-cycle form checks them (the year's range, the operator's ИНН, one
//! cycle per year, sphere and authority) and written through [`super::write::create`], so the
//! cycle's values are audited as a form's are.

use anyhow::{Context, bail};
use chrono::NaiveDate;

use super::methodology::Methods;
use super::write::{self, CycleField as C, Field, Table, Val};
use crate::domain::cycle::{CycleStatus, year_problem};
use crate::domain::ids;
use crate::domain::sector::Sector;
use crate::store::{self, Db};

/// What the person asked for; `None` = the default named on each field.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCycle {
    pub year: i64,
    /// Default: the authority's sphere.
    pub sector: Option<Sector>,
    /// The authority's ИНН; default: the only authority of the database.
    pub authority_inn: Option<String>,
    pub status: CycleStatus,
    /// Default: the newest method version.
    pub methodology: Option<String>,
    pub operator_name: Option<String>,
    pub operator_inn: Option<String>,
    pub contract_number: Option<String>,
    pub contract_date: Option<NaiveDate>,
}

/// The cycle made.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub id: i64,
    pub year: i64,
    pub sector: Sector,
    pub authority: String,
    pub region: String,
    pub methodology: String,
}

/// Checks `c` and writes it as a new cycle (audited with the note «новый цикл оценки»).
pub fn create(
    conn: &Db,
    c: &NewCycle,
    methods: &Methods,
    today: NaiveDate,
) -> anyhow::Result<Created> {
    if let Some(problem) = year_problem(c.year, today) {
        bail!("--year {}: {problem}", c.year);
    }
    let authorities = store::authority::rows(conn).context("чтение уполномоченных органов")?;
    let authority = match &c.authority_inn {
        Some(inn) => {
            let inn = inn.trim();
            authorities.iter().find(|a| a.inn == inn).with_context(|| {
                format!(
                    "--authority {inn}: уполномоченного органа с таким ИНН в базе нет; есть: {}",
                    listed(&authorities)
                )
            })?
        }
        None => match authorities.as_slice() {
            [only] => only,
            [] => bail!(
                "уполномоченных органов в базе нет: создайте базу командой nok init (она \
                 записывает реквизиты органа)"
            ),
            _ => bail!(
                "в базе несколько уполномоченных органов: укажите --authority ИНН (есть: {})",
                listed(&authorities)
            ),
        },
    };
    let Some(sector) = c.sector.or(authority.sector) else {
        bail!(
            "у органа «{}» сфера не указана: укажите --sector (social, health, culture или \
             education)",
            authority.name
        );
    };
    let codes = methods.codes();
    let methodology = match &c.methodology {
        Some(m) if codes.contains(&m.as_str()) => m.clone(),
        Some(m) => bail!(
            "--methodology {m}: такой версии методики нет; есть: {}",
            codes.join(", ")
        ),
        None => match codes.last() {
            Some(newest) => (*newest).to_string(),
            None => bail!("не найдено ни одной версии методики расчета"),
        },
    };
    let operator_inn = clean(&c.operator_inn);
    if let Some(inn) = &operator_inn
        && let Err(e) = ids::validate_inn(inn)
    {
        bail!("--operator-inn {inn}: {e}");
    }
    if let Some(id) = store::cycles::id_of(conn, c.year, sector, authority.id)? {
        bail!(
            "цикл {} года ({}) органа «{}» уже есть: номер {id} (nok cycles)",
            c.year,
            sector.name_ru(),
            authority.name
        );
    }
    let text = |v: Option<String>| v.map_or(Val::Null, Val::text);
    let row: Vec<(Field, Val)> = vec![
        (C::Year.into(), Val::Int(c.year)),
        (C::Sector.into(), Val::text(sector.code())),
        (C::Authority.into(), Val::Int(authority.id)),
        (C::Region.into(), Val::text(authority.region.clone())),
        (C::Status.into(), Val::text(c.status.code())),
        (C::Methodology.into(), Val::text(methodology.clone())),
        (C::OperatorName.into(), text(clean(&c.operator_name))),
        (C::OperatorInn.into(), text(operator_inn)),
        (C::ContractNumber.into(), text(clean(&c.contract_number))),
        (C::ContractDate.into(), Val::opt_date(c.contract_date)),
    ];
    // What was not given is not written (NULL by the schema) nor audited.
    let row: Vec<(Field, Val)> = row.into_iter().filter(|(_, v)| *v != Val::Null).collect();
    let made = write::create(conn, Table::Cycle, &row, "новый цикл оценки")?;
    let write::Change::Created { id, .. } = made else {
        bail!("внутренняя ошибка: запись цикла не создана");
    };
    Ok(Created {
        id,
        year: c.year,
        sector,
        authority: authority.name.clone(),
        region: authority.region.clone(),
        methodology,
    })
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn listed(authorities: &[store::authority::AuthorityRow]) -> String {
    authorities
        .iter()
        .map(|a| format!("{} ({})", a.inn, a.name))
        .collect::<Vec<_>>()
        .join(", ")
}
