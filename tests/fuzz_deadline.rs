//! Fuzzing the Russian deadline parser (`nok::domain::deadline`) with proptest for a fixed budget:
//! any text — random Unicode, control characters, OCR-like soup of the deadline words, very long
//! lines — is read without a panic, kept whole, described, resolved and placed on a plan state.
//!
//! The budget is `PROPTEST_CASES` (default below, a few seconds in CI); `fuzz/run.sh` reruns it
//! with a bigger one. Failing cases are kept in `fuzz/regressions/fuzz_deadline.txt` and
//! replayed first on every run.

mod fuzz_support;

use chrono::NaiveDate;
use nok::domain::deadline::{Context, Deadline, Event, Events, ItemState, Resolution, item_state};
use nok::domain::workplan::ItemStatus;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    fuzz_support::config("fuzz_deadline", 1500)
}

/// Words and pieces the parser keys on, with the noise real documents carry.
const WORDS: &[&str] = &[
    "до",
    "в",
    "срок",
    "течение",
    "года",
    "год",
    "г.",
    "г.г.",
    "гг.",
    "квартал",
    "кв.",
    "квартале",
    "полугодие",
    "полугодия",
    "I",
    "II",
    "III",
    "IV",
    "І",
    "ІІ",
    "1",
    "2",
    "3",
    "4",
    "-",
    "–",
    "—",
    "январь",
    "февраль",
    "марта",
    "апреле",
    "мая",
    "июнь",
    "июля",
    "август",
    "сентября",
    "октябрь",
    "ноября",
    "декабре",
    "декабря",
    "ежегодно",
    "ежемесячно",
    "ежеквартально",
    "постоянно",
    "не",
    "реже",
    "раз",
    "2-х",
    "одного",
    "раза",
    "в",
    "месяц",
    "месяца",
    "дней",
    "рабочих",
    "дня",
    "после",
    "со",
    "дня",
    "поступления",
    "информации",
    "о",
    "результатах",
    "независимой",
    "оценки",
    "от",
    "Общественного",
    "совета",
    "предложений",
    "утверждения",
    "плана",
    "мероприятий",
    "размещения",
    "В сроки, установленные планом мероприятий",
    "до конца года",
    "месячный",
    "четвертом",
    "2016",
    "2017",
    "2018",
    "2019",
    "2024",
    "2026",
    "2100",
    "1900",
    "0",
    "31",
    "29",
    "30",
    "01.12.2019",
    "31.02.2020",
    "29.02.2024",
    "99.99.9999",
    "2019-12-01",
    "10",
    "5",
    "999999999999",
    "4294967296",
    ",",
    ".",
    ";",
    "(",
    ")",
    "\n",
    "\t",
    "квартaл",
    "кваpтал",
    "IV-I",
    "4-1",
    "2-3",
    "0-0",
    "13",
    "0 квартал",
    "5 квартал",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(WORDS).prop_map(str::to_string),
            1 => "[0-9]{1,12}",
            1 => "\\PC{0,6}",
        ],
        0..24,
    )
    .prop_flat_map(|words| {
        let n = words.len();
        (
            Just(words),
            prop::collection::vec(
                prop::sample::select(&[" ", "", "  ", " - ", ".", "\u{a0}"][..]),
                n,
            ),
        )
    })
    .prop_map(|(words, seps)| {
        words
            .iter()
            .zip(seps)
            .flat_map(|(w, s)| [w.as_str(), s])
            .collect()
    })
}

fn day() -> impl Strategy<Value = NaiveDate> {
    (2010i32..2031, 1u32..=366).prop_map(|(y, d)| {
        NaiveDate::from_yo_opt(y, d).unwrap_or_else(|| NaiveDate::from_yo_opt(y, 365).unwrap())
    })
}

/// Everything a caller does with a deadline, with the properties that must hold.
fn exercise(text: &str, today: NaiveDate, period: Option<(i32, i32)>, event_on: Option<NaiveDate>) {
    let d = Deadline::parse(text);
    assert_eq!(d.text, text, "the text is kept whole");
    assert_eq!(Deadline::parse(text), d, "reading is deterministic");
    assert!(!d.kind_ru().is_empty());
    let described = d.describe(period);
    assert!(!described.is_empty());
    let _ = d.describe(None);

    let mut events = Events::new();
    if let Some(on) = event_on {
        for e in Event::ALL {
            events.record(e, on);
        }
    }
    let ctx = Context {
        today,
        period,
        events: &events,
        calendar: None,
    };
    let resolution = d.resolve(&ctx);
    match &resolution {
        Resolution::Due { current, all, .. } => {
            assert!(!all.is_empty(), "due without dates: {text:?}");
            assert!(
                all.windows(2).all(|w| w[0] <= w[1]),
                "dates not ascending: {all:?}"
            );
            assert!(all.contains(current), "{current} not among {all:?}");
        }
        Resolution::Empty => assert!(d.is_empty(), "{text:?} is not empty"),
        Resolution::Unrecognised => assert!(!d.is_recognised()),
        _ => {}
    }
    assert_eq!(
        d.is_empty(),
        resolution == Resolution::Empty,
        "{text:?}: {resolution:?}"
    );
    for status in [ItemStatus::Planned, ItemStatus::InProgress] {
        let state = item_state(status, None, &d, &ctx, 30);
        assert_ne!(state, ItemState::Cancelled);
        let _ = state.label_ru();
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_unicode_reads_without_panic(text in "\\PC{0,80}", today in day()) {
        exercise(&text, today, None, None);
    }

    #[test]
    fn any_chars_even_control_ones_read_without_panic(text in any::<String>(), today in day()) {
        exercise(&text, today, Some((2017, 2019)), Some(today));
    }

    #[test]
    fn soup_of_deadline_words_reads_without_panic(
        text in soup(),
        today in day(),
        first in 2010i32..2030,
        years in 0i32..6,
        event_on in proptest::option::of(day()),
        with_period in any::<bool>(),
    ) {
        let period = with_period.then_some((first, first + years));
        exercise(&text, today, period, event_on);
    }

    #[test]
    fn long_lines_read_without_panic(word in prop::sample::select(WORDS), n in 1usize..400, today in day()) {
        let text = vec![word; n].join(" ");
        exercise(&text, today, Some((2017, 2019)), None);
    }
}
