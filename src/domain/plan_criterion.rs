//! Which criterion a row of an improvement plan belongs to. The plan form has one section per
//! criterion of the method (К1…К5 in the 2018 method), numbered I–V or 1–5, and its rows are
//! numbered «section.row»: 1.2 is the second row of К1's section. A section or a row number that
//! names a criterion the method does not have (6.1, section VI → «К6») is an error, never a new
//! criterion. Every reader of plans (tables, text documents) and `check-db` use this rule.

/// Why a plan row has no criterion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CriterionError {
    /// A section heading whose number is not a criterion of the method.
    #[error(
        "раздел {section}: критерия К{n} в методике нет (критерии: {list}); разделы плана — по одному на критерий"
    )]
    NoSuchSection {
        section: String,
        n: u32,
        list: String,
    },
    /// A row number whose first part is not a criterion of the method.
    #[error(
        "пункт {number}: критерия К{n} в методике нет (критерии: {list}); номер пункта начинается с номера критерия, например 1.2 — пункт критерия К1"
    )]
    NoSuchCriterion {
        number: String,
        n: u32,
        list: String,
    },
    /// No section above the row and no criterion in its number.
    #[error(
        "не понятно, к какому критерию относится пункт {number}: нужен раздел («I. Открытость…») или номер вида 1.2"
    )]
    Unknown { number: String },
}

/// The criterion of section `n` (I → К1), `section` as written for the message.
pub fn of_section(
    section: &str,
    n: u32,
    criteria: &[impl AsRef<str>],
) -> Result<String, CriterionError> {
    let code = format!("К{n}");
    if criteria.iter().any(|c| c.as_ref() == code) {
        Ok(code)
    } else {
        Err(CriterionError::NoSuchSection {
            section: section.to_string(),
            n,
            list: list(criteria),
        })
    }
}

/// The criterion of plan row `number` (`1.2`, `6`) under the section whose criterion is
/// `section` (already checked by [`of_section`]), if any. A dotted number must start with a
/// criterion of the method; the section, when there is one, decides.
pub fn of_row(
    number: &str,
    section: Option<&str>,
    criteria: &[impl AsRef<str>],
) -> Result<String, CriterionError> {
    let head = number
        .split_once('.')
        .and_then(|(head, _)| head.trim().parse::<u32>().ok());
    if let Some(n) = head {
        let code = format!("К{n}");
        if !criteria.iter().any(|c| c.as_ref() == code) {
            return Err(CriterionError::NoSuchCriterion {
                number: number.to_string(),
                n,
                list: list(criteria),
            });
        }
        return Ok(section.map_or(code, str::to_string));
    }
    section
        .map(str::to_string)
        .ok_or_else(|| CriterionError::Unknown {
            number: number.to_string(),
        })
}

/// Whether a stored row (number, criterion) is valid under the method's criteria: the criterion
/// is one of them, and a dotted number starts with one of them. The reason when not.
pub fn check_stored(
    number: &str,
    criterion: &str,
    criteria: &[impl AsRef<str>],
) -> Result<(), String> {
    if !criteria.iter().any(|c| c.as_ref() == criterion) {
        return Err(format!(
            "критерия {criterion} в методике нет (критерии: {})",
            list(criteria)
        ));
    }
    of_row(number, Some(criterion), criteria)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn list(criteria: &[impl AsRef<str>]) -> String {
    criteria
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: [&str; 5] = ["К1", "К2", "К3", "К4", "К5"];

    #[test]
    fn sections_and_rows_of_the_five_criteria() {
        assert_eq!(of_section("II", 2, &K), Ok("К2".to_string()));
        assert_eq!(of_section("5", 5, &K), Ok("К5".to_string()));
        assert!(matches!(
            of_section("VI", 6, &K),
            Err(CriterionError::NoSuchSection { n: 6, .. })
        ));
        assert_eq!(of_row("1.2", None, &K), Ok("К1".to_string()));
        assert_eq!(of_row("5.10", None, &K), Ok("К5".to_string()));
        assert_eq!(of_row("3", Some("К3"), &K), Ok("К3".to_string()));
        // The section decides when the number's criterion exists.
        assert_eq!(of_row("2.1", Some("К3"), &K), Ok("К3".to_string()));
        for bad in ["6.1", "9.3", "0.1", "12.1"] {
            assert!(
                matches!(
                    of_row(bad, Some("К1"), &K),
                    Err(CriterionError::NoSuchCriterion { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            of_row("7", None, &K),
            Err(CriterionError::Unknown { number: "7".into() })
        );
        let e = of_row("6.1", None, &K).unwrap_err().to_string();
        assert!(e.contains("К6") && e.contains("К1, К2, К3, К4, К5"), "{e}");
    }

    #[test]
    fn stored_rows() {
        assert_eq!(check_stored("1.2", "К1", &K), Ok(()));
        assert_eq!(check_stored("4", "К4", &K), Ok(()));
        assert!(check_stored("6.1", "К6", &K).unwrap_err().contains("К6"));
        assert!(check_stored("9.1", "К1", &K).unwrap_err().contains("К9"));
    }
}
