//! The survey questionnaire of the method (приказ Минтруда России от 30.10.2018 № 675н), loaded
//! from `data/methodology/questionnaire_2018.toml`: questions with their texts, the skip logic
//! («нет — перейдите к вопросу N»), which inputs of the scoring method each question feeds, the
//! free-text proposals, sex and age, the variants of the form (health: outpatient, inpatient), the
//! sample-size rule and the rules that turn a cell into an answer.
//!
//! Pure: matching a column's header to a question, normalising an answer and counting one
//! respondent's answers into `yes`/`asked` are functions of the text alone.

use std::collections::HashMap;

use serde::Deserialize;

use super::methodology::Methodology;
use super::sector::Sector;

/// The 2018 questionnaire as shipped, built into the binary.
pub const BUILTIN_2018: &str = include_str!("../../data/methodology/questionnaire_2018.toml");
/// The name the built-in file is reported under.
pub const BUILTIN_2018_FILE: &str = "data/methodology/questionnaire_2018.toml";

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    /// «Да» / «Нет».
    YesNo,
    /// Free text (the proposals).
    Text,
    /// Sex of the respondent.
    Sex,
    /// Age in full years.
    Age,
    /// A number (days of waiting).
    Number,
}

/// The method's inputs a question's answers are counted into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feeds {
    /// Input key counting «да», e.g. `1.3.yes_stand`.
    pub yes: String,
    /// Input key counting those who answered, e.g. `1.3.asked_stand`.
    pub asked: String,
}

/// One question of the form.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Stable id (`q1`, `sex`), used in saved column mappings.
    pub id: String,
    /// Its number in the order's form (0 for questions of a variant only).
    pub number: u32,
    pub kind: QuestionKind,
    pub text: String,
    /// Short headers forms use for it.
    pub aliases: Vec<String>,
    /// Sectors it is asked in (empty: every sector).
    pub sectors: Vec<Sector>,
    /// Variants it is in (empty: every variant).
    pub variants: Vec<String>,
    /// «Нет (переход к вопросу N)»: the question jumped to after «нет» (an index into
    /// [`Questionnaire::questions`]); the questions between are asked only after «да».
    pub gate_no: Option<usize>,
    /// The gate question this one depends on (set for the questions a gate skips).
    pub gated_by: Option<usize>,
    pub feeds: Option<Feeds>,
    /// Whether this is the free-text proposals question.
    pub proposals: bool,
    /// Whether the wording was checked against a published copy of the form.
    pub verified: bool,
}

impl Question {
    /// Whether the question is asked of this sector in this variant.
    pub fn applies(&self, sector: Sector, variant: &str) -> bool {
        (self.sectors.is_empty() || self.sectors.contains(&sector))
            && (self.variants.is_empty() || self.variants.iter().any(|v| v == variant))
    }

    /// «вопрос 2» or, for a question of a variant only, its text cut.
    pub fn label(&self) -> String {
        if self.number > 0 {
            format!("вопрос {}", self.number)
        } else {
            format!("«{}»", cut(&self.text, 40))
        }
    }
}

/// A form of the questionnaire (health has outpatient and inpatient ones).
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub code: String,
    pub name: String,
    pub sectors: Vec<Sector>,
}

/// The sample-size rule: at least `share_percent` % of the recipients, at most `cap` needed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleRule {
    pub share_percent: f64,
    pub cap: u32,
    /// Whether the rule was checked against the order's text.
    pub verified: bool,
}

impl SampleRule {
    /// Respondents required of an organization with `recipients` recipients of services:
    /// ⌈share × recipients⌉, but no more than the cap.
    pub fn required(&self, recipients: u64) -> u64 {
        let share = (recipients as f64 * self.share_percent / 100.0 - 1e-9).ceil();
        (share.max(0.0) as u64).min(u64::from(self.cap))
    }
}

/// How «затрудняюсь ответить» is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsureCounts {
    /// Neither yes nor asked.
    None,
    /// Asked, not satisfied.
    Asked,
}

/// One cell of a yes/no question, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Empty,
    Yes,
    No,
    Unsure,
    /// Text that is none of the accepted answers.
    Unknown,
}

impl Answer {
    /// One byte for storage.
    pub fn code(self) -> u8 {
        match self {
            Answer::Empty => b'.',
            Answer::Yes => b'1',
            Answer::No => b'0',
            Answer::Unsure => b'?',
            Answer::Unknown => b'x',
        }
    }
}

/// How a column's header matched.
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderMatch {
    /// One question (its index).
    Question(usize),
    /// Several questions fit equally: their indices.
    Ambiguous(Vec<usize>),
    None,
}

/// The questionnaire.
#[derive(Debug, Clone, PartialEq)]
pub struct Questionnaire {
    /// The method version it feeds.
    pub version: String,
    pub title: String,
    pub basis: String,
    pub sample: SampleRule,
    pub sample_text: String,
    pub questions: Vec<Question>,
    pub variants: Vec<Variant>,
    pub unsure_counts: UnsureCounts,
    yes: Vec<String>,
    no: Vec<String>,
    unsure: Vec<String>,
    min_prefix: usize,
    min_score: f64,
    /// Normalised texts and aliases of each question, for matching.
    keys: Vec<Vec<String>>,
    /// The same without what is in brackets (the examples a form may print or leave out).
    bare_keys: Vec<Vec<String>>,
}

/// A questionnaire file that cannot be used; the message names the file and the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {path}: {message}")]
pub struct QuestionnaireError {
    pub file: String,
    pub path: String,
    pub message: String,
}

mod raw {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        pub version: String,
        pub title: String,
        pub basis: String,
        pub sample: Sample,
        pub answers: Answers,
        #[serde(rename = "match")]
        pub matching: Match,
        pub variants: Vec<Variant>,
        pub questions: Vec<Question>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Sample {
        pub share_percent: f64,
        pub cap: u32,
        pub verified: bool,
        pub text: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Answers {
        pub yes: Vec<String>,
        pub no: Vec<String>,
        pub unsure: Vec<String>,
        pub unsure_counts: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Match {
        pub min_prefix: usize,
        pub min_score: f64,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Variant {
        pub code: String,
        pub name: String,
        pub sectors: Vec<String>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Question {
        pub id: String,
        pub number: u32,
        pub kind: String,
        pub text: String,
        #[serde(default)]
        pub aliases: Vec<String>,
        #[serde(default)]
        pub sectors: Vec<String>,
        #[serde(default)]
        pub variants: Vec<String>,
        pub gate_no: Option<String>,
        pub feeds: Option<Feeds>,
        #[serde(default)]
        pub proposals: bool,
        pub verified: bool,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Feeds {
        pub yes: String,
        pub asked: String,
    }
}

impl Questionnaire {
    /// The built-in 2018 questionnaire.
    pub fn builtin() -> Result<Questionnaire, QuestionnaireError> {
        Questionnaire::from_toml(BUILTIN_2018_FILE, BUILTIN_2018)
    }

    /// The built-in questionnaire, parsed once (`None` if the shipped file were broken, which
    /// the tests rule out).
    pub fn builtin_cached() -> Option<&'static Questionnaire> {
        static CELL: std::sync::OnceLock<Option<Questionnaire>> = std::sync::OnceLock::new();
        CELL.get_or_init(|| Questionnaire::builtin().ok()).as_ref()
    }

    /// Whether `respondents` fall short of the sample rule for `recipients` (a mark, never an
    /// exclusion); `None` when the number of recipients is not known.
    pub fn sample_short(&self, respondents: i64, recipients: Option<i64>) -> Option<bool> {
        recipients.map(|r| (respondents.max(0) as u64) < self.sample.required(r.max(0) as u64))
    }

    /// Reads and checks a questionnaire file (format in the header of the built-in file).
    pub fn from_toml(file: &str, text: &str) -> Result<Questionnaire, QuestionnaireError> {
        let err = |path: String, message: String| QuestionnaireError {
            file: file.to_string(),
            path,
            message,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: raw::File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| {
                1 + text[..s.start.min(text.len())].matches('\n').count()
            });
            err(
                format!("строка {line}"),
                format!("ошибка в файле анкеты: {}", e.message()),
            )
        })?;
        let sectors = |list: &[String], path: &str| -> Result<Vec<Sector>, QuestionnaireError> {
            list.iter()
                .map(|s| {
                    Sector::parse(s).ok_or_else(|| {
                        err(
                            path.to_string(),
                            format!(
                                "неизвестная сфера «{s}»: social, health, culture или education"
                            ),
                        )
                    })
                })
                .collect()
        };
        if !(raw.sample.share_percent > 0.0 && raw.sample.share_percent <= 100.0) {
            return Err(err(
                "sample.share_percent".into(),
                "доля выборки должна быть больше 0 и не больше 100".into(),
            ));
        }
        let unsure_counts = match raw.answers.unsure_counts.as_str() {
            "none" => UnsureCounts::None,
            "asked" => UnsureCounts::Asked,
            other => {
                return Err(err(
                    "answers.unsure_counts".into(),
                    format!("«{other}»: допустимо \"none\" или \"asked\""),
                ));
            }
        };
        let mut variants = Vec::new();
        for (i, v) in raw.variants.iter().enumerate() {
            variants.push(Variant {
                code: v.code.clone(),
                name: v.name.clone(),
                sectors: sectors(&v.sectors, &format!("variants[{i}].sectors"))?,
            });
        }
        for s in Sector::ALL {
            if !variants.iter().any(|v| v.sectors.contains(&s)) {
                return Err(err(
                    "variants".into(),
                    format!("нет формы анкеты для сферы «{}»", s.name_ru()),
                ));
            }
        }
        let ids: HashMap<&str, usize> = raw
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.as_str(), i))
            .collect();
        if ids.len() != raw.questions.len() {
            return Err(err(
                "questions".into(),
                "id вопросов должны быть разными".into(),
            ));
        }
        let mut questions = Vec::new();
        for (i, q) in raw.questions.iter().enumerate() {
            let path = format!("questions[{i}]");
            let kind = match q.kind.as_str() {
                "yes_no" => QuestionKind::YesNo,
                "text" => QuestionKind::Text,
                "sex" => QuestionKind::Sex,
                "age" => QuestionKind::Age,
                "number" => QuestionKind::Number,
                other => {
                    return Err(err(
                        format!("{path}.kind"),
                        format!("неизвестный вид вопроса «{other}»"),
                    ));
                }
            };
            let gate_no = match &q.gate_no {
                None => None,
                Some(target) => match ids.get(target.as_str()) {
                    Some(&t) if t > i + 1 && kind == QuestionKind::YesNo => Some(t),
                    _ => {
                        return Err(err(
                            format!("{path}.gate_no"),
                            format!(
                                "«{target}»: переход возможен только из вопроса «да/нет» к одному из следующих вопросов, не к соседнему"
                            ),
                        ));
                    }
                },
            };
            for v in &q.variants {
                if !variants.iter().any(|x| &x.code == v) {
                    return Err(err(
                        format!("{path}.variants"),
                        format!("неизвестная форма «{v}»"),
                    ));
                }
            }
            if q.feeds.is_some() && kind != QuestionKind::YesNo {
                return Err(err(
                    format!("{path}.feeds"),
                    "в счетчики идут только вопросы «да/нет»".into(),
                ));
            }
            questions.push(Question {
                id: q.id.clone(),
                number: q.number,
                kind,
                text: q.text.clone(),
                aliases: q.aliases.clone(),
                sectors: sectors(&q.sectors, &format!("{path}.sectors"))?,
                variants: q.variants.clone(),
                gate_no,
                gated_by: None,
                feeds: q.feeds.as_ref().map(|f| Feeds {
                    yes: f.yes.clone(),
                    asked: f.asked.clone(),
                }),
                proposals: q.proposals,
                verified: q.verified,
            });
        }
        for g in 0..questions.len() {
            if let Some(t) = questions[g].gate_no {
                for q in &mut questions[g + 1..t] {
                    if q.gated_by.is_some() {
                        return Err(err(
                            format!("questions[{g}].gate_no"),
                            "переходы не должны пересекаться".into(),
                        ));
                    }
                    q.gated_by = Some(g);
                }
            }
        }
        if questions.iter().filter(|q| q.proposals).count() != 1 {
            return Err(err(
                "questions".into(),
                "нужен ровно один вопрос с proposals = true (предложения)".into(),
            ));
        }
        let keys = questions
            .iter()
            .map(|q| {
                std::iter::once(&q.text)
                    .chain(&q.aliases)
                    .map(|t| normalize_header(t))
                    .collect()
            })
            .collect();
        let bare_keys = questions
            .iter()
            .map(|q| {
                std::iter::once(&q.text)
                    .chain(&q.aliases)
                    .map(|t| normalize_header(&without_brackets(t)))
                    .collect()
            })
            .collect();
        let norm = |l: &[String]| l.iter().map(|s| normalize_answer(s)).collect();
        Ok(Questionnaire {
            version: raw.version,
            title: raw.title,
            basis: raw.basis,
            sample: SampleRule {
                share_percent: raw.sample.share_percent,
                cap: raw.sample.cap,
                verified: raw.sample.verified,
            },
            sample_text: raw.sample.text,
            questions,
            variants,
            unsure_counts,
            yes: norm(&raw.answers.yes),
            no: norm(&raw.answers.no),
            unsure: norm(&raw.answers.unsure),
            min_prefix: raw.matching.min_prefix,
            min_score: raw.matching.min_score,
            keys,
            bare_keys,
        })
    }

    /// Checks that every key a question feeds is a count input of the method for every sector
    /// the question is asked in.
    pub fn check_against(&self, method: &Methodology) -> Result<(), QuestionnaireError> {
        for (i, q) in self.questions.iter().enumerate() {
            let Some(f) = &q.feeds else { continue };
            for s in Sector::ALL {
                if !q.sectors.is_empty() && !q.sectors.contains(&s) {
                    continue;
                }
                let keys = method.input_keys(s);
                for k in [&f.yes, &f.asked] {
                    if !keys.contains(&k.as_str()) {
                        return Err(QuestionnaireError {
                            file: BUILTIN_2018_FILE.into(),
                            path: format!("questions[{i}].feeds"),
                            message: format!(
                                "ключа «{k}» нет среди исходных данных методики {} для сферы «{}»",
                                method.version,
                                s.name_ru()
                            ),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The variant by code.
    pub fn variant(&self, code: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.code == code)
    }

    /// The variants a sector may use.
    pub fn variants_for(&self, sector: Sector) -> Vec<&Variant> {
        self.variants
            .iter()
            .filter(|v| v.sectors.contains(&sector))
            .collect()
    }

    /// The question by id.
    pub fn question(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    /// Every input key the survey sets for a sector and variant, in question order.
    pub fn fed_keys(&self, sector: Sector, variant: &str) -> Vec<&str> {
        self.questions
            .iter()
            .filter(|q| q.applies(sector, variant))
            .filter_map(|q| q.feeds.as_ref())
            .flat_map(|f| [f.yes.as_str(), f.asked.as_str()])
            .collect()
    }

    /// A yes/no cell as an answer, by the lists of the file.
    pub fn answer(&self, cell: &str) -> Answer {
        if cell.trim().is_empty() {
            return Answer::Empty;
        }
        let n = normalize_answer(cell);
        if n.is_empty() {
            Answer::Empty
        } else if self.yes.contains(&n) {
            Answer::Yes
        } else if self.no.contains(&n) {
            Answer::No
        } else if self.unsure.contains(&n) {
            Answer::Unsure
        } else {
            Answer::Unknown
        }
    }

    /// The normalisation rules in Russian, for the preview.
    pub fn answer_rules(&self) -> Vec<String> {
        vec![
            format!("«да»: {}", self.yes.join(", ")),
            format!("«нет»: {}", self.no.join(", ")),
            format!(
                "«затрудняюсь ответить»: {} — {}",
                self.unsure.join(", "),
                match self.unsure_counts {
                    UnsureCounts::None => "не считается ни ответившим, ни удовлетворенным",
                    UnsureCounts::Asked => "считается ответившим, но не удовлетворенным",
                }
            ),
            "пустая ячейка — вопрос не задан (не считается); регистр букв, «ё», пробелы и точка в конце не важны; другой текст — нераспознанный ответ, не считается и показывается в предпросмотре".to_string(),
        ]
    }

    /// The skip-logic rule in Russian, for the preview.
    pub fn skip_rule(&self) -> String {
        "ответ на вопрос, который анкета велит пропустить после «нет» (например, об удовлетворенности стендом после «не обращались к стенду»), не считается и учитывается как нарушение перехода; если вопрос-фильтр пуст, а на следующий вопрос дан ответ, ответ считается (респондент им пользовался)".to_string()
    }

    /// Which question a column's header names, among the questions `candidates` (indices).
    ///
    /// The header is normalised ([`normalize_header`]); it matches a question whose text or
    /// alias equals it, starts with it (a header cut at `min_prefix` characters or more), or is
    /// started by it (a header with something appended); failing that, the question whose words
    /// it contains best (at least `min_score` of them) if no other question scores as well.
    pub fn match_header(&self, header: &str, candidates: &[usize]) -> HeaderMatch {
        let h = normalize_header(header);
        if h.is_empty() {
            return HeaderMatch::None;
        }
        // A header that is only a number («5», «Вопрос 5»): the question with that number.
        if let Some(n) = bare_number(header) {
            let found: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| self.questions[i].number == n)
                .collect();
            return pick(found);
        }
        let exact: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| self.keys[i].contains(&h))
            .collect();
        if !exact.is_empty() {
            return pick(exact);
        }
        let hc = h.chars().count();
        let prefix: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| {
                self.keys[i].iter().any(|k| {
                    let kc = k.chars().count();
                    (hc >= self.min_prefix.min(kc) && k.starts_with(h.as_str()))
                        || (kc >= self.min_prefix.min(hc) && h.starts_with(k.as_str()))
                })
            })
            .collect();
        if !prefix.is_empty() {
            // A longer shared beginning wins («…стендах» vs «…сайте» after a common start).
            return pick(best_by(prefix, |i| {
                self.keys[i]
                    .iter()
                    .map(|k| common_prefix(k, &h))
                    .max()
                    .unwrap_or(0) as f64
            }));
        }
        // The same without what is in brackets: a form that prints the examples the order puts
        // in brackets («(по телефону, по электронной почте…)»), or leaves them out, or is cut
        // inside them, still names the question by the words outside them.
        let hb = normalize_header(&without_brackets(header));
        let hbc = hb.chars().count();
        if hbc >= self.min_prefix {
            let bare: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| {
                    self.bare_keys[i].iter().any(|k| {
                        k == &hb
                            || k.starts_with(hb.as_str())
                            || (k.chars().count() >= self.min_prefix && hb.starts_with(k.as_str()))
                    })
                })
                .collect();
            if !bare.is_empty() {
                return pick(best_by(bare, |i| {
                    self.bare_keys[i]
                        .iter()
                        .map(|k| common_prefix(k, &hb))
                        .max()
                        .unwrap_or(0) as f64
                }));
            }
        }
        let hw = words(&h);
        let mut scored: Vec<(usize, f64)> = candidates
            .iter()
            .map(|&i| {
                let s = self.keys[i]
                    .iter()
                    .map(|k| word_score(&words(k), &hw))
                    .fold(0.0, f64::max);
                (i, s)
            })
            .filter(|&(_, s)| s >= self.min_score)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        match scored.as_slice() {
            [] => HeaderMatch::None,
            [(i, _)] => HeaderMatch::Question(*i),
            [(i, a), (_, b), ..] if a - b > 0.05 => HeaderMatch::Question(*i),
            many => {
                let top = many[0].1;
                HeaderMatch::Ambiguous(
                    many.iter()
                        .filter(|(_, s)| top - s <= 0.05)
                        .map(|(i, _)| *i)
                        .collect(),
                )
            }
        }
    }

    /// Counts one respondent's answers (indexed like [`Questionnaire::questions`]; questions
    /// not in the file are `Answer::Empty`) into `tally`, applying the skip rule.
    pub fn count(&self, answers: &[Answer], tally: &mut Tally) {
        tally.respondents += 1;
        for (i, q) in self.questions.iter().enumerate() {
            let a = answers.get(i).copied().unwrap_or(Answer::Empty);
            if q.kind != QuestionKind::YesNo {
                continue;
            }
            if a == Answer::Unknown {
                tally.unknown += 1;
            }
            let skipped = q
                .gated_by
                .is_some_and(|g| answers.get(g).copied() == Some(Answer::No));
            let answered = matches!(a, Answer::Yes | Answer::No | Answer::Unsure);
            if skipped {
                if answered {
                    tally.skip_violations += 1;
                }
                continue;
            }
            let Some(_) = &q.feeds else { continue };
            let slot = tally.slot(i);
            match a {
                Answer::Yes => {
                    slot.0 += 1;
                    slot.1 += 1;
                }
                Answer::No => slot.1 += 1,
                Answer::Unsure if self.unsure_counts == UnsureCounts::Asked => slot.1 += 1,
                _ => {}
            }
        }
    }

    /// The counts of a tally as (input key, value), for the questions asked of this sector and
    /// variant.
    pub fn inputs(&self, tally: &Tally, sector: Sector, variant: &str) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        for (i, q) in self.questions.iter().enumerate() {
            if !q.applies(sector, variant) {
                continue;
            }
            if let Some(f) = &q.feeds {
                let (y, a) = tally.get(i);
                out.push((f.yes.clone(), y));
                out.push((f.asked.clone(), a));
            }
        }
        out
    }
}

/// Counts of respondents: per feeding question (yes, asked), and what was not counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub respondents: u64,
    /// (yes, asked) by question index; questions past the end have none.
    pub counts: Vec<(u64, u64)>,
    /// Answers given to a question the form said to skip (not counted).
    pub skip_violations: u64,
    /// Cells that are none of the accepted answers (not counted).
    pub unknown: u64,
}

impl Tally {
    fn slot(&mut self, q: usize) -> &mut (u64, u64) {
        if q >= self.counts.len() {
            self.counts.resize(q + 1, (0, 0));
        }
        &mut self.counts[q]
    }

    /// (yes, asked) of a question.
    pub fn get(&self, q: usize) -> (u64, u64) {
        self.counts.get(q).copied().unwrap_or((0, 0))
    }

    /// Adds another tally (another source of the same organization).
    pub fn add(&mut self, other: &Tally) {
        self.respondents += other.respondents;
        self.skip_violations += other.skip_violations;
        self.unknown += other.unknown;
        for (q, &(y, a)) in other.counts.iter().enumerate() {
            let s = self.slot(q);
            s.0 += y;
            s.1 += a;
        }
    }
}

/// A header made comparable: lower case, «ё» → «е», a leading number («1.», «1)», «Вопрос 1:»,
/// «В1.») dropped, «(обязательный)», «*» and a final «?»/«.»/«:» dropped, quotes and brackets
/// dropped, every run of other punctuation or white space one space.
pub fn normalize_header(text: &str) -> String {
    let lower = text.to_lowercase().replace('ё', "е");
    let mut s = lower.trim();
    for mark in [
        "(обязательный)",
        "(обязательно)",
        "(обязательный вопрос)",
        "*",
    ] {
        if let Some(rest) = s.strip_suffix(mark) {
            s = rest.trim_end();
        }
    }
    let s = strip_number(s);
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else if c == '-' && !space && !out.is_empty() {
            // «информационно-телекоммуникационной» keeps its hyphen as a word joint.
            out.push(' ');
            space = false;
        } else {
            space = true;
        }
    }
    let mut out = out.replace("  ", " ");
    for mark in [" обязательный", " обязательно"] {
        if let Some(rest) = out.strip_suffix(mark) {
            out = rest.to_string();
        }
    }
    out
}

/// An answer made comparable: lower case, «ё» → «е», trimmed, a final full stop dropped, inner
/// white space one space.
pub fn normalize_answer(text: &str) -> String {
    let lower = text.to_lowercase().replace('ё', "е");
    let t = lower.trim().trim_end_matches('.').trim();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The respondent's sex from a cell: 'м', 'ж' or None.
pub fn sex(cell: &str) -> Option<char> {
    let n = normalize_answer(cell);
    match n.as_str() {
        "м" | "муж" | "мужской" | "мужчина" | "male" | "m" => Some('м'),
        "ж" | "жен" | "женский" | "женщина" | "female" | "f" => Some('ж'),
        _ => None,
    }
}

/// Age in full years from a cell («45», «45 лет»), 0–130.
pub fn age(cell: &str) -> Option<u8> {
    let digits: String = cell
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let rest = cell.trim()[digits.len()..].trim().to_lowercase();
    if !(rest.is_empty() || rest.starts_with("лет") || rest.starts_with("год")) {
        return None;
    }
    digits.parse::<u8>().ok().filter(|&a| a <= 130)
}

/// A number of days from a cell («14», «14 дней», «14 дн.»).
pub fn days(cell: &str) -> Option<u32> {
    let t = cell.trim();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let rest = t[digits.len()..].trim().to_lowercase();
    if !(rest.is_empty() || rest.starts_with("дн") || rest.starts_with("ден")) {
        return None;
    }
    digits.parse().ok()
}

fn strip_number(s: &str) -> &str {
    let mut t = s.trim_start();
    for w in ["№", "вопрос", "в"] {
        if let Some(rest) = t.strip_prefix(w)
            && rest
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        {
            t = rest.trim_start();
        }
    }
    let digits = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .count();
    if digits == 0 {
        return s;
    }
    let rest = &t[digits..];
    let rest = rest.trim_start_matches([')', ':', '.', ' ', '-', '–', '—']);
    if rest.is_empty() { s } else { rest }
}

/// The number of a header that is only a number: «5», «5.», «Вопрос 5», «В5».
pub fn bare_number(header: &str) -> Option<u32> {
    let t = header.trim().to_lowercase();
    let t = t
        .strip_prefix("вопрос")
        .or_else(|| t.strip_prefix('№'))
        .or_else(|| t.strip_prefix('в'))
        .unwrap_or(&t)
        .trim()
        .trim_end_matches(['.', ':', ')']);
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// The text without what is in round brackets (nested brackets too); a bracket left open runs to
/// the end (a header cut inside it).
fn without_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn pick(found: Vec<usize>) -> HeaderMatch {
    match found.as_slice() {
        [] => HeaderMatch::None,
        [one] => HeaderMatch::Question(*one),
        _ => HeaderMatch::Ambiguous(found),
    }
}

fn best_by(found: Vec<usize>, score: impl Fn(usize) -> f64) -> Vec<usize> {
    let best = found.iter().map(|&i| score(i)).fold(f64::MIN, f64::max);
    found.into_iter().filter(|&i| score(i) >= best).collect()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// Word stems (first five letters) of a normalised text.
fn words(s: &str) -> Vec<String> {
    s.split(' ')
        .filter(|w| w.chars().count() > 2)
        .map(|w| w.chars().take(5).collect())
        .collect()
}

/// The share of the question's stems found in the header, lowered by the header's stems not in
/// the question (so a header about the website does not match the stand's question).
fn word_score(question: &[String], header: &[String]) -> f64 {
    if question.is_empty() || header.is_empty() {
        return 0.0;
    }
    let found = question.iter().filter(|w| header.contains(w)).count() as f64;
    let extra = header.iter().filter(|w| !question.contains(w)).count() as f64;
    found / question.len() as f64 - 0.5 * extra / header.len() as f64
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// A saved mapping of a file's columns (`nok import survey --save-mapping`): the header as in
/// the file → a question id (`q2`, `sex`) or a special column (`timestamp`, `org_inn`, `ignore`…).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Default)]
pub struct SavedMapping {
    /// Column header as in the file → question id (or "" to ignore the column).
    pub columns: std::collections::BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::methodology::{BUILTIN_2018 as METHOD, Methodology};

    fn q() -> Questionnaire {
        Questionnaire::builtin().unwrap()
    }

    fn all(q: &Questionnaire) -> Vec<usize> {
        (0..q.questions.len()).collect()
    }

    #[test]
    fn builtin_loads_and_feeds_inputs_of_the_method() {
        let qn = q();
        let m = Methodology::from_toml("2018.toml", METHOD).unwrap();
        qn.check_against(&m).unwrap();
        // Stand: q1 gates q2; website: q3 gates q4; disability q7 gates q8; remote q11 gates q12.
        let id = |s: &str| qn.question(s).unwrap();
        assert_eq!(qn.questions[id("q2")].gated_by, Some(id("q1")));
        assert_eq!(qn.questions[id("q4")].gated_by, Some(id("q3")));
        assert_eq!(qn.questions[id("q8")].gated_by, Some(id("q7")));
        assert_eq!(qn.questions[id("q12")].gated_by, Some(id("q11")));
        assert_eq!(qn.questions[id("q5")].gated_by, None);
        // Social: 12 yes/asked keys incl. 2.2; culture has no 2.2.
        assert_eq!(qn.fed_keys(Sector::Social, "general").len(), 22);
        assert_eq!(qn.fed_keys(Sector::Culture, "general").len(), 20);
    }

    #[test]
    fn headers_as_forms_export_them() {
        let qn = q();
        let c = all(&qn);
        let id = |s: &str| HeaderMatch::Question(qn.question(s).unwrap());
        // Full, numbered, with «(обязательный)».
        assert_eq!(
            qn.match_header("2. Удовлетворены ли Вы открытостью, полнотой и доступностью информации о деятельности организации, размещенной на информационных стендах в помещении организации? (обязательный)", &c),
            id("q2")
        );
        // Cut by the form after 60 characters.
        assert_eq!(
            qn.match_header(
                "Пользовались ли Вы официальным сайтом организации, чтобы пол",
                &c
            ),
            id("q3")
        );
        // Cut where stand and website questions still share their start: ambiguous.
        assert!(matches!(
            qn.match_header("Удовлетворены ли Вы открытостью, полнотой и доступностью информации о", &c),
            HeaderMatch::Ambiguous(v) if v.len() == 2
        ));
        assert_eq!(qn.match_header("Пол", &c), id("sex"));
        assert_eq!(qn.match_header("Вопрос 15", &c), id("q15"));
        assert_eq!(qn.match_header("Отметка времени", &c), HeaderMatch::None);
        // A wording that differs in a few words still matches by its words.
        assert_eq!(
            qn.match_header(
                "Удовлетворены ли вы в целом условиями оказания услуг в учреждении?",
                &c
            ),
            id("q15")
        );
    }

    #[test]
    fn answers_normalise() {
        let qn = q();
        for y in ["Да", "ДА", "да.", " 1 ", "+", "Yes", "yes"] {
            assert_eq!(qn.answer(y), Answer::Yes, "{y}");
        }
        for n in ["Нет", "нет", "0", "-", "−", "No"] {
            assert_eq!(qn.answer(n), Answer::No, "{n}");
        }
        assert_eq!(qn.answer("Затрудняюсь ответить"), Answer::Unsure);
        assert_eq!(qn.answer(""), Answer::Empty);
        assert_eq!(qn.answer("может быть"), Answer::Unknown);
    }

    #[test]
    fn counting_follows_the_skip_rule() {
        let qn = q();
        let id = |s: &str| qn.question(s).unwrap();
        let mut row = vec![Answer::Empty; qn.questions.len()];
        let mut t = Tally::default();
        // «Не обращался к стенду», yet satisfied with it: not counted, one violation.
        row[id("q1")] = Answer::No;
        row[id("q2")] = Answer::Yes;
        // No gate answer, website satisfied: counted.
        row[id("q4")] = Answer::Yes;
        row[id("q15")] = Answer::Unsure;
        qn.count(&row, &mut t);
        let keys: HashMap<String, u64> = qn
            .inputs(&t, Sector::Social, "general")
            .into_iter()
            .collect();
        assert_eq!(keys["1.3.asked_stand"], 0);
        assert_eq!(keys["1.3.yes_site"], 1);
        assert_eq!(keys["1.3.asked_site"], 1);
        assert_eq!(keys["5.3.asked"], 0);
        assert_eq!(t.skip_violations, 1);
    }

    #[test]
    fn sample_rule() {
        let r = SampleRule {
            share_percent: 40.0,
            cap: 600,
            verified: false,
        };
        assert_eq!(r.required(100), 40);
        assert_eq!(r.required(101), 41); // 40.4 → 41
        assert_eq!(r.required(10_000), 600);
        assert_eq!(r.required(0), 0);
    }

    #[test]
    fn sex_and_age() {
        assert_eq!(sex("Женский"), Some('ж'));
        assert_eq!(sex("М"), Some('м'));
        assert_eq!(age("45 лет"), Some(45));
        assert_eq!(age("сорок"), None);
    }
}
