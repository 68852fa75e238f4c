//! Identifier checks: ИНН (идентификационный номер налогоплательщика), КПП (код причины
//! постановки на учет), ОГРН / ОГРНИП (основной государственный регистрационный номер), regNum
//! (код по Сводному реестру участников бюджетного процесса / ПГМУ) and ОКТМО (Общероссийский
//! классификатор территорий муниципальных образований).
//!
//! Pure functions: no trimming (the caller trims), anything that is not a digit where digits are
//! required is rejected. Errors carry a Russian message naming the identifier, what is wrong and
//! what was expected.

use std::fmt;

/// Which identifier a check was about (used in error messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// ИНН (10 digits for a legal entity, 12 for a person).
    Inn,
    /// КПП (9 characters).
    Kpp,
    /// ОГРН (13 digits) or ОГРНИП (15 digits).
    Ogrn,
    /// Код по Сводному реестру (regNum).
    RegNum,
    /// ОКТМО (8 or 11 digits).
    Oktmo,
}

impl IdKind {
    /// Russian name as shown to users.
    pub fn name_ru(self) -> &'static str {
        match self {
            IdKind::Inn => "ИНН",
            IdKind::Kpp => "КПП",
            IdKind::Ogrn => "ОГРН",
            IdKind::RegNum => "Код по Сводному реестру",
            IdKind::Oktmo => "ОКТМО",
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_ru())
    }
}

/// A value that is not a valid identifier of its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Empty input.
    #[error("{kind}: значение не указано")]
    Empty { kind: IdKind },
    /// Wrong number of characters.
    #[error("{kind} {value}: должно быть {expected} знаков, введено {actual}")]
    Length {
        kind: IdKind,
        value: String,
        /// Expected length(s), as words, e.g. «10 или 12».
        expected: &'static str,
        actual: usize,
    },
    /// A character that is not allowed at that place.
    #[error(
        "{kind} {value}: недопустимый символ «{ch}» в позиции {position}, ожидается {expected}"
    )]
    BadChar {
        kind: IdKind,
        value: String,
        ch: char,
        /// 1-based position of the character.
        position: usize,
        /// What is allowed there, e.g. «цифра».
        expected: &'static str,
    },
    /// A number in exponential form («1,02771E+12»): how Excel shows a long number in a cell of
    /// the General format, and how it saves it to CSV — the digits past the ones shown are lost.
    #[error(
        "{kind} {value}: число в экспоненциальной записи — так Excel показывает длинные числа, и \
         при сохранении остальные цифры потеряны; задайте колонке формат «Текстовый», введите значения \
         заново (или вставьте из исходного реестра) и сохраните файл"
    )]
    Exponential { kind: IdKind, value: String },
    /// A check digit that does not match.
    #[error("{kind} {value}: неверная контрольная цифра (ожидается {expected})")]
    CheckDigit {
        kind: IdKind,
        value: String,
        /// The expected check digit(s), e.g. `3` or `59`.
        expected: String,
    },
}

const INN10_WEIGHTS: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

fn weighted_check(digits: &[u8], weights: &[u32]) -> u8 {
    let sum: u32 = digits
        .iter()
        .zip(weights)
        .map(|(&d, &w)| u32::from(d) * w)
        .sum();
    ((sum % 11) % 10) as u8
}

/// The check digit (10th) of a legal entity's ИНН from its first nine digits:
/// (Σ dᵢ·wᵢ mod 11) mod 10 with w = 2 4 10 3 5 9 4 6 8.
pub fn inn10_check_digit(first9: &[u8; 9]) -> u8 {
    weighted_check(first9, &INN10_WEIGHTS)
}

/// The two check digits (11th and 12th) of a person's ИНН from its first ten digits.
pub fn inn12_check_digits(first10: &[u8; 10]) -> (u8, u8) {
    let d11 = weighted_check(first10, &INN12_WEIGHTS_11);
    let mut first11 = [0u8; 11];
    first11[..10].copy_from_slice(first10);
    first11[10] = d11;
    let d12 = weighted_check(&first11, &INN12_WEIGHTS_12);
    (d11, d12)
}

/// The check digit (13th) of an ОГРН from its first twelve digits: (the 12-digit number mod 11)
/// mod 10.
pub fn ogrn_check_digit(first12: &[u8; 12]) -> u8 {
    let n = first12.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d));
    ((n % 11) % 10) as u8
}

/// The check digit (15th) of an ОГРНИП from its first fourteen digits: (the 14-digit number
/// mod 13) mod 10.
pub fn ogrnip_check_digit(first14: &[u8; 14]) -> u8 {
    let n = first14.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d));
    ((n % 13) % 10) as u8
}

/// An identifier of digits only with the leading zeros a spreadsheet drops put back: a number
/// shorter than `len` digits («105043724» for the ИНН 0105043724, «10501001» for the КПП
/// 010501001) padded with zeros on the left; anything else (empty, not digits, long enough) as
/// it is, for the check to judge.
pub fn with_leading_zeros(value: &str, len: usize) -> std::borrow::Cow<'_, str> {
    if !value.is_empty() && value.len() < len && value.bytes().all(|b| b.is_ascii_digit()) {
        std::borrow::Cow::Owned(format!("{value:0>len$}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// The digits of `value`, or an error naming the first non-digit.
fn digits(kind: IdKind, value: &str) -> Result<Vec<u8>, IdError> {
    value
        .chars()
        .enumerate()
        .map(|(i, c)| {
            c.to_digit(10)
                .filter(|_| c.is_ascii_digit())
                .map(|d| d as u8)
                .ok_or_else(|| IdError::BadChar {
                    kind,
                    value: value.to_string(),
                    ch: c,
                    position: i + 1,
                    expected: "цифра",
                })
        })
        .collect()
}

/// Whether a value is written at all: refuses an empty value, and a number in Excel's
/// exponential form (digits, a point or comma and more digits, then `E`, a sign and digits:
/// «1,02771E+12», «7.7E+09»), which no identifier is and whose lost digits no check should guess.
fn written(kind: IdKind, value: &str) -> Result<(), IdError> {
    if value.is_empty() {
        return Err(IdError::Empty { kind });
    }
    if is_exponential(value) {
        return Err(IdError::Exponential {
            kind,
            value: value.to_string(),
        });
    }
    Ok(())
}

/// Whether `value` is a number in exponential form: `D[.,DDD]E±DD`, as a spreadsheet writes it
/// (always with the exponent's sign, so that a code such as «123E5001» is not taken for one).
fn is_exponential(value: &str) -> bool {
    let Some((mantissa, exponent)) = value.split_once(['E', 'e']) else {
        return false;
    };
    let (whole, fraction) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, ""));
    let Some(exponent) = exponent.strip_prefix(['+', '-']) else {
        return false;
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !whole.is_empty()
        && all_digits(whole)
        && all_digits(fraction)
        && !exponent.is_empty()
        && all_digits(exponent)
}

fn length_error(kind: IdKind, value: &str, expected: &'static str) -> IdError {
    IdError::Length {
        kind,
        value: value.to_string(),
        expected,
        actual: value.chars().count(),
    }
}

/// Checks an ИНН: 10 digits (юридическое лицо) or 12 digits (физическое лицо, индивидуальный
/// предприниматель) with valid check digits.
pub fn validate_inn(value: &str) -> Result<(), IdError> {
    let kind = IdKind::Inn;
    written(kind, value)?;
    let d = digits(kind, value)?;
    match d.len() {
        10 => {
            let mut first = [0u8; 9];
            first.copy_from_slice(&d[..9]);
            let c = inn10_check_digit(&first);
            if c == d[9] {
                Ok(())
            } else {
                Err(IdError::CheckDigit {
                    kind,
                    value: value.to_string(),
                    expected: c.to_string(),
                })
            }
        }
        12 => {
            let mut first = [0u8; 10];
            first.copy_from_slice(&d[..10]);
            let (c11, c12) = inn12_check_digits(&first);
            if c11 == d[10] && c12 == d[11] {
                Ok(())
            } else {
                Err(IdError::CheckDigit {
                    kind,
                    value: value.to_string(),
                    expected: format!("{c11}{c12}"),
                })
            }
        }
        _ => Err(length_error(kind, value, "10 или 12")),
    }
}

/// Checks a КПП: 9 characters — 4 digits (код налогового органа), 2 digits or Latin capitals A–Z
/// (причина постановки на учет), 3 digits (порядковый номер).
pub fn validate_kpp(value: &str) -> Result<(), IdError> {
    let kind = IdKind::Kpp;
    written(kind, value)?;
    let chars: Vec<char> = value.chars().collect();
    if chars.len() != 9 {
        return Err(length_error(kind, value, "9"));
    }
    for (i, &c) in chars.iter().enumerate() {
        let (ok, expected) = if (4..6).contains(&i) {
            (
                c.is_ascii_digit() || c.is_ascii_uppercase(),
                "цифра или латинская заглавная буква A–Z",
            )
        } else {
            (c.is_ascii_digit(), "цифра")
        };
        if !ok {
            return Err(IdError::BadChar {
                kind,
                value: value.to_string(),
                ch: c,
                position: i + 1,
                expected,
            });
        }
    }
    Ok(())
}

/// Checks an ОГРН (13 digits, юридическое лицо: the 13th = (first 12 as a number mod 11) mod 10)
/// or an ОГРНИП (15 digits, индивидуальный предприниматель: the 15th = (first 14 mod 13) mod 10).
pub fn validate_ogrn(value: &str) -> Result<(), IdError> {
    let kind = IdKind::Ogrn;
    written(kind, value)?;
    let d = digits(kind, value)?;
    let (expected, actual) = match d.len() {
        13 => {
            let mut first = [0u8; 12];
            first.copy_from_slice(&d[..12]);
            (ogrn_check_digit(&first), d[12])
        }
        15 => {
            let mut first = [0u8; 14];
            first.copy_from_slice(&d[..14]);
            (ogrnip_check_digit(&first), d[14])
        }
        _ => return Err(length_error(kind, value, "13 (ОГРНИП — 15)")),
    };
    if expected == actual {
        Ok(())
    } else {
        Err(IdError::CheckDigit {
            kind,
            value: value.to_string(),
            expected: expected.to_string(),
        })
    }
}

fn is_cyrillic_letter(c: char) -> bool {
    matches!(c, 'А'..='я' | 'Ё' | 'ё')
}

/// Checks a код по Сводному реестру (regNum): 8 characters, 3 digits followed by 5 digits or
/// letters (Latin or Cyrillic), or 13 digits (the older form).
pub fn validate_reg_num(value: &str) -> Result<(), IdError> {
    let kind = IdKind::RegNum;
    written(kind, value)?;
    let chars: Vec<char> = value.chars().collect();
    match chars.len() {
        8 => {
            for (i, &c) in chars.iter().enumerate() {
                let (ok, expected) = if i < 3 {
                    (c.is_ascii_digit(), "цифра")
                } else {
                    (
                        c.is_ascii_alphanumeric() || is_cyrillic_letter(c),
                        "цифра или буква",
                    )
                };
                if !ok {
                    return Err(IdError::BadChar {
                        kind,
                        value: value.to_string(),
                        ch: c,
                        position: i + 1,
                        expected,
                    });
                }
            }
            Ok(())
        }
        13 => digits(kind, value).map(|_| ()),
        _ => Err(length_error(kind, value, "8 или 13")),
    }
}

/// Checks an ОКТМО: 8 digits (муниципальное образование) or 11 digits (населенный пункт).
pub fn validate_oktmo(value: &str) -> Result<(), IdError> {
    let kind = IdKind::Oktmo;
    written(kind, value)?;
    let d = digits(kind, value)?;
    match d.len() {
        8 | 11 => Ok(()),
        _ => Err(length_error(kind, value, "8 или 11")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inn_valid() {
        // ПАО Сбербанк.
        assert_eq!(validate_inn("7707083893"), Ok(()));
        // ПАО «Газпром».
        assert_eq!(validate_inn("7736050003"), Ok(()));
        // A person's ИНН: 11th = (5·7+1·10+7·9+3·4+2·6+2·8) mod 11 = 148 mod 11 = 5,
        // 12th = (5·3+1·4+7·5+3·9+2·4+2·6+5·8) mod 11 = 141 mod 11 = 9.
        assert_eq!(validate_inn("500100732259"), Ok(()));
    }

    #[test]
    fn inn_check_digits() {
        assert_eq!(inn10_check_digit(&[7, 7, 0, 7, 0, 8, 3, 8, 9]), 3);
        assert_eq!(inn12_check_digits(&[5, 0, 0, 1, 0, 0, 7, 3, 2, 2]), (5, 9));
        let e = validate_inn("7707083894").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ИНН 7707083894: неверная контрольная цифра (ожидается 3)"
        );
        let e = validate_inn("500100732250").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ИНН 500100732250: неверная контрольная цифра (ожидается 59)"
        );
        assert!(validate_inn("500100732269").is_err());
    }

    #[test]
    fn inn_length_and_chars() {
        assert_eq!(
            validate_inn("770708389").unwrap_err().to_string(),
            "ИНН 770708389: должно быть 10 или 12 знаков, введено 9"
        );
        assert!(validate_inn("77070838931").is_err());
        assert_eq!(validate_inn(""), Err(IdError::Empty { kind: IdKind::Inn }));
        assert_eq!(
            validate_inn("77070А3893").unwrap_err().to_string(),
            "ИНН 77070А3893: недопустимый символ «А» в позиции 6, ожидается цифра"
        );
        assert!(validate_inn(" 7707083893").is_err());
        // Non-ASCII digits are not digits here.
        assert!(validate_inn("٧707083893").is_err());
    }

    #[test]
    fn ogrn() {
        // ПАО Сбербанк.
        assert_eq!(validate_ogrn("1027700132195"), Ok(()));
        assert_eq!(
            validate_ogrn("1027700132196").unwrap_err().to_string(),
            "ОГРН 1027700132196: неверная контрольная цифра (ожидается 5)"
        );
        assert!(validate_ogrn("1027700132295").is_err());
        assert!(validate_ogrn("102770013219").is_err());
        assert!(validate_ogrn("10277001321X5").is_err());
        assert_eq!(ogrn_check_digit(&[1, 0, 2, 7, 7, 0, 0, 1, 3, 2, 1, 9]), 5);
    }

    #[test]
    fn ogrnip() {
        let first: [u8; 14] = [3, 0, 4, 5, 0, 0, 1, 1, 6, 0, 0, 0, 1, 5];
        let c = ogrnip_check_digit(&first);
        let n: u64 = 30450011600015;
        assert_eq!(u64::from(c), (n % 13) % 10);
        let mut s: String = first.iter().map(|d| char::from(b'0' + d)).collect();
        s.push(char::from(b'0' + c));
        assert_eq!(validate_ogrn(&s), Ok(()));
        let mut bad = s.clone();
        bad.pop();
        bad.push(char::from(b'0' + (c + 1) % 10));
        assert!(validate_ogrn(&bad).is_err());
    }

    #[test]
    fn excel_exponential_form_is_named() {
        // Excel (General format) shows and saves 1027700132195 as «1,02770E+12» (Russian locale)
        // or «1.0277E+12»; an ИНН of 7707083893 as «7,71E+09» in a narrow column.
        for (check, value) in [
            (
                validate_ogrn as fn(&str) -> Result<(), IdError>,
                "1,02770E+12",
            ),
            (validate_ogrn, "1.0277E+12"),
            (validate_ogrn, "1E+12"),
            (validate_inn, "7,71E+09"),
            (validate_reg_num, "4.1E+07"),
            (validate_reg_num, "3,3E+11"),
            (validate_oktmo, "4,1E+10"),
            (validate_kpp, "7,73601E+08"),
        ] {
            let e = check(value).unwrap_err();
            assert!(matches!(e, IdError::Exponential { .. }), "{value}: {e:?}");
            let text = e.to_string();
            assert!(
                text.contains(&format!(" {value}: число в экспоненциальной записи"))
                    && text.contains("формат «Текстовый»"),
                "{text}"
            );
        }
        // Not exponential: a letter E inside a code, or no digits around it.
        assert!(!is_exponential("123E"));
        assert!(!is_exponential("E+12"));
        assert!(!is_exponential("1,2E"));
        assert!(!is_exponential("12AE5001"));
        assert!(!is_exponential("1E12"));
        assert_eq!(validate_reg_num("123E5001"), Ok(()));
    }

    #[test]
    fn leading_zeros_put_back() {
        assert_eq!(with_leading_zeros("105043724", 10), "0105043724");
        assert_eq!(with_leading_zeros("10501001", 9), "010501001");
        assert_eq!(with_leading_zeros("0105043724", 10), "0105043724");
        assert_eq!(with_leading_zeros("", 10), "");
        assert_eq!(with_leading_zeros("7736AB001", 10), "7736AB001");
        assert_eq!(with_leading_zeros("1,02E+12", 13), "1,02E+12");
    }

    #[test]
    fn kpp() {
        assert_eq!(validate_kpp("773601001"), Ok(()));
        assert_eq!(validate_kpp("7736AB001"), Ok(()));
        assert_eq!(
            validate_kpp("77070100").unwrap_err().to_string(),
            "КПП 77070100: должно быть 9 знаков, введено 8"
        );
        assert!(validate_kpp("7736ab001").is_err());
        assert!(validate_kpp("77A601001").is_err());
        assert!(
            validate_kpp("7736АБ001").is_err(),
            "Cyrillic letters are not allowed"
        );
        assert!(validate_kpp("77360100Z").is_err());
    }

    #[test]
    fn reg_num() {
        assert_eq!(validate_reg_num("41301573"), Ok(()));
        assert_eq!(validate_reg_num("410Ж3412"), Ok(()));
        assert_eq!(validate_reg_num("033ZX604"), Ok(()));
        assert_eq!(validate_reg_num("0330000000123"), Ok(()));
        assert_eq!(validate_reg_num("123ёЁ001"), Ok(()));
        assert!(
            validate_reg_num("41А01573").is_err(),
            "the first 3 are digits"
        );
        assert!(validate_reg_num("4130157").is_err());
        assert!(validate_reg_num("413015733").is_err());
        assert!(validate_reg_num("413-1573").is_err());
        assert!(validate_reg_num("03300000001Б3").is_err());
        assert_eq!(
            validate_reg_num("41301").unwrap_err().to_string(),
            "Код по Сводному реестру 41301: должно быть 8 или 13 знаков, введено 5"
        );
    }

    #[test]
    fn oktmo() {
        assert_eq!(validate_oktmo("17701000"), Ok(()));
        assert_eq!(validate_oktmo("17701000001"), Ok(()));
        assert!(validate_oktmo("1770100").is_err());
        assert!(validate_oktmo("177010000").is_err());
        assert!(validate_oktmo("1770100O").is_err());
    }
}
