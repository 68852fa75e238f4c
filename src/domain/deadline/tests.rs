//! Small checks of the pieces; the phrase tables are in `tests/deadline_phrases.rs`.

use super::describe::plural;
use super::parse::classify_event;
use super::*;

#[test]
fn russian_plurals() {
    assert_eq!(plural(1, "день", "дня", "дней"), "1 день");
    assert_eq!(plural(3, "день", "дня", "дней"), "3 дня");
    assert_eq!(plural(5, "день", "дня", "дней"), "5 дней");
    assert_eq!(plural(11, "день", "дня", "дней"), "11 дней");
    assert_eq!(plural(21, "день", "дня", "дней"), "21 день");
}

#[test]
fn events_are_told_apart_by_their_words() {
    assert_eq!(
        classify_event(
            "поступления информации о результатах независимой оценки от Общественного совета"
        ),
        Event::ResultsReceived
    );
    assert_eq!(
        classify_event("поступления предложений"),
        Event::ProposalsReceived
    );
    assert_eq!(
        classify_event("утверждения плана мероприятий"),
        Event::PlanApproved
    );
    assert_eq!(
        classify_event("размещения результатов на bus.gov.ru"),
        Event::ResultsPublished
    );
    assert_eq!(classify_event("заседания"), Event::Other);
}

#[test]
fn words_do_not_pass_for_numbers() {
    // «трудовой», «дворец» share stems with «три», «два»; they are no counts.
    assert_eq!(
        Deadline::parse("трудовой раз в год").parts,
        vec![Part::Recurring(Recurrence::AtLeast {
            times: 1,
            per: Per::Year
        })]
    );
    assert!(
        Deadline::parse("в течение дворца дней после")
            .parts
            .is_empty()
    );
}

#[test]
fn events_keep_the_latest_date_up_to_the_day() {
    let d = |m, day| chrono::NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    let mut e = Events::new();
    e.record(Event::PlanApproved, d(3, 1));
    e.record(Event::PlanApproved, d(1, 10));
    e.record(Event::PlanApproved, d(3, 1));
    assert_eq!(e.latest(Event::PlanApproved, d(2, 1)), Some(d(1, 10)));
    assert_eq!(e.latest(Event::PlanApproved, d(3, 1)), Some(d(3, 1)));
    assert_eq!(e.latest(Event::PlanApproved, d(1, 1)), None);
    assert_eq!(e.latest(Event::ResultsReceived, d(12, 31)), None);
}
