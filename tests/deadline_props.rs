//! The deadline parser never panics and never loses the text, whatever it is given.

use chrono::NaiveDate;
use nok::domain::deadline::{Context, Deadline, Event, Events};
use proptest::prelude::*;

fn events() -> Events {
    let mut e = Events::new();
    for ev in Event::ALL {
        e.record(ev, NaiveDate::from_ymd_opt(2020, 2, 28).unwrap());
    }
    e
}

proptest! {
    #[test]
    fn any_string_reads_without_panic(text in ".{0,120}") {
        let dl = Deadline::parse(&text);
        prop_assert_eq!(&dl.text, &text);
        let e = events();
        let ctx = Context { today: NaiveDate::from_ymd_opt(2020, 6, 1).unwrap(), period: Some((2019, 2021)), events: &e, calendar: None };
        let _ = dl.resolve(&ctx);
        let _ = dl.describe(Some((2019, 2021)));
        let _ = dl.describe(None);
        let _ = dl.kind_ru();
    }

    /// Strings made of the parser's own words, numbers and dashes reach the deep branches.
    #[test]
    fn deadline_words_in_any_order_read_without_panic(
        words in prop::collection::vec(prop::sample::select(vec![
            "I", "II", "IV", "І", "квартал", "кв", "полугодие", "2017", "2017г.", "г.г.", "-", "–",
            "в", "течение", "5", "31", "0", "99999999999", "29", "февраля", "февраль", "рабочих",
            "дней", "месяца", "после", "со", "дня", "ежегодно", "ежеквартально", "до", "раз", "2-х",
            "не", "реже", "года", "сроки", "установленные", "01.12.2019", "31.02.2019", "месячный",
            "срок", "постоянно", "конца", "4294967295", "1.1.1", "двухнедельный", "одного",
        ]), 0..14),
        year in 1990i32..2100,
    ) {
        let text = words.join(" ");
        let dl = Deadline::parse(&text);
        let e = events();
        let ctx = Context { today: NaiveDate::from_ymd_opt(2020, 6, 1).unwrap(), period: Some((year, year + 2)), events: &e, calendar: None };
        let _ = dl.resolve(&ctx);
        let _ = dl.describe(Some((year, year)));
    }
}
