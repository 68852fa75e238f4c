//! Reading a deadline phrase: the text becomes tokens (numbers, Roman numerals, dates, words,
//! dashes) with OCR noise smoothed out, and matchers, tried at each token in turn, pick up the
//! forms they know. Tokens nothing matches are skipped, so stray characters around the deadline
//! words do no harm.

use chrono::NaiveDate;

use super::{Event, Part, Per, Recurrence, Span, TermUnit};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A run of digits.
    Num(u32),
    /// A Roman numeral I–IV (quarters and half-years need no more).
    Roman(u32),
    /// `ДД.ММ.ГГГГ` (or `ДД.ММ.ГГ`).
    Date(u32, u32, i32),
    /// Something written as `ДД.ММ.ГГГГ` that is no date (`31.02.2025`, `32.13.2025`) or whose
    /// year is implausible (`01.12.1800`): the text as written.
    BadDate(String),
    /// A word, lowercased, with Latin look-alikes in Cyrillic words made Cyrillic.
    Word(String),
    Dash,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// Char index in the original text where the token starts.
    start: usize,
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‑' | '−' | '‐')
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// A Latin letter that looks like a Cyrillic one (OCR mixes them), as that Cyrillic letter.
fn latin_to_cyrillic(c: char) -> char {
    match c {
        'a' => 'а',
        'b' => 'в',
        'c' => 'с',
        'e' => 'е',
        'h' => 'н',
        'k' => 'к',
        'm' => 'м',
        'o' => 'о',
        'p' => 'р',
        't' => 'т',
        'x' => 'х',
        'y' => 'у',
        other => other,
    }
}

fn roman(word: &str) -> Option<u32> {
    // OCR reads I as l, 1 or the Ukrainian і.
    let w: String = word
        .chars()
        .map(|c| match c {
            'l' | 'і' | '|' => 'i',
            other => other,
        })
        .collect();
    match w.as_str() {
        "i" => Some(1),
        "ii" => Some(2),
        "iii" => Some(3),
        "iv" | "iy" => Some(4),
        // Past IV only to tell an impossible quarter («V квартал») from noise.
        "v" => Some(5),
        "vi" => Some(6),
        "vii" => Some(7),
        "viii" => Some(8),
        "ix" => Some(9),
        _ => None,
    }
}

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            let num = |i: &mut usize| {
                let s = *i;
                while *i < chars.len() && chars[*i].is_ascii_digit() {
                    *i += 1;
                }
                chars[s..*i].iter().collect::<String>()
            };
            let a = num(&mut i);
            // ДД.ММ.ГГГГ
            let date = (|| {
                let mut j = i;
                if chars.get(j) != Some(&'.') {
                    return None;
                }
                j += 1;
                if !chars.get(j)?.is_ascii_digit() {
                    return None;
                }
                let b = num(&mut j);
                if chars.get(j) != Some(&'.') {
                    return None;
                }
                j += 1;
                if !chars.get(j)?.is_ascii_digit() {
                    return None;
                }
                let y = num(&mut j);
                if a.len() > 2 || b.len() > 2 {
                    return None;
                }
                let (d, m): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
                let y: i32 = match y.len() {
                    2 => 2000 + y.parse::<i32>().ok()?,
                    4 => y.parse().ok()?,
                    _ => return None,
                };
                let written: String = chars[start..j].iter().collect();
                if NaiveDate::from_ymd_opt(y, m, d).is_none() || valid_year(y as u32).is_none() {
                    return Some((Tok::BadDate(written), j));
                }
                Some((Tok::Date(d, m, y), j))
            })();
            match date {
                Some((tok, j)) => {
                    out.push(Token { tok, start });
                    i = j;
                }
                None => {
                    if let Ok(n) = a.parse::<u32>() {
                        out.push(Token {
                            tok: Tok::Num(n),
                            start,
                        });
                    }
                }
            }
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let raw: String = chars[start..i]
                .iter()
                .flat_map(|c| c.to_lowercase())
                .collect();
            let raw = raw.replace('ё', "е");
            let tok = if raw.chars().any(is_cyrillic) {
                let word: String = raw.chars().map(latin_to_cyrillic).collect();
                match word.as_str() {
                    // A Cyrillic «І» alone or doubled is a Roman numeral.
                    "і" | "іі" | "ііі" => Tok::Roman(word.chars().count() as u32),
                    "іv" | "іу" => Tok::Roman(4),
                    _ => Tok::Word(word),
                }
            } else {
                match roman(&raw) {
                    Some(n) => Tok::Roman(n),
                    None => Tok::Word(raw),
                }
            };
            out.push(Token { tok, start });
        } else if is_dash(c) {
            out.push(Token {
                tok: Tok::Dash,
                start: i,
            });
            i += 1;
        } else {
            i += 1;
        }
    }
    out
}

/// What was read from a text: the parts, the meaningful words left unread, and why the text
/// names an impossible deadline (when it does).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Reading {
    pub parts: Vec<Part>,
    pub unread: Vec<String>,
    pub problem: Option<String>,
}

/// Reads every part of `text`.
pub(super) fn parts(text: &str) -> Reading {
    let p = Parser {
        chars: text.chars().collect(),
        toks: tokenize(text),
        problem: std::cell::RefCell::new(None),
    };
    let mut out = Vec::new();
    let mut used = vec![false; p.toks.len()];
    let mut i = 0;
    while i < p.toks.len() {
        let found = p
            .delegated(i)
            .or_else(|| p.after_event(i))
            .or_else(|| p.after_date(i))
            .or_else(|| p.continuous(i))
            .or_else(|| p.as_needed(i))
            .or_else(|| p.recurring(i))
            .or_else(|| p.day_of(i))
            .or_else(|| p.date(i))
            .or_else(|| p.numbered(i))
            .or_else(|| p.months(i))
            .or_else(|| p.years(i))
            .or_else(|| p.year_end(i));
        match found {
            Some((part, next)) => {
                let from = p.count_start(i, &part);
                for u in used.iter_mut().take(next.min(p.toks.len())).skip(from) {
                    *u = true;
                }
                if !out.contains(&part) {
                    out.push(part);
                }
                i = next.max(i + 1);
            }
            None => i += 1,
        }
    }
    // A bad date is never read as something else.
    for t in &p.toks {
        if let Tok::BadDate(written) = &t.tok {
            p.impossible(format!("даты {written} нет в календаре"));
        }
    }
    let unread = p
        .toks
        .iter()
        .zip(&used)
        .filter(|(t, used)| !**used && meaningful(&t.tok))
        .map(|(t, _)| p.written(t))
        .collect();
    let problem = p.problem.into_inner();
    Reading {
        parts: out,
        unread,
        problem,
    }
}

/// A token that carries deadline meaning: left unread, it makes the reading incomplete.
fn meaningful(tok: &Tok) -> bool {
    match tok {
        Tok::Num(_) | Tok::Date(..) | Tok::BadDate(_) | Tok::Roman(_) => true,
        Tok::Word(w) => {
            month_of(w).is_some()
                || w == "кв"
                || [
                    "квартал",
                    "полугод",
                    "числ",
                    "рабоч",
                    "недел",
                    "месяц",
                    "следующ",
                    "отчетн",
                    "ежемесячн",
                    "ежекварт",
                    "ежегодн",
                    "декад",
                ]
                .iter()
                .any(|stem| w.starts_with(stem))
        }
        Tok::Dash => false,
    }
}

struct Parser {
    chars: Vec<char>,
    toks: Vec<Token>,
    /// Why the text names an impossible deadline (the first reason found).
    problem: std::cell::RefCell<Option<String>>,
}

/// Month stems: nominative, genitive and prepositional forms all start with these.
const MONTHS: [&str; 12] = [
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
];

fn month_of(word: &str) -> Option<u32> {
    if matches!(word, "май" | "мая" | "мае" | "маю") {
        return Some(5);
    }
    MONTHS
        .iter()
        .position(|stem| *stem != "ма" && word.starts_with(stem))
        .map(|i| i as u32 + 1)
}

/// A number written as a word (in the forms deadlines use).
fn number_word(word: &str) -> Option<u32> {
    const WORDS: [(&str, u32); 12] = [
        ("одн", 1),
        ("один", 1),
        ("дв", 2),
        ("тр", 3),
        ("четыр", 4),
        ("пят", 5),
        ("шест", 6),
        ("сем", 7),
        ("десят", 10),
        ("пятнадцат", 15),
        ("двадцат", 20),
        ("тридцат", 30),
    ];
    // Longest stem first so «пятнадцати» is not «пяти».
    let mut best: Option<(usize, u32)> = None;
    for (stem, n) in WORDS {
        if word.starts_with(stem) && best.is_none_or(|(len, _)| stem.len() > len) {
            best = Some((stem.len(), n));
        }
    }
    let (_, n) = best?;
    // Guard against ordinary words that share a stem.
    let ok = match n {
        2 => matches!(word, "два" | "две" | "двух" | "двум"),
        3 => matches!(word, "три" | "трех" | "трем"),
        _ => word.len() <= "пятнадцати".len() + 2,
    };
    ok.then_some(n)
}

/// An ordinal for quarters and half-years («первый», «четвертом»).
fn ordinal_word(word: &str) -> Option<u32> {
    [("перв", 1), ("втор", 2), ("трет", 3), ("четверт", 4)]
        .iter()
        .find(|(stem, _)| word.starts_with(stem))
        .map(|&(_, n)| n)
}

fn valid_year(n: u32) -> Option<i32> {
    (1990..=2100).contains(&n).then_some(n as i32)
}

impl Parser {
    fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i).map(|t| &t.tok)
    }

    /// Notes that the text names an impossible deadline (the first reason is kept).
    fn impossible(&self, why: String) {
        let mut p = self.problem.borrow_mut();
        if p.is_none() {
            *p = Some(why);
        }
    }

    /// A token as written in the text.
    fn written(&self, t: &Token) -> String {
        let end = self
            .toks
            .iter()
            .map(|u| u.start)
            .find(|&s| s > t.start)
            .unwrap_or(self.chars.len());
        let s: String = self.chars[t.start..end].iter().collect();
        s.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '.' | '(' | ')'))
            .to_string()
    }

    /// Where a part found at `i` begins: the count of «2-х раз в год» stands before «раз».
    fn count_start(&self, i: usize, part: &Part) -> usize {
        if !matches!(
            part,
            Part::Recurring(Recurrence::Every(_) | Recurrence::AtLeast { .. })
        ) || !self.word(i).is_some_and(|w| w.starts_with("раз"))
        {
            return i;
        }
        let mut k = i;
        while k > 0 && i - k < 3 {
            let counts = match self.tok(k - 1) {
                Some(Tok::Num(_) | Tok::Dash) => true,
                Some(Tok::Word(w)) => {
                    matches!(w.as_str(), "х" | "ух" | "ех" | "x") || number_word(w).is_some()
                }
                _ => false,
            };
            if !counts {
                break;
            }
            k -= 1;
        }
        k
    }

    /// «по мере необходимости», «при необходимости», «по необходимости».
    fn as_needed(&self, i: usize) -> Option<(Part, usize)> {
        if self.word_is(i, &["мере"]) && self.word_starts(i + 1, &["необходим", "потребност"])
        {
            return Some((Part::AsNeeded, i + 2));
        }
        if self.word_is(i, &["при", "по"]) && self.word_starts(i + 1, &["необходим"])
        {
            return Some((Part::AsNeeded, i + 2));
        }
        None
    }

    /// «5 числа», «5-го числа» at `i`: (day, next index). A day past 31 is impossible.
    fn day_of_month(&self, i: usize) -> Option<(u32, usize)> {
        let Some(Tok::Num(day)) = self.tok(i) else {
            return None;
        };
        let mut j = i + 1;
        if matches!(self.tok(j), Some(Tok::Dash)) && self.word_is(j + 1, &["го", "е", "ого"])
        {
            j += 2;
        } else if self.word_is(j, &["го", "ого"]) {
            j += 1;
        }
        if !self.word_starts(j, &["числ"]) {
            return None;
        }
        if !(1..=31).contains(day) {
            self.impossible(format!("{day} числа не бывает"));
            return None;
        }
        Some((*day, j + 1))
    }

    /// The reporting period a clause follows: «, следующего за отчетным [кварталом]», «после
    /// отчетного квартала». Returns (the period if named, next index).
    fn following_reported(&self, j: usize) -> Option<(Option<Per>, usize)> {
        let mut k = j;
        if self.word_starts(k, &["следующ"]) && self.word_is(k + 1, &["за"]) {
            k += 2;
        } else if self.word_is(k, &["после"]) {
            k += 1;
        } else {
            return None;
        }
        if !self.word_starts(k, &["отчетн"]) {
            return None;
        }
        k += 1;
        let per = match self.word(k) {
            Some(w) if w.starts_with("месяц") => Some(Per::Month),
            Some(w) if w.starts_with("квартал") => Some(Per::Quarter),
            Some(w) if w.starts_with("полугод") => Some(Per::HalfYear),
            Some(w) if w.starts_with("год") => Some(Per::Year),
            _ => None,
        };
        if per.is_some() || self.word_starts(k, &["период"]) {
            k += 1;
        }
        Some((per, k))
    }

    /// A day-of-month clause at `i`: «до 5 числа месяца, следующего за отчетным (кварталом)»,
    /// «не позднее 20 числа», «до 10-го числа каждого месяца». `every` is the periodicity
    /// written before it («ежеквартально»), if any.
    fn day_clause(&self, i: usize, every: Option<Per>) -> Option<(Recurrence, usize)> {
        let mut j = self.skip_word(i, &["в"]);
        j = self.skip_word(j, &["срок"]);
        if self.word_is(j, &["до", "к"]) {
            j += 1;
        } else if self.word_is(j, &["не"]) && self.word_is(j + 1, &["позднее", "позже"])
        {
            j += 2;
        }
        let (day, mut j) = self.day_of_month(j)?;
        let each = self.word_is(j, &["каждого"]);
        if each {
            j += 1;
        }
        if self.word_starts(j, &["месяц"]) {
            j += 1;
        }
        if let Some((named, k)) = self.following_reported(j) {
            let per = named.or(every).unwrap_or(Per::Month);
            return Some((
                Recurrence::Following {
                    per,
                    month: None,
                    day,
                },
                k,
            ));
        }
        if every == Some(Per::Month) || (each && every.is_none()) {
            return Some((Recurrence::MonthlyOn { day }, j));
        }
        None
    }

    /// A day-of-month clause with no periodicity word before it.
    fn day_of(&self, i: usize) -> Option<(Part, usize)> {
        if !matches!(self.tok(i), Some(Tok::Num(_))) && !self.word_is(i, &["до", "не", "в", "к"])
        {
            return None;
        }
        let (r, next) = self.day_clause(i, None)?;
        Some((Part::Recurring(r), next))
    }

    /// «после 25.12.2024»: a date (the day from which the item runs), not an event.
    fn after_date(&self, i: usize) -> Option<(Part, usize)> {
        if !self.word_is(i, &["после"]) {
            return None;
        }
        let (Part::Date { day, month, year }, next) = self.date(i + 1)? else {
            return None;
        };
        Some((
            Part::AfterDate {
                amount: 0,
                unit: TermUnit::Days,
                day,
                month,
                year,
            },
            next,
        ))
    }

    fn word(&self, i: usize) -> Option<&str> {
        match self.tok(i)? {
            Tok::Word(w) => Some(w.as_str()),
            _ => None,
        }
    }

    fn word_starts(&self, i: usize, stems: &[&str]) -> bool {
        self.word(i)
            .is_some_and(|w| stems.iter().any(|s| w.starts_with(s)))
    }

    fn word_is(&self, i: usize, words: &[&str]) -> bool {
        self.word(i).is_some_and(|w| words.contains(&w))
    }

    /// The original text from token `i` to the end, trimmed.
    fn rest_from(&self, i: usize) -> String {
        let start = self.toks.get(i).map_or(self.chars.len(), |t| t.start);
        let s: String = self.chars[start..].iter().collect();
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        s.trim_end_matches(['.', ',', ';', ' ']).to_string()
    }

    /// A year after position `i`: `2017`, `2017г.`, `2017 года`. Returns (year, next index).
    fn year_at(&self, i: usize) -> Option<(i32, usize)> {
        let Some(Tok::Num(n)) = self.tok(i) else {
            return None;
        };
        let Some(y) = valid_year(*n) else {
            if (1000..=9999).contains(n) {
                self.impossible(format!("год {n} вне допустимого (1990–2100)"));
            }
            return None;
        };
        Some((y, self.skip_year_words(i + 1)))
    }

    /// Skips «г», «гг», «г.г.», «года», «году», «год», «годов».
    fn skip_year_words(&self, mut i: usize) -> usize {
        while self.word_is(
            i,
            &["г", "гг", "год", "года", "году", "годов", "годы", "годах"],
        ) {
            i += 1;
        }
        i
    }

    fn skip_word(&self, i: usize, words: &[&str]) -> usize {
        if self.word_is(i, words) { i + 1 } else { i }
    }

    /// «В сроки, установленные планом мероприятий», «согласно графику», «в соответствии с
    /// планом».
    fn delegated(&self, i: usize) -> Option<(Part, usize)> {
        let set_by = self.word_is(i, &["сроки", "срок", "срокам", "срокам"])
            && self.word_starts(
                i + 1,
                &["установлен", "определен", "предусмотрен", "утвержден"],
            );
        let per_plan = (self.word_is(i, &["согласно"])
            || (self.word_is(i, &["соответствии"]) && self.word_is(i + 1, &["с", "со"])))
            && (self.word_starts(i + 1, &["план", "график"])
                || self.word_starts(i + 2, &["план", "график"]));
        if !(set_by || per_plan) {
            return None;
        }
        let from = if i > 0 && self.word_is(i - 1, &["в", "по"]) {
            i - 1
        } else {
            i
        };
        Some((
            Part::Delegated {
                phrase: self.rest_from(from),
            },
            self.toks.len(),
        ))
    }

    /// A term counted from an event: «в течение 5 рабочих дней после …», «в течение месяца со
    /// дня …», «в месячный срок после …», «не позднее 10 дней с даты …».
    fn after_event(&self, i: usize) -> Option<(Part, usize)> {
        // Amount (optional), then the unit.
        let (amount, unit, mut j) = self.term_at(i)?;
        // The anchor: «после», «по истечении», «со дня», «с даты», «с момента», «от даты».
        j = self.skip_word(j, &["календарных"]);
        let by_expiry = self.word_is(j, &["по"]) && self.word_starts(j + 1, &["истечени"]);
        let from_day = self.word_is(j, &["со", "с", "от"])
            && self.word_starts(j + 1, &["дн", "дат", "момент"]);
        let anchored = if self.word_is(j, &["после"]) {
            j += 1;
            true
        } else if by_expiry || from_day {
            j += 2;
            true
        } else {
            false
        };
        if !anchored {
            return None;
        }
        // «в течение 5 дней после 25.12.2024»: a term from a date, not from an event.
        if let Some((Part::Date { day, month, year }, next)) = self.date(j) {
            return Some((
                Part::AfterDate {
                    amount,
                    unit,
                    day,
                    month,
                    year,
                },
                next,
            ));
        }
        let phrase = self.rest_from(j);
        Some((
            Part::AfterEvent {
                amount,
                unit,
                event: classify_event(&phrase),
                phrase,
            },
            self.toks.len(),
        ))
    }

    /// The amount and unit of a term at `i`: (amount, unit, next index).
    fn term_at(&self, i: usize) -> Option<(u32, TermUnit, usize)> {
        // «месячный срок», «десятидневный срок», «двухнедельный срок».
        if let Some(w) = self.word(i)
            && self.word_is(i + 1, &["срок"])
        {
            let (stem, unit) = if let Some(s) = w.strip_suffix("месячный") {
                (s, TermUnit::Months)
            } else if let Some(s) = w.strip_suffix("недельный") {
                (s, TermUnit::Weeks)
            } else if let Some(s) = w.strip_suffix("дневный") {
                (s, TermUnit::Days)
            } else {
                ("-", TermUnit::Days)
            };
            if stem != "-" {
                let n = if stem.is_empty() {
                    Some(1)
                } else {
                    number_word(stem)
                };
                return Some((n?, unit, i + 2));
            }
        }
        let (amount, j) = match self.tok(i)? {
            Tok::Num(n) => (Some(*n), i + 1),
            Tok::Word(w) => match number_word(w) {
                Some(n) => (Some(n), i + 1),
                None => (None, i),
            },
            _ => return None,
        };
        // «5 (пяти) рабочих дней»: skip a repeated number in words.
        let j = if amount.is_some() && self.word(j).and_then(number_word).is_some() {
            j + 1
        } else {
            j
        };
        let (unit, next) = if self.word_starts(j, &["рабоч"])
            && self.word_starts(j + 1, &["дн", "ден"])
        {
            (TermUnit::WorkingDays, j + 2)
        } else if self.word_starts(j, &["календарн"]) && self.word_starts(j + 1, &["дн", "ден"])
        {
            (TermUnit::Days, j + 2)
        } else if self.word_is(j, &["дней", "дня", "день", "дн"]) {
            (TermUnit::Days, j + 1)
        } else if self.word_starts(j, &["месяц"]) {
            (TermUnit::Months, j + 1)
        } else if self.word_starts(j, &["недел"]) {
            (TermUnit::Weeks, j + 1)
        } else if amount.is_none() && self.word_is(j, &["года", "год"]) {
            // «в течение года после …»: twelve months (without an event it is continuous).
            return Some((12, TermUnit::Months, j + 1));
        } else {
            return None;
        };
        // Without a number only the singular forms count: «в течение месяца», «недели», «дня».
        let amount = match amount {
            Some(n) => n,
            None if self.word_is(j, &["месяца", "месяц", "недели", "неделю", "дня"]) => {
                1
            }
            None => return None,
        };
        Some((amount, unit, next))
    }

    /// «Постоянно», «на постоянной основе», «ежедневно», «в течение года», «в течение всего
    /// периода».
    fn continuous(&self, i: usize) -> Option<(Part, usize)> {
        if self.word_starts(i, &["постоянн", "ежедневн", "систематическ"])
        {
            let next = self.skip_word(i + 1, &["основе"]);
            return Some((Part::Continuous, next));
        }
        if self.word_is(i, &["течение", "период", "протяжении"]) {
            let j = self.skip_word(i + 1, &["всего", "отчетного", "текущего", "календарного"]);
            // «в течение года после …» is a term from an event, read from «года».
            if self.word_is(j, &["года", "периода", "срока"])
                && !self.word_is(j + 1, &["после", "со", "с", "от", "по"])
            {
                return Some((Part::Continuous, j + 1));
            }
        }
        if self.word_is(i, &["весь"]) && self.word_is(i + 1, &["период"]) {
            return Some((Part::Continuous, i + 2));
        }
        None
    }

    /// «ежеквартально», «ежемесячно», «ежегодно (до 1 марта)», «не реже 2-х раз в год».
    fn recurring(&self, i: usize) -> Option<(Part, usize)> {
        let w = self.word(i)?;
        let every = if w.starts_with("ежеквартальн") {
            Some(Per::Quarter)
        } else if w.starts_with("ежемесячн") {
            Some(Per::Month)
        } else {
            None
        };
        if let Some(per) = every {
            // «ежеквартально, до 5 числа месяца, следующего за отчетным».
            if let Some((r, next)) = self.day_clause(i + 1, Some(per)) {
                return Some((Part::Recurring(r), next));
            }
            return Some((Part::Recurring(Recurrence::Every(per)), i + 1));
        }
        if w.starts_with("ежегодн") {
            // «ежегодно до 1 марта», «ежегодно в IV квартале», «ежегодно до 15 января года,
            // следующего за отчетным».
            let j = self.skip_word(i + 1, &["до", "в", "не", "срок"]);
            let j = self.skip_word(j, &["позднее", "срок", "до"]);
            match self.date(j) {
                Some((Part::Date { day, month, .. }, next)) => {
                    return Some((Part::Recurring(Recurrence::YearlyOn { month, day }), next));
                }
                Some((Part::Recurring(r), next)) => return Some((Part::Recurring(r), next)),
                _ => {}
            }
            if let Some((r, next)) = self.day_clause(i + 1, Some(Per::Year)) {
                return Some((Part::Recurring(r), next));
            }
            if let Some((
                Part::Within {
                    span: Span::Quarters(_, q),
                    ..
                },
                next,
            )) = self.numbered(j)
            {
                return Some((Part::Recurring(Recurrence::YearlyQuarter(q)), next));
            }
            return Some((Part::Recurring(Recurrence::Every(Per::Year)), i + 1));
        }
        // «… раз(а) в год / в полугодие / в квартал / в месяц».
        if w.starts_with("раз") && w.len() <= "раза".len() {
            if !self.word_is(i + 1, &["в", "за"]) {
                return None;
            }
            let per = match self.word(i + 2)? {
                p if p.starts_with("полугод") => Per::HalfYear,
                p if p.starts_with("год") => Per::Year,
                p if p.starts_with("квартал") => Per::Quarter,
                p if p.starts_with("месяц") => Per::Month,
                _ => return None,
            };
            // The count before «раз»: «2-х», «2», «двух», «одного»; none means once.
            let mut k = i;
            if k > 0 && self.word_is(k - 1, &["х", "ух", "ех", "x"]) {
                k -= 1;
            }
            if k > 0 && self.tok(k - 1) == Some(&Tok::Dash) {
                k -= 1;
            }
            let times = match k.checked_sub(1).and_then(|k| self.tok(k)) {
                Some(Tok::Num(n)) if (1..=366).contains(n) => *n,
                Some(Tok::Word(w)) => number_word(w).unwrap_or(1),
                _ => 1,
            };
            let rec = if times == 1 && per != Per::Year && !self.at_least_before(k) {
                Recurrence::Every(per)
            } else {
                Recurrence::AtLeast { times, per }
            };
            if let Recurrence::Every(per) = rec
                && let Some((r, next)) = self.day_clause(i + 3, Some(per))
            {
                return Some((Part::Recurring(r), next));
            }
            return Some((Part::Recurring(rec), i + 3));
        }
        None
    }

    /// Whether «не реже» / «не менее» comes shortly before `k`.
    fn at_least_before(&self, k: usize) -> bool {
        (k.saturating_sub(3)..k).any(|j| self.word_is(j, &["реже", "менее"]))
    }

    /// `01.12.2019`; «1 декабря 2019 года»; «10 февраля» (year from the plan); a range of dates
    /// («с 1 марта по 30 апреля 2025 года», «01.02.2025 – 31.03.2025») is due on its last day;
    /// «до 15 января года, следующего за отчетным» recurs after every reporting year.
    fn date(&self, i: usize) -> Option<(Part, usize)> {
        let (day, month, year, next) = self.one_date(i)?;
        // «…, следующего за отчетным (годом)»: after every reporting year.
        if year.is_none() {
            let j = self.skip_word(next, &["года", "г"]);
            if let Some((per, k)) = self.following_reported(j)
                && matches!(per, None | Some(Per::Year))
            {
                return Some((
                    Part::Recurring(Recurrence::Following {
                        per: Per::Year,
                        month: Some(month),
                        day,
                    }),
                    k,
                ));
            }
        }
        // A range: the end date (its year fills the start's, and the other way round).
        if (matches!(self.tok(next), Some(Tok::Dash)) || self.word_is(next, &["по", "до"]))
            && let Some((d2, m2, y2, end)) = self.one_date(next + 1)
        {
            let y2 = y2.or(year);
            if y2.is_none() || NaiveDate::from_ymd_opt(y2.unwrap_or(2000), m2, d2).is_some() {
                return Some((
                    Part::Date {
                        day: d2,
                        month: m2,
                        year: y2,
                    },
                    end,
                ));
            }
        }
        Some((Part::Date { day, month, year }, next))
    }

    /// One date at `i`: (day, month, year if written, next index).
    fn one_date(&self, i: usize) -> Option<(u32, u32, Option<i32>, usize)> {
        match self.tok(i)? {
            Tok::Date(d, m, y) => Some((*d, *m, Some(*y), i + 1)),
            Tok::Num(day) if *day < 100 => {
                let month = month_of(self.word(i + 1)?)?;
                let (year, next) = match self.year_at(i + 2) {
                    Some((y, next)) => (Some(y), next),
                    None => (None, i + 2),
                };
                // 31 апреля is no date; 29 февраля only in a leap year (2000 if no year yet).
                if !(1..=31).contains(day)
                    || NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, *day).is_none()
                {
                    self.impossible(format!(
                        "{day} {} — такой даты нет",
                        self.written(&self.toks[i + 1])
                    ));
                    return None;
                }
                Some((*day, month, year, next))
            }
            _ => None,
        }
    }

    /// A quarter or half-year number at `i`: Roman, Arabic or an ordinal word.
    fn ordinal_at(&self, i: usize) -> Option<u32> {
        match self.tok(i)? {
            Tok::Roman(n) => Some(*n),
            Tok::Num(n) if *n <= 12 => Some(*n),
            Tok::Word(w) => ordinal_word(w),
            _ => None,
        }
    }

    /// «IV квартал 2017 г.», «I- II квартал 2017г.», «2-3 квартал 2018 года», «1 кв. 2019»,
    /// «I полугодие 2020 года», «IV квартал ежегодно».
    fn numbered(&self, i: usize) -> Option<(Part, usize)> {
        let from = self.ordinal_at(i)?;
        let mut j = i + 1;
        let mut to = from;
        if (matches!(self.tok(j), Some(Tok::Dash)) || self.word_is(j, &["и", "по"]))
            && let Some(n) = self.ordinal_at(j + 1)
        {
            to = n;
            j += 2;
        }
        let per = if self.word_starts(j, &["квартал"]) || self.word_is(j, &["кв"]) {
            Per::Quarter
        } else if self.word_starts(j, &["полугод"]) {
            Per::HalfYear
        } else {
            return None;
        };
        let max = if per == Per::Quarter { 4 } else { 2 };
        if from == 0 || from > to || to > max {
            let what = if per == Per::Quarter {
                "квартала"
            } else {
                "полугодия"
            };
            let n = if from == 0 || from > max { from } else { to };
            self.impossible(format!("{what} с номером {n} нет"));
            return None;
        }
        j += 1;
        if self.word_starts(j, &["ежегодн"]) && per == Per::Quarter {
            return Some((Part::Recurring(Recurrence::YearlyQuarter(to)), j + 1));
        }
        let (year, next) = match self.year_at(j) {
            Some((y, next)) => (Some(y), next),
            None => (None, j),
        };
        if year.is_none() && self.word_starts(next, &["ежегодн"]) && per == Per::Quarter {
            return Some((Part::Recurring(Recurrence::YearlyQuarter(to)), next + 1));
        }
        let span = if per == Per::Quarter {
            Span::Quarters(from, to)
        } else {
            Span::HalfYears(from, to)
        };
        Some((Part::Within { span, year }, next))
    }

    /// «февраль 2024», «декабрь 2024 г.», «в феврале», «февраль - март 2019 года».
    fn months(&self, i: usize) -> Option<(Part, usize)> {
        let from = month_of(self.word(i)?)?;
        let mut j = i + 1;
        let mut to = from;
        if matches!(self.tok(j), Some(Tok::Dash))
            && let Some(m) = self.word(j + 1).and_then(month_of)
            && m >= from
        {
            to = m;
            j += 2;
        }
        let (year, next) = match self.year_at(j) {
            Some((y, next)) => (Some(y), next),
            None => (None, j),
        };
        if year.is_none() && self.word_starts(next, &["ежегодн"]) {
            let day = NaiveDate::from_ymd_opt(2001, to % 12 + 1, 1)
                .and_then(|d| d.pred_opt())
                .map_or(28, |d| chrono::Datelike::day(&d));
            return Some((
                Part::Recurring(Recurrence::YearlyOn { month: to, day }),
                next + 1,
            ));
        }
        Some((
            Part::Within {
                span: Span::Months(from, to),
                year,
            },
            next,
        ))
    }

    /// «2024», «2024 год», «2016-2018 г.г.», «2017 - 2018 г.».
    fn years(&self, i: usize) -> Option<(Part, usize)> {
        let Some(Tok::Num(a)) = self.tok(i) else {
            return None;
        };
        let from = valid_year(*a)?;
        let mut j = i + 1;
        let mut to = from;
        if matches!(self.tok(j), Some(Tok::Dash) | Some(Tok::Word(_)))
            && (matches!(self.tok(j), Some(Tok::Dash)) || self.word_is(j, &["по"]))
            && let Some(Tok::Num(b)) = self.tok(j + 1)
            && let Some(b) = valid_year(*b)
            && b >= from
        {
            to = b;
            j += 2;
        }
        Some((Part::Years { from, to }, self.skip_year_words(j)))
    }

    /// «до конца года», «до конца текущего года».
    fn year_end(&self, i: usize) -> Option<(Part, usize)> {
        if !self.word_is(i, &["конца", "окончания"]) {
            return None;
        }
        let j = self.skip_word(i + 1, &["текущего", "отчетного", "календарного"]);
        if let Some((y, next)) = self.year_at(j) {
            return Some((Part::Years { from: y, to: y }, next));
        }
        if self.word_is(j, &["года", "г"]) {
            return Some((
                Part::Within {
                    span: Span::Year,
                    year: None,
                },
                j + 1,
            ));
        }
        None
    }
}

/// The event a phrase names («поступления информации о результатах … от Общественного совета»).
pub(super) fn classify_event(phrase: &str) -> Event {
    let p = phrase.to_lowercase().replace('ё', "е");
    let has = |s: &str| p.contains(s);
    if has("утвержден") && has("план") {
        Event::PlanApproved
    } else if has("предложени") {
        Event::ProposalsReceived
    } else if has("результат") && (has("размещ") || has("опубликов") || has("публикац"))
    {
        Event::ResultsPublished
    } else if has("поступлени")
        || ((has("получени") || has("представлени") || has("направлени"))
            && (has("информац") || has("результат") || has("итог")))
    {
        // In these plans «после поступления» alone is the receipt of the council's results.
        Event::ResultsReceived
    } else {
        Event::Other
    }
}
