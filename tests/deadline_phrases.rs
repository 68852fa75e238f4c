//! Every deadline phrase of the three seed plans (`../shared/seeds`), read by hand into the
//! expected structure, plus variants with the noise real documents have. The seed files, when
//! present, are checked to really contain each seed phrase, so the table cannot drift from them.

use chrono::NaiveDate;
use nok::domain::deadline::{
    Context, Deadline, Event, Events, ItemState, Part, Per, Recurrence, Resolution, Span, TermUnit,
    item_state,
};
use nok::domain::workplan::ItemStatus;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn q(a: u32, b: u32, year: i32) -> Part {
    Part::Within {
        span: Span::Quarters(a, b),
        year: Some(year),
    }
}

fn month(m: u32, year: i32) -> Part {
    Part::Within {
        span: Span::Months(m, m),
        year: Some(year),
    }
}

fn date(day: u32, m: u32, year: i32) -> Part {
    Part::Date {
        day,
        month: m,
        year: Some(year),
    }
}

fn after(amount: u32, unit: TermUnit, event: Event, phrase: &str) -> Part {
    Part::AfterEvent {
        amount,
        unit,
        event,
        phrase: phrase.to_string(),
    }
}

const RESULTS_FROM_COUNCIL: &str =
    "поступления информации о результатах независимой оценки от Общественного совета";

/// (seed file, phrase as in the seed, expected reading).
fn seed_table() -> Vec<(&'static str, &'static str, Vec<Part>)> {
    use Part::*;
    let s0 = "000_3d4ef33b07281ee3.txt";
    let s2 = "002_00e3170ed36b53f3.txt";
    let s4 = "004_0cdd2574759d03f6.txt";
    vec![
        // 000: information plan of the Leningrad region health committee for 2024.
        (s0, "Постоянно", vec![Continuous]),
        (s0, "февраль 2024", vec![month(2, 2024)]),
        (
            s0,
            "не реже 2-х раз в год",
            vec![Recurring(Recurrence::AtLeast {
                times: 2,
                per: Per::Year,
            })],
        ),
        (
            s0,
            "ежеквартально",
            vec![Recurring(Recurrence::Every(Per::Quarter))],
        ),
        (s0, "декабрь 2024", vec![month(12, 2024)]),
        // 002: letter of the Vladimir region social protection department, 2019.
        (
            s2,
            "в срок до 10 февраля 2019 года",
            vec![date(10, 2, 2019)],
        ),
        (s2, "в срок до 1 декабря 2019 года", vec![date(1, 12, 2019)]),
        // 004: organization plan of the Leningrad region social protection committee, 2016–2018.
        (
            s4,
            "в течение 2016-2018 г.г.",
            vec![Years {
                from: 2016,
                to: 2018,
            }],
        ),
        (
            s4,
            "I квартал 2016 г. IV квартал 2017 г.",
            vec![q(1, 1, 2016), q(4, 4, 2017)],
        ),
        (
            s4,
            "II квартал 2017г. II квартал 2018г.",
            vec![q(2, 2, 2017), q(2, 2, 2018)],
        ),
        (s4, "I- II квартал 2017г.", vec![q(1, 2, 2017)]),
        (
            s4,
            "IV квартал ежегодно",
            vec![Recurring(Recurrence::YearlyQuarter(4))],
        ),
        (
            s4,
            "2017 - 2018 г.",
            vec![Years {
                from: 2017,
                to: 2018,
            }],
        ),
        (s4, "I квартал 2017г.", vec![q(1, 1, 2017)]),
        (s4, "II квартал 2017г.", vec![q(2, 2, 2017)]),
        (s4, "II- III квартал 2017г.", vec![q(2, 3, 2017)]),
        (s4, "III квартал 2017г.", vec![q(3, 3, 2017)]),
        (s4, "IV квартал 2017г.", vec![q(4, 4, 2017)]),
        // Item 5, the cell as it stands on the first page (the page break cuts it) …
        (
            s4,
            "IV квартал 2017 г. в течение 5 рабочих дней после поступления",
            vec![
                q(4, 4, 2017),
                after(
                    5,
                    TermUnit::WorkingDays,
                    Event::ResultsReceived,
                    "поступления",
                ),
            ],
        ),
        // … and its continuation on the next page.
        (
            s4,
            "информации о результатах независимой оценки от Общественного совета",
            vec![],
        ),
        (
            s4,
            "IV квартал 2017 г. в течение месяца после поступления информации от Общественного совета",
            vec![
                q(4, 4, 2017),
                after(
                    1,
                    TermUnit::Months,
                    Event::ResultsReceived,
                    "поступления информации от Общественного совета",
                ),
            ],
        ),
        (
            s4,
            "IV квартал 2017 г. в течение месяца со дня поступления информации",
            vec![
                q(4, 4, 2017),
                after(
                    1,
                    TermUnit::Months,
                    Event::ResultsReceived,
                    "поступления информации",
                ),
            ],
        ),
        (
            s4,
            "IV квартал 2017 г. в течение 5 дней после утверждения плана",
            vec![
                q(4, 4, 2017),
                after(5, TermUnit::Days, Event::PlanApproved, "утверждения плана"),
            ],
        ),
        (
            s4,
            "В сроки, установленные планом мероприятий",
            vec![Delegated {
                phrase: "В сроки, установленные планом мероприятий".into(),
            }],
        ),
    ]
}

/// Forms of DEADLINES.md and the same family of documents, and noise (OCR, spacing, Latin
/// look-alike letters, punctuation).
fn variant_table() -> Vec<(&'static str, Vec<Part>)> {
    use Part::*;
    vec![
        // Cells of the seed joined across the page break.
        (
            "IV квартал 2017 г. в течение 5 рабочих дней после поступления информации о результатах независимой оценки от Общественного совета",
            vec![
                q(4, 4, 2017),
                after(
                    5,
                    TermUnit::WorkingDays,
                    Event::ResultsReceived,
                    RESULTS_FROM_COUNCIL,
                ),
            ],
        ),
        (
            "IV квартал 2017 г. в течение 5 дней после утверждения плана мероприятий",
            vec![
                q(4, 4, 2017),
                after(
                    5,
                    TermUnit::Days,
                    Event::PlanApproved,
                    "утверждения плана мероприятий",
                ),
            ],
        ),
        // DEADLINES.md.
        ("в течение года", vec![Continuous]),
        (
            "не реже одного раза в полугодие",
            vec![Recurring(Recurrence::AtLeast {
                times: 1,
                per: Per::HalfYear,
            })],
        ),
        (
            "ежегодно до 1 марта",
            vec![Recurring(Recurrence::YearlyOn { month: 3, day: 1 })],
        ),
        ("3 квартал 2018 года", vec![q(3, 3, 2018)]),
        ("IV квартал 2017 г.", vec![q(4, 4, 2017)]),
        ("2-3 квартал 2018 года", vec![q(2, 3, 2018)]),
        ("до 1 декабря 2019 года", vec![date(1, 12, 2019)]),
        ("до 01.12.2019", vec![date(1, 12, 2019)]),
        (
            "В месячный срок после поступления предложений",
            vec![after(
                1,
                TermUnit::Months,
                Event::ProposalsReceived,
                "поступления предложений",
            )],
        ),
        (
            "не реже 2-х раз в год",
            vec![Recurring(Recurrence::AtLeast {
                times: 2,
                per: Per::Year,
            })],
        ),
        // Noise and other spellings.
        ("IV квартaл 2017 г.", vec![q(4, 4, 2017)]), // Latin «a»
        ("І квартал 2016 г.", vec![q(1, 1, 2016)]),  // Cyrillic «І»
        ("I-II квартал 2017 г.", vec![q(1, 2, 2017)]),
        ("I — II  квартал   2017г", vec![q(1, 2, 2017)]),
        ("1 кв. 2019", vec![q(1, 1, 2019)]),
        ("4 квартал 2019 г", vec![q(4, 4, 2019)]),
        ("в IV квартале 2018 года", vec![q(4, 4, 2018)]),
        ("в четвертом квартале 2018 года", vec![q(4, 4, 2018)]),
        (
            "I полугодие 2020 г.",
            vec![Within {
                span: Span::HalfYears(1, 1),
                year: Some(2020),
            }],
        ),
        ("декабрь 2024 г.", vec![month(12, 2024)]),
        ("в декабре 2024 года", vec![month(12, 2024)]),
        ("Февраль 2024.", vec![month(2, 2024)]),
        (
            "февраль - март 2019 года",
            vec![Within {
                span: Span::Months(2, 3),
                year: Some(2019),
            }],
        ),
        (
            "февраль",
            vec![Within {
                span: Span::Months(2, 2),
                year: None,
            }],
        ),
        ("до 01.12.19", vec![date(1, 12, 2019)]),
        ("не позднее 15 марта 2021 г.", vec![date(15, 3, 2021)]),
        (
            "в срок до 10 февраля",
            vec![Date {
                day: 10,
                month: 2,
                year: None,
            }],
        ),
        ("Постоянно.", vec![Continuous]),
        ("  постоянно ", vec![Continuous]),
        ("на постоянной основе", vec![Continuous]),
        (
            " ежеквартально;",
            vec![Recurring(Recurrence::Every(Per::Quarter))],
        ),
        ("ежемесячно", vec![Recurring(Recurrence::Every(Per::Month))]),
        ("ежегодно", vec![Recurring(Recurrence::Every(Per::Year))]),
        (
            "ежегодно, до 1 марта",
            vec![Recurring(Recurrence::YearlyOn { month: 3, day: 1 })],
        ),
        (
            "не реже 2 раз в год",
            vec![Recurring(Recurrence::AtLeast {
                times: 2,
                per: Per::Year,
            })],
        ),
        (
            "2 раза в год",
            vec![Recurring(Recurrence::AtLeast {
                times: 2,
                per: Per::Year,
            })],
        ),
        (
            "один раз в квартал",
            vec![Recurring(Recurrence::Every(Per::Quarter))],
        ),
        (
            "не реже 2-x раз в год", // Latin «x»
            vec![Recurring(Recurrence::AtLeast {
                times: 2,
                per: Per::Year,
            })],
        ),
        (
            "2024 год",
            vec![Years {
                from: 2024,
                to: 2024,
            }],
        ),
        (
            "до конца 2018 года",
            vec![Years {
                from: 2018,
                to: 2018,
            }],
        ),
        (
            "в течение 10 рабочих дней со дня утверждения плана",
            vec![after(
                10,
                TermUnit::WorkingDays,
                Event::PlanApproved,
                "утверждения плана",
            )],
        ),
        (
            "в течение пяти рабочих дней после размещения результатов на bus.gov.ru",
            vec![after(
                5,
                TermUnit::WorkingDays,
                Event::ResultsPublished,
                "размещения результатов на bus.gov.ru",
            )],
        ),
        (
            "в двухнедельный срок после получения предложений",
            vec![after(
                2,
                TermUnit::Weeks,
                Event::ProposalsReceived,
                "получения предложений",
            )],
        ),
        (
            "в течение 3 дней после заседания",
            vec![after(3, TermUnit::Days, Event::Other, "заседания")],
        ),
        (
            "в соответствии с планом-графиком",
            vec![Delegated {
                phrase: "в соответствии с планом-графиком".into(),
            }],
        ),
        // OCR artefacts around the deadline words do no harm.
        ("офицнальном IV квартал 2017 г. саите", vec![q(4, 4, 2017)]),
        // Not deadlines: kept as text, nothing read.
        // A kind of its own, like «постоянно».
        ("по мере необходимости", vec![Part::AsNeeded]),
        ("уточняется", vec![]),
        ("", vec![]),
    ]
}

#[test]
fn every_seed_phrase_reads_as_expected() {
    for (_, text, want) in seed_table() {
        assert_eq!(Deadline::parse(text).parts, want, "«{text}»");
    }
}

#[test]
fn variants_and_noise_read_as_expected() {
    for (text, want) in variant_table() {
        assert_eq!(Deadline::parse(text).parts, want, "«{text}»");
    }
}

#[test]
fn seed_phrases_are_in_the_seed_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !dir.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but ../shared/seeds is missing"
        );
        eprintln!("пропуск: нет папки {}", dir.display());
        return;
    }
    for (file, text, _) in seed_table() {
        let body = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(body.contains(text), "{file} has no «{text}»");
    }
}

#[test]
fn unrecognised_text_is_kept_and_flagged() {
    let dl = Deadline::parse("уточняется позднее");
    assert!(!dl.is_recognised());
    assert_eq!(dl.text, "уточняется позднее");
    assert_eq!(dl.kind_ru(), "не распознан");
    assert_eq!(dl.describe(None), "срок не распознан: «уточняется позднее»");
    let events = Events::new();
    let ctx = Context::on(d(2024, 5, 1), &events);
    assert_eq!(dl.resolve(&ctx), Resolution::Unrecognised);
    assert_eq!(
        item_state(ItemStatus::Planned, None, &dl, &ctx, 30).label_ru(),
        "срок не распознан"
    );
    assert_eq!(Deadline::parse("").describe(None), "срок не указан");
}

fn ctx_for<'a>(today: NaiveDate, period: (i32, i32), events: &'a Events) -> Context<'a> {
    Context {
        today,
        period: Some(period),
        events,
        calendar: None,
    }
}

fn due(text: &str, today: NaiveDate, period: (i32, i32), events: &Events) -> Resolution {
    Deadline::parse(text).resolve(&ctx_for(today, period, events))
}

#[test]
fn due_dates_of_periods_and_dates() {
    let none = Events::new();
    let p = (2016, 2018);
    let t = d(2017, 5, 1);
    let one = |text: &str| match due(text, t, p, &none) {
        Resolution::Due { current, all, .. } => (current, all),
        other => panic!("«{text}»: {other:?}"),
    };
    assert_eq!(one("IV квартал 2017 г.").0, d(2017, 12, 31));
    assert_eq!(one("I- II квартал 2017г.").0, d(2017, 6, 30));
    assert_eq!(one("2-3 квартал 2018 года").0, d(2018, 9, 30));
    assert_eq!(one("февраль 2024").0, d(2024, 2, 29)); // leap year
    assert_eq!(one("февраль 2023").0, d(2023, 2, 28));
    assert_eq!(one("в течение 2016-2018 г.г.").0, d(2018, 12, 31));
    assert_eq!(one("до 01.12.2019").0, d(2019, 12, 1));
    // Two dates in one cell: the first not passed applies; both are listed.
    let (current, all) = one("I квартал 2016 г. IV квартал 2017 г.");
    assert_eq!(current, d(2017, 12, 31));
    assert_eq!(all, vec![d(2016, 3, 31), d(2017, 12, 31)]);
    let (current, _) = one("II квартал 2017г. II квартал 2018г.");
    assert_eq!(current, d(2017, 6, 30));
    // The plan's first year fills a missing year.
    assert_eq!(one("в срок до 10 февраля").0, d(2016, 2, 10));
    // Without a plan period a missing year cannot be filled.
    let dl = Deadline::parse("февраль");
    assert_eq!(dl.resolve(&Context::on(t, &none)), Resolution::NeedsYear);
    assert!(
        dl.describe(None).contains("год не указан"),
        "{}",
        dl.describe(None)
    );
}

#[test]
fn recurring_dates_are_the_current_period() {
    let none = Events::new();
    let p = (2024, 2024);
    let cur = |text: &str, today| match due(text, today, p, &none) {
        Resolution::Due {
            current,
            recurring: true,
            all,
            ..
        } => (current, all.len()),
        other => panic!("«{text}»: {other:?}"),
    };
    assert_eq!(cur("ежеквартально", d(2024, 5, 15)), (d(2024, 6, 30), 4));
    assert_eq!(cur("ежеквартально", d(2024, 6, 30)), (d(2024, 6, 30), 4));
    // After the plan period the last date stays (overdue if never done).
    assert_eq!(cur("ежеквартально", d(2025, 1, 10)), (d(2024, 12, 31), 4));
    assert_eq!(
        cur("не реже 2-х раз в год", d(2024, 3, 1)),
        (d(2024, 12, 31), 1)
    );
    assert_eq!(
        cur("не реже одного раза в полугодие", d(2024, 3, 1)),
        (d(2024, 6, 30), 2)
    );
    assert_eq!(
        cur("ежегодно до 1 марта", d(2024, 3, 1)),
        (d(2024, 3, 1), 1)
    );
    assert_eq!(
        cur("IV квартал ежегодно", d(2024, 3, 1)),
        (d(2024, 12, 31), 1)
    );
    // Over a three-year plan: one date a year.
    match due("IV квартал ежегодно", d(2017, 3, 1), (2016, 2018), &none) {
        Resolution::Due { current, all, .. } => {
            assert_eq!(current, d(2017, 12, 31));
            assert_eq!(all, vec![d(2016, 12, 31), d(2017, 12, 31), d(2018, 12, 31)]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn event_terms_resolve_once_the_event_is_recorded() {
    let text = "IV квартал 2017 г. в течение 5 рабочих дней после поступления информации о результатах независимой оценки от Общественного совета";
    let p = (2016, 2018);
    let today = d(2017, 12, 1);
    // Not recorded: the quarter bounds it, and the event is awaited.
    let mut events = Events::new();
    assert_eq!(
        due(text, today, p, &events),
        Resolution::Due {
            current: d(2017, 12, 31),
            all: vec![d(2017, 12, 31)],
            recurring: false,
            awaiting: Some(Event::ResultsReceived),
        }
    );
    // Recorded on Thursday 14.12.2017: five working days later is Thursday 21.12.2017.
    events.record(Event::ResultsReceived, d(2017, 12, 14));
    let r = due(text, d(2017, 12, 20), p, &events);
    assert!(
        matches!(&r, Resolution::Due { current, .. } if *current == d(2017, 12, 21)),
        "{r:?}"
    );
    // An event dated after «today» is not a fact yet on that day.
    let r = due(text, d(2017, 12, 10), p, &events);
    assert!(
        matches!(
            &r,
            Resolution::Due {
                awaiting: Some(Event::ResultsReceived),
                ..
            }
        ),
        "{r:?}"
    );
    // Over the New Year holidays: 28.12.2017 + 5 working days = 29.12, then 9–12.01.2018
    // (1–8 January off) → 12.01.2018.
    let mut events = Events::new();
    events.record(Event::ResultsReceived, d(2017, 12, 28));
    let r = due(
        "в течение 5 рабочих дней после поступления информации",
        d(2018, 1, 9),
        p,
        &events,
    );
    assert!(
        matches!(&r, Resolution::Due { current, .. } if *current == d(2018, 1, 12)),
        "{r:?}"
    );
    // Alone, a term from an event with no date recorded awaits it.
    let r = due(
        "в течение 5 дней после утверждения плана мероприятий",
        today,
        p,
        &Events::new(),
    );
    assert_eq!(
        r,
        Resolution::AwaitingEvent {
            event: Event::PlanApproved,
            phrase: "утверждения плана мероприятий".into()
        }
    );
    // A month from 31 January is the last day of February.
    let mut events = Events::new();
    events.record(Event::ProposalsReceived, d(2019, 1, 31));
    let r = due(
        "В месячный срок после поступления предложений",
        d(2019, 2, 1),
        (2019, 2019),
        &events,
    );
    assert!(
        matches!(&r, Resolution::Due { current, .. } if *current == d(2019, 2, 28)),
        "{r:?}"
    );
    // A working-day term outside the calendar says so.
    let mut events = Events::new();
    events.record(Event::ResultsReceived, d(2014, 12, 1));
    let r = due(
        "в течение 5 рабочих дней после поступления информации",
        d(2015, 1, 1),
        (2014, 2015),
        &events,
    );
    assert!(
        matches!(&r, Resolution::CalendarError(m) if m.contains("2015–2027")),
        "{r:?}"
    );
}

#[test]
fn item_states() {
    let none = Events::new();
    let today = d(2017, 11, 22);
    let p = (2016, 2018);
    let ctx = ctx_for(today, p, &none);
    let st = |status, text: &str| item_state(status, None, &Deadline::parse(text), &ctx, 30);
    assert_eq!(
        item_state(
            ItemStatus::Done,
            Some(d(2017, 3, 3)),
            &Deadline::parse("I квартал 2017г."),
            &ctx,
            30
        ),
        ItemState::Done(Some(d(2017, 3, 3)))
    );
    assert_eq!(
        st(ItemStatus::Cancelled, "I квартал 2017г."),
        ItemState::Cancelled
    );
    assert_eq!(
        st(ItemStatus::InProgress, "III квартал 2017г."),
        ItemState::Overdue {
            days: 53,
            due: d(2017, 9, 30)
        }
    );
    assert_eq!(
        st(ItemStatus::Planned, "до 01.12.2017"),
        ItemState::DueSoon {
            days: 9,
            due: d(2017, 12, 1)
        }
    );
    assert_eq!(
        st(ItemStatus::Planned, "до 22.11.2017").label_ru(),
        "срок сегодня"
    );
    assert_eq!(
        st(ItemStatus::Planned, "II квартал 2018г."),
        ItemState::InTime {
            due: d(2018, 6, 30)
        }
    );
    assert_eq!(
        st(ItemStatus::InProgress, "Постоянно"),
        ItemState::Continuous
    );
    assert_eq!(
        st(
            ItemStatus::InProgress,
            "в течение 5 дней после утверждения плана мероприятий"
        ),
        ItemState::AwaitingEvent(Event::PlanApproved)
    );
    assert_eq!(
        st(
            ItemStatus::Planned,
            "В сроки, установленные планом мероприятий"
        ),
        ItemState::Delegated
    );
    assert_eq!(
        st(ItemStatus::Planned, "уточняется"),
        ItemState::Unrecognised
    );
    assert_eq!(
        st(ItemStatus::Planned, "III квартал 2017г.").label_ru(),
        "просрочено на 53 дн."
    );
}

#[test]
fn descriptions_in_russian() {
    let p = Some((2016, 2018));
    let say = |t: &str| Deadline::parse(t).describe(p);
    assert_eq!(
        say("IV квартал 2017 г."),
        "IV квартал 2017 г.: срок — последний день, 31.12.2017"
    );
    assert_eq!(
        say("I- II квартал 2017г."),
        "I–II кварталы 2017 г., с 01.01.2017: срок — последний день, 30.06.2017"
    );
    assert_eq!(
        say("в течение 2016-2018 г.г."),
        "2016–2018 годы, с 01.01.2016: срок — конец периода, 31.12.2018"
    );
    assert_eq!(say("до 01.12.2019"), "к дате 01.12.2019");
    assert_eq!(
        say("в срок до 10 февраля"),
        "к дате 10.02.2016 (год взят из плана)"
    );
    assert_eq!(
        say("ежеквартально"),
        "ежеквартально: срок — последний день каждого квартала (за 2016–2018 годы сроков: 12)"
    );
    assert_eq!(
        say("не реже 2-х раз в год"),
        "не реже 2 раз в год: число проверяется по итогам каждого года (за 2016–2018 годы сроков: 3)"
    );
    assert!(
        say(
            "IV квартал 2017 г. в течение 5 рабочих дней после поступления информации о результатах"
        )
        .contains(
            "5 рабочих дней после события: поступление результатов независимой оценки от совета"
        ),
    );
    assert_eq!(
        Deadline::parse("IV квартал 2017 г. в течение 5 рабочих дней после поступления").kind_ru(),
        "период + от события"
    );
    assert_eq!(
        Deadline::parse("I квартал 2016 г. IV квартал 2017 г.").kind_ru(),
        "период: 2 срока"
    );
    assert_eq!(
        Deadline::parse("Постоянно").describe(None),
        "постоянно: единого срока нет, мероприятие текущее"
    );
}

/// Impossible dates and implausible years are «срок не распознан», never a guess (issue 13).
#[test]
fn impossible_dates_are_not_guessed() {
    let events = Events::new();
    for text in [
        "до 31.02.2025",
        "32.13.2025",
        "V квартал 2025",
        "0 квартал 2025",
        "5 квартал 2025 г.",
        "III полугодие 2025",
        "февраль 1800",
        "до 01.12.1800",
        "31 апреля 2025 года",
        "до 32 числа месяца, следующего за отчетным кварталом",
    ] {
        let dl = Deadline::parse(text);
        assert!(!dl.is_recognised(), "«{text}»: {dl:?}");
        assert!(dl.problem.is_some(), "«{text}» names why: {dl:?}");
        assert_eq!(dl.kind_ru(), "не распознан", "«{text}»");
        assert!(
            dl.describe(Some((2025, 2025)))
                .starts_with("срок не распознан"),
            "«{text}»"
        );
        let ctx = ctx_for(d(2025, 6, 1), (2025, 2025), &events);
        assert_eq!(dl.resolve(&ctx), Resolution::Unrecognised, "«{text}»");
    }
}

/// Phrases common in regional plans but absent from the seeds (issue 17), with dates worked out
/// by hand for a plan of 2025.
#[test]
fn following_periods_days_of_month_and_dates_after() {
    let events = Events::new();
    let cases: Vec<(&str, Vec<NaiveDate>)> = vec![
        (
            "ежеквартально, до 5 числа месяца, следующего за отчетным",
            vec![d(2025, 4, 5), d(2025, 7, 5), d(2025, 10, 5), d(2026, 1, 5)],
        ),
        (
            "до 15 января года, следующего за отчетным",
            vec![d(2026, 1, 15)],
        ),
        (
            "ежемесячно до 10 числа",
            (1..=12).map(|m| d(2025, m, 10)).collect(),
        ),
        (
            "не позднее 20 числа месяца, следующего за отчетным кварталом",
            vec![
                d(2025, 4, 20),
                d(2025, 7, 20),
                d(2025, 10, 20),
                d(2026, 1, 20),
            ],
        ),
        ("после 25.12.2024", vec![d(2024, 12, 25)]),
        ("в течение 10 дней после 25.12.2024", vec![d(2025, 1, 4)]),
        ("с 1 марта по 30 апреля 2025 года", vec![d(2025, 4, 30)]),
        ("01.02.2025 – 31.03.2025", vec![d(2025, 3, 31)]),
    ];
    for (text, want) in cases {
        let dl = Deadline::parse(text);
        assert!(dl.is_recognised(), "«{text}»: {dl:?}");
        let ctx = ctx_for(d(2025, 1, 1), (2025, 2025), &events);
        match dl.resolve(&ctx) {
            Resolution::Due { all, .. } => assert_eq!(all, want, "«{text}»"),
            other => panic!("«{text}»: {other:?}"),
        }
    }
    let dl = Deadline::parse("по мере необходимости");
    assert_eq!(dl.kind_ru(), "по мере необходимости");
    let ctx = ctx_for(d(2025, 1, 1), (2025, 2025), &events);
    assert_eq!(dl.resolve(&ctx), Resolution::AsNeeded);
    assert_eq!(
        item_state(ItemStatus::Planned, None, &dl, &ctx, 30).label_ru(),
        "по мере необходимости"
    );
    // «после 25.12.2024» is a date, not the name of an event.
    assert!(
        !Deadline::parse("в течение 5 дней после 25.12.2024")
            .parts
            .iter()
            .any(|p| matches!(p, Part::AfterEvent { .. }))
    );
}

/// A clause nobody reads is never dropped: the reading is flagged and gives no date.
#[test]
fn unread_clauses_flag_the_reading() {
    let events = Events::new();
    for text in [
        "ежеквартально до 10 числа последнего месяца квартала",
        "до 01.03.2025 (приказ № 15)",
        "IV квартал 2025 г., 3 декада",
    ] {
        let dl = Deadline::parse(text);
        assert!(!dl.is_recognised(), "«{text}»: {dl:?}");
        assert!(!dl.unread.is_empty(), "«{text}»");
        assert!(dl.describe(None).contains("не понято"), "«{text}»");
        let ctx = ctx_for(d(2025, 1, 1), (2025, 2025), &events);
        assert_eq!(dl.resolve(&ctx), Resolution::Unrecognised, "«{text}»");
    }
}
