//! Reading a method file (файл методики): the TOML text is parsed into the file's own shape
//! (`raw`), then checked rule by rule and converted into the model of the parent module. Every
//! refusal is a [`MethodologyError`] in Russian naming the file, the key path and, for syntax
//! errors, the line and column; [`toml_error_ru`] renders TOML errors of other files (the settings
//! file) the same way.

use super::{
    ChecklistItem, Criterion, Formula, IndicatorDef, InputDef, InputKind, MAX_ROUNDING_DIGITS,
    Methodology, Profile, ROUNDING_MODE, Rounding, RoundingOrder, Status, WhenEmpty,
};
use crate::domain::rounding::round_half_away;
use crate::domain::sector::Sector;

/// How far the weights of one criterion may sum away from 1.
const WEIGHT_SUM_TOLERANCE: f64 = 1e-9;

impl Methodology {
    /// Reads a method version from the text of its TOML file and checks it (see the format in the
    /// header of `data/methodology/2018.toml`). `file` names the file in error messages.
    ///
    /// Every error names the file and the key path, e.g. `indicators[3].formula`, and says in
    /// Russian what is wrong; TOML syntax errors also give the line and column.
    pub fn from_toml(file: &str, text: &str) -> Result<Methodology, MethodologyError> {
        // Editors on Windows may save a byte-order mark; TOML does not allow one.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: raw::File = toml::from_str(text).map_err(|e| syntax_error(file, text, &e))?;
        Checker { file }.convert(raw)
    }
}

/// A method file that cannot be used (ошибка в файле методики). The message is in Russian and
/// names the file and the key path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MethodologyError {
    /// The text is not TOML, or a key is missing, unknown or of the wrong type.
    #[error("{file}: строка {line}, столбец {column}: {}{message}", path_prefix(.path))]
    Syntax {
        file: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// Key path of the offending value, when it could be found.
        path: Option<String>,
        message: String,
    },
    /// The TOML is well formed but breaks a rule of the method, e.g. weights not summing to 1.
    #[error("{file}: {path}: {message}")]
    Invalid {
        file: String,
        /// Key path, e.g. `indicators[3].formula` or `profiles[0].weights."2.2"`.
        path: String,
        message: String,
    },
}

impl MethodologyError {
    /// The file the error is in.
    pub fn file(&self) -> &str {
        match self {
            MethodologyError::Syntax { file, .. } | MethodologyError::Invalid { file, .. } => file,
        }
    }

    /// The key path of the error, when known.
    pub fn path(&self) -> Option<&str> {
        match self {
            MethodologyError::Syntax { path, .. } => path.as_deref(),
            MethodologyError::Invalid { path, .. } => Some(path),
        }
    }
}

fn path_prefix(path: &Option<String>) -> String {
    path.as_ref().map(|p| format!("{p}: ")).unwrap_or_default()
}

// ------------------------------------------------------------------------------------------------
// TOML and shape errors
// ------------------------------------------------------------------------------------------------

/// Turns a parse or deserialization error of the `toml` crate into a Russian message with the line,
/// the column and, when the document itself parses, the key path of the offending value.
fn syntax_error(file: &str, text: &str, error: &toml::de::Error) -> MethodologyError {
    let span = error.span();
    let offset = span.as_ref().map_or(0, |s| s.start.min(text.len()));
    let (line, column) = line_and_column(text, offset);
    let snippet = span
        .as_ref()
        .and_then(|s| text.get(s.clone()))
        .unwrap_or("");
    let path = span.as_ref().and_then(|s| {
        let document = toml::de::DeTable::parse(text).ok()?;
        // A field missing at the top level is reported at offset 0: no path to give.
        if s.is_empty() && s.start == 0 {
            return None;
        }
        path_at(document.get_ref(), s.start, "")
    });
    MethodologyError::Syntax {
        file: file.to_string(),
        line,
        column,
        path,
        message: translate_toml_message(error.message(), snippet),
    }
}

/// A TOML error of any file (the settings file too) in Russian: «строка L, столбец C: …».
pub fn toml_error_ru(text: &str, error: &toml::de::Error) -> String {
    let span = error.span();
    let offset = span.as_ref().map_or(0, |s| s.start.min(text.len()));
    let (line, column) = line_and_column(text, offset);
    let snippet = span
        .as_ref()
        .and_then(|s| text.get(s.clone()))
        .unwrap_or("");
    format!(
        "строка {line}, столбец {column}: {}",
        translate_toml_message(error.message(), snippet)
    )
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The key path (`indicators[3].inputs[0].kind`) of the key or value at byte `offset`.
/// Tables have spans only for their headers, so every entry is searched, innermost first.
fn path_at(table: &toml::de::DeTable<'_>, offset: usize, prefix: &str) -> Option<String> {
    for (key, value) in table.iter() {
        let path = join_key(prefix, key.get_ref());
        if let Some(found) = path_in_value(value, offset, &path) {
            return Some(found);
        }
        if span_contains(&key.span(), offset) {
            return Some(path);
        }
    }
    None
}

fn path_in_value(
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    offset: usize,
    path: &str,
) -> Option<String> {
    let inner = match value.get_ref() {
        toml::de::DeValue::Table(t) => path_at(t, offset, path),
        toml::de::DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let item_path = format!("{path}[{i}]");
            path_in_value(item, offset, &item_path)
        }),
        _ => None,
    };
    inner.or_else(|| span_contains(&value.span(), offset).then(|| path.to_string()))
}

fn span_contains(span: &std::ops::Range<usize>, offset: usize) -> bool {
    span.contains(&offset) || (span.is_empty() && span.start == offset)
}

/// `prefix.key`, quoting the key when it is not a bare TOML key: `weights."1.1"`.
fn join_key(prefix: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare {
        key.to_string()
    } else {
        format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))
    };
    if prefix.is_empty() {
        key
    } else {
        format!("{prefix}.{key}")
    }
}

/// A Russian rendering of the `toml`/`serde` messages a method file can produce. Unknown
/// messages (rare syntax errors) are kept in the parser's words after a Russian lead.
fn translate_toml_message(message: &str, snippet: &str) -> String {
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("нет обязательного ключа «{}»", rest.trim_matches('`'));
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let allowed = expected
            .trim_start_matches("one of ")
            .replace(" or ", ", ")
            .replace('`', "");
        return format!(
            "неизвестный ключ «{}»; допустимы: {allowed}",
            field.trim_matches('`')
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return format!(
            "неверный тип значения: {}, а ожидается {}",
            translate_type(found),
            translate_type(expected)
        );
    }
    if message == "duplicate key" {
        return format!("ключ {} повторяется", snippet.trim());
    }
    let description = message.split(", expected").next().unwrap_or(message);
    match SYNTAX_MESSAGES.iter().find(|(en, _)| *en == description) {
        Some((_, ru)) => format!("ошибка синтаксиса TOML: {ru}"),
        None => format!("ошибка синтаксиса TOML ({message})"),
    }
}

/// The parser's most common complaints in Russian.
const SYNTAX_MESSAGES: [(&str, &str); 13] = [
    (
        "invalid unquoted key",
        "ключ без кавычек может содержать только латинские буквы, цифры, - и _; возьмите его в кавычки",
    ),
    ("unclosed array table", "не закрыт заголовок [[…]]"),
    ("unclosed table", "не закрыт заголовок […]"),
    ("unclosed array", "не закрыт массив: нет ]"),
    ("unclosed inline table", "не закрыта таблица { … }: нет }"),
    (
        "string values must be quoted",
        "строковое значение нужно взять в кавычки",
    ),
    (
        "invalid basic string",
        "не закрыта строка в кавычках или в ней неверный символ",
    ),
    (
        "missing assignment between key-value pairs",
        "пропущен знак = между ключом и значением",
    ),
    ("key with no value", "у ключа нет значения"),
    ("missing value", "у ключа нет значения"),
    ("missing value for key", "у ключа нет значения"),
    (
        "missing comma between array elements",
        "пропущена запятая между элементами массива",
    ),
    (
        "missing comma between key-value pairs",
        "пропущена запятая между парами ключ = значение",
    ),
];

/// `integer \`5\`` → `целое число 5`, `a string` → `строка`, `f64` → `число`.
fn translate_type(text: &str) -> String {
    let (head, value) = text.split_once(' ').unwrap_or((text, ""));
    let value = value.trim_matches('`');
    let name = match head {
        "a" | "an" => return translate_type(value),
        "string" => "строка",
        "integer" | "i64" | "i32" | "u32" | "u64" | "usize" => "целое число",
        "floating" | "f64" | "f32" => "число",
        "boolean" | "bool" => "логическое значение",
        "sequence" => "массив",
        "map" | "struct" => "таблица",
        "datetime" => "дата",
        _ => return text.to_string(),
    };
    let value = value.trim_start_matches("point ").trim_matches('`');
    if value.is_empty() || head == "struct" {
        name.to_string()
    } else {
        format!("{name} {value}")
    }
}

// ------------------------------------------------------------------------------------------------
// Checking and converting the parsed file
// ------------------------------------------------------------------------------------------------

/// The file as written, before checks. Keys are short; the checker prefixes them.
mod raw {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        pub version: String,
        pub title: String,
        pub basis: String,
        pub status: Status,
        pub rounding: Rounding,
        #[serde(default)]
        pub criteria: Vec<Criterion>,
        #[serde(default)]
        pub indicators: Vec<Indicator>,
        #[serde(default)]
        pub profiles: Vec<Profile>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Rounding {
        pub digits: i64,
        pub mode: String,
        pub order: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Status {
        pub act: String,
        pub act_date: String,
        pub applies_from: Option<String>,
        pub applies_until: Option<String>,
        #[serde(default)]
        pub note: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Criterion {
        pub code: String,
        pub name: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Indicator {
        pub code: String,
        pub criterion: String,
        pub name: String,
        pub formula: String,
        pub points: Option<f64>,
        pub cap: Option<f64>,
        #[serde(default)]
        pub inputs: Vec<Input>,
        #[serde(default)]
        pub checklist: Vec<Item>,
        pub sectors: Option<Vec<String>>,
        pub when_empty: Option<String>,
        pub when_empty_basis: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Input {
        pub key: String,
        pub name: String,
        pub kind: String,
        #[serde(default)]
        pub empty: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Item {
        pub key: String,
        pub name: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Profile {
        pub code: String,
        pub name: String,
        pub sectors: Vec<String>,
        pub weights: BTreeMap<String, f64>,
    }
}

/// Checks a parsed file against the rules of the format and builds the [`Methodology`].
struct Checker<'a> {
    file: &'a str,
}

type Checked<T> = Result<T, MethodologyError>;

impl Checker<'_> {
    fn fail<T>(&self, path: impl Into<String>, message: impl Into<String>) -> Checked<T> {
        Err(MethodologyError::Invalid {
            file: self.file.to_string(),
            path: path.into(),
            message: message.into(),
        })
    }

    fn convert(&self, raw: raw::File) -> Checked<Methodology> {
        let version = self.non_empty("version", raw.version, "версию методики")?;
        let title = self.non_empty("title", raw.title, "название методики")?;
        let basis = self.non_empty("basis", raw.basis, "нормативный акт")?;
        let status = self.status(raw.status)?;
        let rounding = self.rounding(raw.rounding)?;
        let criteria = self.criteria(raw.criteria)?;
        let indicators = self.indicators(raw.indicators, &criteria)?;
        self.one_definition_per_sector(&indicators)?;
        self.every_criterion_measured(&criteria, &indicators)?;
        let profiles = self.profiles(raw.profiles, &criteria, &indicators)?;
        Ok(Methodology {
            version,
            title,
            basis,
            status,
            rounding,
            criteria,
            indicators,
            profiles,
        })
    }

    fn non_empty(&self, path: &str, value: String, what: &str) -> Checked<String> {
        let value = value.trim().to_string();
        if value.is_empty() {
            return self.fail(path, format!("пустое значение: укажите {what}"));
        }
        Ok(value)
    }

    /// A code used inside keys and paths: non-empty, no spaces.
    fn code(&self, path: &str, value: String, what: &str) -> Checked<String> {
        let value = self.non_empty(path, value, what)?;
        if value.chars().any(char::is_whitespace) {
            return self.fail(path, format!("код «{value}» содержит пробел"));
        }
        Ok(value)
    }

    fn status(&self, raw: raw::Status) -> Checked<Status> {
        let act = self.non_empty(
            "status.act",
            raw.act,
            "нормативный акт, которому следует версия",
        )?;
        let act_date = self.date("status.act_date", &raw.act_date)?;
        let applies_from = match raw.applies_from {
            Some(d) => Some(self.date("status.applies_from", &d)?),
            None => None,
        };
        let applies_until = match raw.applies_until {
            Some(d) => Some(self.date("status.applies_until", &d)?),
            None => None,
        };
        if let (Some(from), Some(until)) = (applies_from, applies_until)
            && until < from
        {
            return self.fail(
                "status.applies_until",
                format!("дата окончания {until} раньше даты начала {from}"),
            );
        }
        Ok(Status {
            act,
            act_date,
            applies_from,
            applies_until,
            note: raw.note.trim().to_string(),
        })
    }

    /// A date written `ГГГГ-ММ-ДД`.
    fn date(&self, path: &str, text: &str) -> Checked<chrono::NaiveDate> {
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").or_else(|_| {
            self.fail(
                path,
                format!("дата «{text}» не в формате ГГГГ-ММ-ДД (например, 2018-05-31)"),
            )
        })
    }

    fn rounding(&self, raw: raw::Rounding) -> Checked<Rounding> {
        let order = match raw.order.as_deref() {
            None => RoundingOrder::FromRaw,
            Some(code) => RoundingOrder::from_code(code).ok_or_else(|| {
                self.invalid(
                    "rounding.order".into(),
                    format!(
                        "неизвестный порядок округления «{code}»; допустимы: {}",
                        RoundingOrder::CODES.join(", ")
                    ),
                )
            })?,
        };
        if raw.mode != ROUNDING_MODE {
            return self.fail(
                "rounding.mode",
                format!(
                    "неизвестный способ округления «{}»; допустим: {ROUNDING_MODE}",
                    raw.mode
                ),
            );
        }
        match u32::try_from(raw.digits) {
            Ok(digits) if digits <= MAX_ROUNDING_DIGITS => Ok(Rounding { digits, order }),
            _ => self.fail(
                "rounding.digits",
                format!(
                    "число знаков после запятой {} вне допустимого диапазона 0–{MAX_ROUNDING_DIGITS}",
                    raw.digits
                ),
            ),
        }
    }

    fn criteria(&self, raw: Vec<raw::Criterion>) -> Checked<Vec<Criterion>> {
        if raw.is_empty() {
            return self.fail(
                "criteria",
                "не задано ни одного критерия; добавьте разделы [[criteria]]",
            );
        }
        let mut criteria: Vec<Criterion> = Vec::with_capacity(raw.len());
        for (i, c) in raw.into_iter().enumerate() {
            let code = self.code(&format!("criteria[{i}].code"), c.code, "код критерия")?;
            let name =
                self.non_empty(&format!("criteria[{i}].name"), c.name, "название критерия")?;
            if let Some(j) = criteria.iter().position(|k| k.code == code) {
                return self.fail(
                    format!("criteria[{i}].code"),
                    format!("код критерия «{code}» повторяется (уже есть в criteria[{j}])"),
                );
            }
            criteria.push(Criterion { code, name });
        }
        Ok(criteria)
    }

    fn indicators(
        &self,
        raw: Vec<raw::Indicator>,
        criteria: &[Criterion],
    ) -> Checked<Vec<IndicatorDef>> {
        if raw.is_empty() {
            return self.fail(
                "indicators",
                "не задано ни одного показателя; добавьте разделы [[indicators]]",
            );
        }
        raw.into_iter()
            .enumerate()
            .map(|(i, r)| self.indicator(&format!("indicators[{i}]"), r, criteria))
            .collect()
    }

    fn indicator(
        &self,
        at: &str,
        raw: raw::Indicator,
        criteria: &[Criterion],
    ) -> Checked<IndicatorDef> {
        let code = self.code(&format!("{at}.code"), raw.code, "код показателя")?;
        let criterion = raw.criterion.trim().to_string();
        if !criteria.iter().any(|c| c.code == criterion) {
            let known: Vec<&str> = criteria.iter().map(|c| c.code.as_str()).collect();
            return self.fail(
                format!("{at}.criterion"),
                format!(
                    "критерий «{criterion}» не описан в разделах [[criteria]]; известны: {}",
                    known.join(", ")
                ),
            );
        }
        let name = self.non_empty(&format!("{at}.name"), raw.name, "название показателя")?;
        let formula = self.formula(at, &raw.formula, raw.points, raw.cap)?;
        let inputs = self.inputs(at, &code, formula, raw.inputs)?;
        let checklist = self.checklist(at, &code, formula, raw.checklist, &inputs)?;
        let (when_empty, when_empty_basis) =
            self.when_empty(at, formula, raw.when_empty, raw.when_empty_basis)?;
        let sectors = match raw.sectors {
            Some(list) => Some(self.sectors(
                &format!("{at}.sectors"),
                list,
                "уберите ключ sectors, чтобы определение применялось ко всем сферам",
            )?),
            None => None,
        };
        Ok(IndicatorDef {
            code,
            criterion,
            name,
            formula,
            inputs,
            checklist,
            sectors,
            when_empty,
            when_empty_basis,
        })
    }

    /// The empty-group rule: required (with its basis) for a formula with denominators, not
    /// allowed for a checklist.
    fn when_empty(
        &self,
        at: &str,
        formula: Formula,
        rule: Option<String>,
        basis: Option<String>,
    ) -> Checked<(WhenEmpty, String)> {
        if matches!(formula, Formula::Points { .. }) {
            for (key, value) in [("when_empty", &rule), ("when_empty_basis", &basis)] {
                if value.is_some() {
                    return self.fail(
                        format!("{at}.{key}"),
                        format!(
                            "ключ {key} не допустим для формулы points: у чек-листа нет знаменателя"
                        ),
                    );
                }
            }
            return Ok((WhenEmpty::Error, String::new()));
        }
        let Some(code) = rule else {
            return self.fail(
                format!("{at}.when_empty"),
                format!(
                    "укажите, что значит пустая группа (0 ответивших): when_empty = один из {}",
                    WhenEmpty::CODES.join(", ")
                ),
            );
        };
        let rule = WhenEmpty::from_code(code.trim()).ok_or_else(|| {
            self.invalid(
                format!("{at}.when_empty"),
                format!(
                    "неизвестное правило пустой группы «{code}»; допустимы: {}",
                    WhenEmpty::CODES.join(", ")
                ),
            )
        })?;
        let basis = self.non_empty(
            &format!("{at}.when_empty_basis"),
            basis.unwrap_or_default(),
            "основание правила пустой группы (акт или «региональная настройка»)",
        )?;
        Ok((rule, basis))
    }

    fn formula(
        &self,
        at: &str,
        code: &str,
        points: Option<f64>,
        cap: Option<f64>,
    ) -> Checked<Formula> {
        let formula = match code {
            "ratio_pair" => Formula::RatioPair,
            "share" => Formula::Share,
            "mean_value_share" => Formula::MeanValueShare,
            "points" => Formula::Points {
                points: self.positive(
                    &format!("{at}.points"),
                    points,
                    "число баллов за пункт (ключ points)",
                )?,
                cap: self.positive(&format!("{at}.cap"), cap, "предел баллов (ключ cap)")?,
            },
            other => {
                return self.fail(
                    format!("{at}.formula"),
                    format!(
                        "неизвестный вид формулы «{other}»; допустимы: {}",
                        Formula::CODES.join(", ")
                    ),
                );
            }
        };
        if !matches!(formula, Formula::Points { .. }) {
            for (key, value) in [("points", points), ("cap", cap)] {
                if value.is_some() {
                    return self.fail(
                        format!("{at}.{key}"),
                        format!(
                            "ключ {key} допустим только для формулы points, а здесь формула {code}"
                        ),
                    );
                }
            }
        }
        Ok(formula)
    }

    fn positive(&self, path: &str, value: Option<f64>, what: &str) -> Checked<f64> {
        match value {
            Some(v) if v.is_finite() && v > 0.0 => Ok(v),
            Some(v) => self.fail(
                path,
                format!("значение должно быть больше нуля, указано {v}"),
            ),
            None => self.fail(path, format!("для формулы points укажите {what}")),
        }
    }

    fn inputs(
        &self,
        at: &str,
        indicator: &str,
        formula: Formula,
        raw: Vec<raw::Input>,
    ) -> Checked<Vec<InputDef>> {
        let expected = formula.input_kinds();
        if raw.len() != expected.len() {
            let kinds: Vec<&str> = expected.iter().map(|k| k.code()).collect();
            let wanted = if kinds.is_empty() {
                "не читает входов (только чек-лист)".to_string()
            } else {
                format!(
                    "требует входов: {} (по порядку: {})",
                    kinds.len(),
                    kinds.join(", ")
                )
            };
            return self.fail(
                format!("{at}.inputs"),
                format!(
                    "формула {} {wanted}, а указано: {}",
                    formula.code(),
                    raw.len()
                ),
            );
        }
        let mut inputs: Vec<InputDef> = Vec::with_capacity(raw.len());
        for (j, (input, &want)) in raw.into_iter().zip(expected).enumerate() {
            let here = format!("{at}.inputs[{j}]");
            let kind = InputKind::from_code(&input.kind).ok_or_else(|| {
                self.invalid(
                    format!("{here}.kind"),
                    format!(
                        "неизвестный вид входа «{}»; допустимы: count, value",
                        input.kind
                    ),
                )
            })?;
            if kind != want {
                return self.fail(
                    format!("{here}.kind"),
                    format!(
                        "формула {} читает на месте {} вход вида {}, указано {}",
                        formula.code(),
                        j + 1,
                        want.code(),
                        kind.code()
                    ),
                );
            }
            let key = self.key(&here, indicator, &input.key, inputs.iter().map(|d| &d.key))?;
            let name = self.non_empty(&format!("{here}.name"), input.name, "название входа")?;
            let empty = input.empty.trim().to_string();
            inputs.push(InputDef {
                key,
                name,
                kind,
                empty,
            });
        }
        Ok(inputs)
    }

    fn checklist(
        &self,
        at: &str,
        indicator: &str,
        formula: Formula,
        raw: Vec<raw::Item>,
        inputs: &[InputDef],
    ) -> Checked<Vec<ChecklistItem>> {
        let is_points = matches!(formula, Formula::Points { .. });
        if is_points && raw.is_empty() {
            return self.fail(
                format!("{at}.checklist"),
                "формула points требует чек-лист хотя бы из одного пункта",
            );
        }
        if !is_points && !raw.is_empty() {
            return self.fail(
                format!("{at}.checklist"),
                format!(
                    "чек-лист допустим только для формулы points, а здесь формула {}",
                    formula.code()
                ),
            );
        }
        let mut items: Vec<ChecklistItem> = Vec::with_capacity(raw.len());
        for (j, item) in raw.into_iter().enumerate() {
            let here = format!("{at}.checklist[{j}]");
            let taken = inputs
                .iter()
                .map(|d| &d.key)
                .chain(items.iter().map(|c| &c.key));
            let key = self.key(&here, indicator, &item.key, taken)?;
            let name = self.non_empty(&format!("{here}.name"), item.name, "название пункта")?;
            items.push(ChecklistItem { key, name });
        }
        Ok(items)
    }

    /// Checks a short key (`stand_present`) and returns it prefixed (`1.1.stand_present`).
    fn key<'k>(
        &self,
        here: &str,
        indicator: &str,
        short: &str,
        mut taken: impl Iterator<Item = &'k String>,
    ) -> Checked<String> {
        let path = format!("{here}.key");
        let well_formed = !short.is_empty()
            && short
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            return self.fail(
                path,
                format!(
                    "ключ «{short}» недопустим: используйте строчные латинские буквы, цифры и _"
                ),
            );
        }
        let key = format!("{indicator}.{short}");
        if taken.any(|k| *k == key) {
            return self.fail(
                path,
                format!("ключ «{short}» повторяется в показателе {indicator}"),
            );
        }
        Ok(key)
    }

    fn sectors(&self, path: &str, raw: Vec<String>, if_empty: &str) -> Checked<Vec<Sector>> {
        if raw.is_empty() {
            return self.fail(path, format!("пустой список сфер; {if_empty}"));
        }
        let mut sectors = Vec::with_capacity(raw.len());
        for (k, code) in raw.iter().enumerate() {
            let sector = Sector::parse(code).ok_or_else(|| {
                self.invalid(
                    format!("{path}[{k}]"),
                    format!(
                        "неизвестная сфера «{code}»; допустимы: {}",
                        sector_codes().join(", ")
                    ),
                )
            })?;
            if sectors.contains(&sector) {
                return self.fail(
                    format!("{path}[{k}]"),
                    format!("сфера «{code}» указана дважды"),
                );
            }
            sectors.push(sector);
        }
        Ok(sectors)
    }

    fn invalid(&self, path: String, message: String) -> MethodologyError {
        MethodologyError::Invalid {
            file: self.file.to_string(),
            path,
            message,
        }
    }

    /// In each sector, an indicator code has at most one definition.
    fn one_definition_per_sector(&self, indicators: &[IndicatorDef]) -> Checked<()> {
        for (j, def) in indicators.iter().enumerate() {
            let earlier = indicators[..j].iter().enumerate().find_map(|(i, other)| {
                let clash = Sector::ALL
                    .into_iter()
                    .find(|&s| other.code == def.code && other.applies_to(s) && def.applies_to(s));
                clash.map(|s| (i, s))
            });
            if let Some((i, sector)) = earlier {
                return self.fail(
                    format!("indicators[{j}].sectors"),
                    format!(
                        "показатель {} для сферы «{}» ({}) уже определен в indicators[{i}]; \
                         разделите сферы ключом sectors",
                        def.code,
                        sector.name_ru(),
                        sector.code()
                    ),
                );
            }
        }
        Ok(())
    }

    /// Every criterion has at least one indicator in every sector.
    fn every_criterion_measured(
        &self,
        criteria: &[Criterion],
        indicators: &[IndicatorDef],
    ) -> Checked<()> {
        for (i, c) in criteria.iter().enumerate() {
            for sector in Sector::ALL {
                let measured = indicators
                    .iter()
                    .any(|d| d.criterion == c.code && d.applies_to(sector));
                if !measured {
                    return self.fail(
                        format!("criteria[{i}]"),
                        format!(
                            "у критерия {} нет ни одного показателя для сферы «{}» ({})",
                            c.code,
                            sector.name_ru(),
                            sector.code()
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    fn profiles(
        &self,
        raw: Vec<raw::Profile>,
        criteria: &[Criterion],
        indicators: &[IndicatorDef],
    ) -> Checked<Vec<Profile>> {
        let mut profiles: Vec<Profile> = Vec::with_capacity(raw.len());
        for (i, p) in raw.into_iter().enumerate() {
            let at = format!("profiles[{i}]");
            let code = self.code(&format!("{at}.code"), p.code, "код профиля")?;
            if let Some(j) = profiles.iter().position(|q| q.code == code) {
                return self.fail(
                    format!("{at}.code"),
                    format!("код профиля «{code}» повторяется (уже есть в profiles[{j}])"),
                );
            }
            let name = self.non_empty(&format!("{at}.name"), p.name, "название профиля")?;
            let sectors = self.sectors(
                &format!("{at}.sectors"),
                p.sectors,
                "укажите хотя бы одну сферу профиля",
            )?;
            for (k, sector) in sectors.iter().enumerate() {
                if let Some(j) = profiles.iter().position(|q| q.sectors.contains(sector)) {
                    return self.fail(
                        format!("{at}.sectors[{k}]"),
                        format!(
                            "сфера «{}» уже входит в профиль «{}» (profiles[{j}])",
                            sector.code(),
                            profiles[j].code
                        ),
                    );
                }
            }
            let weights = self.weights(&at, &sectors, p.weights, criteria, indicators)?;
            profiles.push(Profile {
                code,
                name,
                sectors,
                weights,
            });
        }
        for sector in Sector::ALL {
            if !profiles.iter().any(|p| p.sectors.contains(&sector)) {
                return self.fail(
                    "profiles",
                    format!(
                        "сфера «{}» ({}) не входит ни в один профиль; добавьте ее в sectors одного из профилей",
                        sector.name_ru(),
                        sector.code()
                    ),
                );
            }
        }
        Ok(profiles)
    }

    /// The weights of a profile: exactly the indicators of its sectors, each > 0, summing to 1
    /// within each criterion. Returned in the file order of the indicators.
    fn weights(
        &self,
        at: &str,
        sectors: &[Sector],
        raw: std::collections::BTreeMap<String, f64>,
        criteria: &[Criterion],
        indicators: &[IndicatorDef],
    ) -> Checked<Vec<(String, f64)>> {
        let table = format!("{at}.weights");
        for (code, &weight) in &raw {
            let path = join_key(&table, code);
            if !indicators.iter().any(|d| d.code == *code) {
                return self.fail(
                    path,
                    format!("показатель {code} не описан в [[indicators]]"),
                );
            }
            if let Some(s) = sectors.iter().find(|&&s| {
                !indicators
                    .iter()
                    .any(|d| d.code == *code && d.applies_to(s))
            }) {
                return self.fail(
                    path,
                    format!(
                        "показатель {code} не применяется в сфере «{}» ({}) этого профиля; уберите его вес",
                        s.name_ru(),
                        s.code()
                    ),
                );
            }
            if !(weight.is_finite() && weight > 0.0) {
                return self.fail(
                    path,
                    format!("вес должен быть больше нуля, указано {weight}"),
                );
            }
        }
        for &sector in sectors {
            for def in indicators.iter().filter(|d| d.applies_to(sector)) {
                if !raw.contains_key(&def.code) {
                    return self.fail(
                        table,
                        format!(
                            "нет веса показателя {}, который применяется в сфере «{}» ({})",
                            def.code,
                            sector.name_ru(),
                            sector.code()
                        ),
                    );
                }
            }
            for c in criteria {
                let sum: f64 = indicators
                    .iter()
                    .filter(|d| d.criterion == c.code && d.applies_to(sector))
                    .filter_map(|d| raw.get(&d.code))
                    .sum();
                if (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
                    return self.fail(
                        table,
                        format!(
                            "сумма весов показателей критерия {} для сферы «{}» ({}) равна {}, а должна быть 1",
                            c.code,
                            sector.name_ru(),
                            sector.code(),
                            round_half_away(sum, 9)
                        ),
                    );
                }
            }
        }
        let mut weights: Vec<(String, f64)> = Vec::with_capacity(raw.len());
        for def in indicators {
            if let Some(&w) = raw.get(&def.code)
                && !weights.iter().any(|(c, _)| *c == def.code)
            {
                weights.push((def.code.clone(), w));
            }
        }
        Ok(weights)
    }
}

fn sector_codes() -> Vec<&'static str> {
    Sector::ALL.iter().map(|s| s.code()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::methodology::BUILTIN_2018;

    const FILE: &str = "data/methodology/2018.toml";

    fn method() -> Methodology {
        Methodology::from_toml(FILE, BUILTIN_2018).unwrap()
    }

    fn error(from: &str, to: &str) -> MethodologyError {
        assert!(BUILTIN_2018.contains(from), "not in the file: {from}");
        Methodology::from_toml(FILE, &BUILTIN_2018.replacen(from, to, 1)).unwrap_err()
    }

    #[test]
    fn message_names_file_path_and_problem() {
        let e = error("formula = \"share\"", "formula = \"sharee\"");
        assert_eq!(
            e.to_string(),
            "data/methodology/2018.toml: indicators[4].formula: неизвестный вид формулы «sharee»; \
             допустимы: ratio_pair, share, points, mean_value_share"
        );
        assert_eq!(e.file(), FILE);
        assert_eq!(e.path(), Some("indicators[4].formula"));
    }

    #[test]
    fn syntax_error_gives_line_and_column() {
        let e = error("\n[rounding]\n", "\n[rounding\n");
        let line = BUILTIN_2018
            .lines()
            .position(|l| l == "[rounding]")
            .unwrap()
            + 1;
        match &e {
            MethodologyError::Syntax {
                line: l,
                column,
                path,
                ..
            } => {
                assert_eq!((*l, *column, path.as_deref()), (line, 10, None));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            e.to_string(),
            format!(
                "{FILE}: строка {line}, столбец 10: ошибка синтаксиса TOML: не закрыт заголовок […]"
            )
        );
        let e = error(
            "[[criteria]]\ncode = \"К2\"\n",
            "[[criteria]]\nкод = \"К2\"\n",
        );
        assert!(
            e.to_string()
                .contains("ключ без кавычек может содержать только латинские буквы"),
            "{e}"
        );
    }

    #[test]
    fn shape_errors_are_in_russian_with_the_key_path() {
        let e = error("digits = 2", "digits = \"два\"");
        assert_eq!(e.path(), Some("rounding.digits"));
        assert!(
            e.to_string().ends_with(
                "rounding.digits: неверный тип значения: строка \"два\", а ожидается целое число"
            ),
            "{e}"
        );
        let e = error(
            "[[criteria]]\ncode = \"К2\"\n",
            "[[criteria]]\n\"код\" = \"К2\"\n",
        );
        assert_eq!(e.path(), Some("criteria[1].\"код\""));
        assert!(
            e.to_string()
                .contains("неизвестный ключ «код»; допустимы: code, name"),
            "{e}"
        );
    }

    #[test]
    fn byte_order_mark_and_crlf_are_accepted() {
        let windows = format!("\u{feff}{}", BUILTIN_2018.replace('\n', "\r\n"));
        assert_eq!(Methodology::from_toml(FILE, &windows).unwrap(), method());
    }

    #[test]
    fn positions_in_characters() {
        assert_eq!(line_and_column("ab\nвгд = 1", 0), (1, 1));
        assert_eq!(line_and_column("ab\nвгд = 1", 3), (2, 1));
        // "вгд" is 6 bytes, 3 characters.
        assert_eq!(line_and_column("ab\nвгд = 1", 9), (2, 4));
    }

    #[test]
    fn key_paths_quote_dotted_keys() {
        assert_eq!(join_key("", "weights"), "weights");
        assert_eq!(
            join_key("profiles[0].weights", "1.1"),
            "profiles[0].weights.\"1.1\""
        );
        assert_eq!(join_key("a", "x\"y"), "a.\"x\\\"y\"");
    }

    #[test]
    fn type_names_in_russian() {
        assert_eq!(translate_type("integer `5`"), "целое число 5");
        assert_eq!(translate_type("a string"), "строка");
        assert_eq!(translate_type("floating point `1.5`"), "число 1.5");
        assert_eq!(translate_type("f64"), "число");
        assert_eq!(translate_type("a sequence"), "массив");
        assert_eq!(translate_type("struct Input"), "таблица");
        assert_eq!(translate_type("something else"), "something else");
    }
}
