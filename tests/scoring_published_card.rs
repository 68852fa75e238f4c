//! A card as operators publish it, reproduced to the hundredth: each indicator rounded to two
//! decimals, К from the rounded indicators, S from the rounded К (the 2018 method's rounding
//! order, `from_rounded`). The same counts stored in a database and recomputed give the same
//! values in `score` and `score_part`, read back by plain SQL.
//!
//! No published card with its raw counts was found in the sources available to this project, so
//! this card was constructed: counts of a social-services organization whose shares do not end
//! in two decimals, worked out by hand the way an operator's spreadsheet does.
//!
//! ```text
//! 1.1 = (11/13 + 37/41) / 2 × 100 = (84.6154 + 90.2439) / 2 = 87.4296 → 87.43
//! 1.2 = min(30 × 4, 100)                                    = 100
//! 1.3 = (61/67 + 52/59) / 2 × 100 = (91.0448 + 88.1356) / 2 = 89.5902 → 89.59
//! К1  = 0.3×87.43 + 0.3×100 + 0.4×89.59 = 26.229 + 30 + 35.836 = 92.065 → 92.07
//!       (from the unrounded indicators: 26.2289 + 30 + 35.8361 = 92.0650 − 0.00003 → 92.06)
//! 2.1 = 20 × 3 = 60;  2.2 = 47/53 → 88.68;  2.3 = 71/83 → 85.54
//! К2  = 0.3×60 + 0.4×88.68 + 0.3×85.54 = 18 + 35.472 + 25.662 = 79.134 → 79.13
//! 3.1 = 20 × 2 = 40;  3.2 = 20 × 1 = 20;  3.3 = 5/7 → 71.43
//! К3  = 12 + 8 + 0.3×71.43 = 41.429 → 41.43
//! 4.1 = 89/97 → 91.75;  4.2 = 93/101 → 92.08;  4.3 = 13/15 → 86.67
//! К4  = 0.4×91.75 + 0.4×92.08 + 0.2×86.67 = 36.7 + 36.832 + 17.334 = 90.866 → 90.87
//! 5.1 = 83/97 → 85.57;  5.2 = 90/101 → 89.11;  5.3 = 92/103 → 89.32
//! К5  = 0.3×85.57 + 0.2×89.11 + 0.5×89.32 = 25.671 + 17.822 + 44.66 = 88.153 → 88.15
//! S   = (92.07 + 79.13 + 41.43 + 90.87 + 88.15) / 5 = 391.65 / 5 = 78.33
//! ```

use nok::domain::methodology::{BUILTIN_2018, Methodology, RoundingOrder};
use nok::domain::scoring::{Inputs, score};
use nok::domain::sector::Sector;

/// The card's counts, with the first `present_3_2` of the six 3.2 items marked (the card has one).
fn card_pairs(present_3_2: usize) -> Vec<(String, f64)> {
    let mut pairs: Vec<(String, f64)> = [
        ("1.1.stand_present", 11.0),
        ("1.1.stand_required", 13.0),
        ("1.1.site_present", 37.0),
        ("1.1.site_required", 41.0),
        ("1.3.yes_stand", 61.0),
        ("1.3.asked_stand", 67.0),
        ("1.3.yes_site", 52.0),
        ("1.3.asked_site", 59.0),
        ("2.2.yes", 47.0),
        ("2.2.asked", 53.0),
        ("2.3.yes", 71.0),
        ("2.3.asked", 83.0),
        ("3.3.yes", 5.0),
        ("3.3.asked", 7.0),
        ("4.1.yes", 89.0),
        ("4.1.asked", 97.0),
        ("4.2.yes", 93.0),
        ("4.2.asked", 101.0),
        ("4.3.yes", 13.0),
        ("4.3.asked", 15.0),
        ("5.1.yes", 83.0),
        ("5.1.asked", 97.0),
        ("5.2.yes", 90.0),
        ("5.2.asked", 101.0),
        ("5.3.yes", 92.0),
        ("5.3.asked", 103.0),
    ]
    .iter()
    .map(|&(k, v)| (k.to_string(), v))
    .collect();
    let checklist = |prefix: &str, keys: &[&str], present: usize| -> Vec<(String, f64)> {
        keys.iter()
            .enumerate()
            .map(|(i, k)| (format!("{prefix}.{k}"), if i < present { 1.0 } else { 0.0 }))
            .collect()
    };
    pairs.extend(checklist(
        "1.2",
        &[
            "phone",
            "email",
            "e_services",
            "faq",
            "opinion_form",
            "other_remote",
        ],
        4,
    ));
    pairs.extend(checklist(
        "2.1",
        &[
            "rest_zone",
            "navigation",
            "drinking_water",
            "sanitary_rooms",
            "sanitary_state",
            "transport",
            "booking",
        ],
        3,
    ));
    pairs.extend(checklist(
        "3.1",
        &[
            "ramps",
            "parking",
            "lifts_handrails",
            "wheelchairs",
            "adapted_sanitary",
        ],
        2,
    ));
    pairs.extend(checklist(
        "3.2",
        &[
            "sound_visual",
            "braille",
            "sign_language",
            "low_vision_site",
            "escort",
            "remote_service",
        ],
        present_3_2,
    ));
    pairs
}

fn inputs() -> Inputs {
    Inputs::from_pairs(card_pairs(1))
}

fn method() -> Methodology {
    Methodology::from_toml("data/methodology/2018.toml", BUILTIN_2018).unwrap()
}

#[test]
fn the_2018_method_reproduces_the_card_to_the_hundredth() {
    let m = method();
    assert_eq!(m.rounding.order, RoundingOrder::FromRounded);
    let card = score(&m, Sector::Social, "ГБУ СО", &inputs()).unwrap();
    let indicators: Vec<(&str, f64)> = card
        .indicators
        .iter()
        .map(|i| (i.code.as_str(), i.value))
        .collect();
    assert_eq!(
        indicators,
        [
            ("1.1", 87.43),
            ("1.2", 100.0),
            ("1.3", 89.59),
            ("2.1", 60.0),
            ("2.2", 88.68),
            ("2.3", 85.54),
            ("3.1", 40.0),
            ("3.2", 20.0),
            ("3.3", 71.43),
            ("4.1", 91.75),
            ("4.2", 92.08),
            ("4.3", 86.67),
            ("5.1", 85.57),
            ("5.2", 89.11),
            ("5.3", 89.32),
        ]
    );
    let criteria: Vec<f64> = card.criteria.iter().map(|c| c.value).collect();
    assert_eq!(criteria, [92.07, 79.13, 41.43, 90.87, 88.15]);
    assert_eq!(card.total, 78.33);
}

#[test]
fn from_unrounded_values_the_same_counts_give_another_k1() {
    let mut m = method();
    m.rounding.order = RoundingOrder::FromRaw;
    let card = score(&m, Sector::Social, "ГБУ СО", &inputs()).unwrap();
    assert_eq!(card.criterion("К1"), Some(92.06));
    assert_eq!(card.total, 78.33);
}

/// Scores stored by a recompute are the card's values worked out by hand, read back by
/// plain SQL: members 10 and 12 have the card's counts (S 78.33, К3 41.43); member 11 has
/// two of the 3.2 items instead of one: 3.2 = 20 × 2 = 40, К3 = 0.3×40 + 0.4×40 + 0.3×71.43
/// = 49.429 → 49.43, S = (92.07 + 79.13 + 49.43 + 90.87 + 88.15) / 5 = 399.65 / 5 = 79.93.
/// Input keys are numbered against name order, as a database that grew over time numbers them.
#[test]
fn stored_scores_are_the_values_worked_out_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = nok::store::open(&dir.path().join("d.sqlite")).unwrap();
    conn.execute_batch(
        "INSERT INTO authority (id, name, short_name, region, inn, kpp, ogrn)
             VALUES (1, 'Комитет полностью', 'Комитет', 'Область', '7701234567', '770101001', '1027700132195');
         INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
             VALUES (5, 2024, 'social', 1, 'Область', 'collecting', '2018');
         INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region)
             VALUES (1, 'Первое', 'Первое', '7701234568', '770101001', '1027700132196', '12345678', 'social', 'Область'),
                    (2, 'Второе', 'Второе', '7701234569', '770101001', '1027700132197', '12345679', 'social', 'Область'),
                    (3, 'Третье', 'Третье', '7701234570', '770101001', '1027700132198', '12345670', 'social', 'Область');
         INSERT INTO membership (id, cycle_id, org_id, grp) VALUES (10, 5, 1, 'x'), (11, 5, 2, 'x'), (12, 5, 3, 'x');",
    )
    .unwrap();
    let mut names: Vec<String> = card_pairs(1).into_iter().map(|(k, _)| k).collect();
    names.sort();
    names.reverse();
    for name in &names {
        conn.execute("INSERT INTO input_key (key) VALUES (?1)", [name])
            .unwrap();
    }
    for (member, present) in [(10, 1), (11, 2), (12, 1)] {
        for (key, value) in card_pairs(present) {
            conn.execute(
                "INSERT INTO indicator_input (membership_id, key_id, value)
                 SELECT ?1, id, ?3 FROM input_key WHERE key = ?2",
                rusqlite::params![member, key, value],
            )
            .unwrap();
        }
    }
    let methods = nok::service::methodology::Methods::builtin().unwrap();
    let done = nok::service::recompute::recompute_cycle(&mut conn, &methods, 5).unwrap();
    assert_eq!((done.scored, done.failed.len()), (3, 0));
    let scores: Vec<(i64, f64, u32, u32, u32, u32)> = conn
        .prepare(
            "SELECT membership_id, total, place, ranked, group_place, group_ranked
             FROM score ORDER BY membership_id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        scores,
        [
            (10, 78.33, 2, 3, 2, 3),
            (11, 79.93, 1, 3, 1, 3),
            (12, 78.33, 2, 3, 2, 3)
        ]
    );
    let part = |member: i64, code: &str| -> (f64, Option<u32>) {
        conn.query_row(
            "SELECT value, place FROM score_part WHERE membership_id = ?1 AND code = ?2",
            rusqlite::params![member, code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    for member in [10, 12] {
        assert_eq!(part(member, "К1"), (92.07, Some(1)));
        assert_eq!(part(member, "К3"), (41.43, Some(2)));
        assert_eq!(part(member, "3.2"), (20.0, None));
        assert_eq!(part(member, "1.1"), (87.43, None));
    }
    assert_eq!(part(11, "К3"), (49.43, Some(1)));
    assert_eq!(part(11, "3.2"), (40.0, None));
    assert_eq!(part(11, "К5"), (88.15, Some(1)));
}
