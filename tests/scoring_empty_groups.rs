//! Empty groups (0 answered) under the shipped 2018 method: every case of the indicators'
//! `when_empty` rules (0, 100, left out with its weight spread, one share of a pair left out,
//! the whole criterion left out, impossible inputs) against values worked out on paper below.
//!
//! The base assessments are the social-services and culture examples of `src/domain/scoring.rs`
//! (the same counts, repeated here). Every value is rounded to two decimals half away from zero;
//! the 2018 method computes К from the rounded indicators and S from the rounded К.
//!
//! ```text
//! Social base: 1.1 90, 1.2 90, 1.3 91.25 (45/50, 37/40), 2.1 80, 2.2 87.5, 2.3 82.5, 3.1 40,
//!              3.2 60, 3.3 37.5, 4.1 95, 4.2 97.5, 4.3 90, 5.1 85, 5.2 90, 5.3 95.13
//!              К1 90.5, К2 83.75, К3 47.25, К4 95, К5 91.07 (0.3×85 + 0.2×90 + 0.5×95.13 = 91.065)
//!              S = 407.57 / 5 = 81.514 → 81.51
//! Health base: К1 83.25, К2 90.34, К3 62, К4 76.8, К5 87; 2.2 = (80.09 + 433/500×100)/2 = 83.35
//! Culture base: К1 92.38, К2 86.13, К3 46 (3.1 40, 3.2 40, 3.3 60), К4 90 (4.1 90, 4.2 95,
//!              4.3 80), К5 85.52; S = 400.03 / 5 = 80.006 → 80.01
//! ```

use nok::domain::methodology::{BUILTIN_2018, Methodology, WhenEmpty};
use nok::domain::scoring::{InputProblem, Inputs, ScoreCard, combine_parts, score};
use nok::domain::sector::Sector;

fn method() -> Methodology {
    Methodology::from_toml("data/methodology/2018.toml", BUILTIN_2018).unwrap()
}

/// The method with `when_empty` of indicators `codes` replaced (a region's setting).
fn method_with(codes: &[&str], rule: WhenEmpty) -> Methodology {
    let mut m = method();
    for d in m
        .indicators
        .iter_mut()
        .filter(|d| codes.contains(&d.code.as_str()))
    {
        d.when_empty = rule;
    }
    m
}

fn marks(prefix: &str, keys: &[&str], present: usize) -> Vec<(String, f64)> {
    keys.iter()
        .enumerate()
        .map(|(i, k)| (format!("{prefix}.{k}"), if i < present { 1.0 } else { 0.0 }))
        .collect()
}

fn with_checklists(counts: &[(&str, f64)], checklists: [usize; 4]) -> Inputs {
    let mut all: Vec<(String, f64)> = counts.iter().map(|&(k, v)| (k.to_string(), v)).collect();
    let channels = [
        "phone",
        "email",
        "e_services",
        "faq",
        "opinion_form",
        "other_remote",
    ];
    let conditions = [
        "rest_zone",
        "navigation",
        "drinking_water",
        "sanitary_rooms",
        "sanitary_state",
        "transport",
        "booking",
    ];
    let premises = [
        "ramps",
        "parking",
        "lifts_handrails",
        "wheelchairs",
        "adapted_sanitary",
    ];
    let equal = [
        "sound_visual",
        "braille",
        "sign_language",
        "low_vision_site",
        "escort",
        "remote_service",
    ];
    all.extend(marks("1.2", &channels, checklists[0]));
    all.extend(marks("2.1", &conditions, checklists[1]));
    all.extend(marks("3.1", &premises, checklists[2]));
    all.extend(marks("3.2", &equal, checklists[3]));
    Inputs::from_pairs(all)
}

fn social() -> Inputs {
    with_checklists(
        &[
            ("1.1.stand_present", 9.0),
            ("1.1.stand_required", 10.0),
            ("1.1.site_present", 18.0),
            ("1.1.site_required", 20.0),
            ("1.3.yes_stand", 45.0),
            ("1.3.asked_stand", 50.0),
            ("1.3.yes_site", 37.0),
            ("1.3.asked_site", 40.0),
            ("2.2.yes", 7.0),
            ("2.2.asked", 8.0),
            ("2.3.yes", 33.0),
            ("2.3.asked", 40.0),
            ("3.3.yes", 3.0),
            ("3.3.asked", 8.0),
            ("4.1.yes", 19.0),
            ("4.1.asked", 20.0),
            ("4.2.yes", 39.0),
            ("4.2.asked", 40.0),
            ("4.3.yes", 9.0),
            ("4.3.asked", 10.0),
            ("5.1.yes", 17.0),
            ("5.1.asked", 20.0),
            ("5.2.yes", 9.0),
            ("5.2.asked", 10.0),
            ("5.3.yes", 761.0),
            ("5.3.asked", 800.0),
        ],
        [3, 4, 2, 3],
    )
}

fn health() -> Inputs {
    with_checklists(
        &[
            ("1.1.stand_present", 8.0),
            ("1.1.stand_required", 10.0),
            ("1.1.site_present", 15.0),
            ("1.1.site_required", 20.0),
            ("1.3.yes_stand", 30.0),
            ("1.3.asked_stand", 40.0),
            ("1.3.yes_site", 18.0),
            ("1.3.asked_site", 24.0),
            ("2.2.waiting_points", 80.09),
            ("2.2.yes", 433.0),
            ("2.2.asked", 500.0),
            ("2.3.yes", 45.0),
            ("2.3.asked", 50.0),
            ("3.3.yes", 4.0),
            ("3.3.asked", 5.0),
            ("4.1.yes", 49.0),
            ("4.1.asked", 50.0),
            ("4.2.yes", 47.0),
            ("4.2.asked", 50.0),
            ("4.3.yes", 0.0),
            ("4.3.asked", 10.0),
            ("5.1.yes", 45.0),
            ("5.1.asked", 50.0),
            ("5.2.yes", 40.0),
            ("5.2.asked", 50.0),
            ("5.3.yes", 44.0),
            ("5.3.asked", 50.0),
        ],
        [4, 7, 5, 1],
    )
}

fn culture() -> Inputs {
    with_checklists(
        &[
            ("1.1.stand_present", 9.0),
            ("1.1.stand_required", 10.0),
            ("1.1.site_present", 18.0),
            ("1.1.site_required", 20.0),
            ("1.3.yes_stand", 147.0),
            ("1.3.asked_stand", 160.0),
            ("1.3.yes_site", 40.0),
            ("1.3.asked_site", 40.0),
            ("2.3.yes", 369.0),
            ("2.3.asked", 400.0),
            ("3.3.yes", 3.0),
            ("3.3.asked", 5.0),
            ("4.1.yes", 9.0),
            ("4.1.asked", 10.0),
            ("4.2.yes", 19.0),
            ("4.2.asked", 20.0),
            ("4.3.yes", 4.0),
            ("4.3.asked", 5.0),
            ("5.1.yes", 4.0),
            ("5.1.asked", 5.0),
            ("5.2.yes", 9.0),
            ("5.2.asked", 10.0),
            ("5.3.yes", 544.0),
            ("5.3.asked", 625.0),
        ],
        [3, 4, 2, 2],
    )
}

/// One case: the base, what is set to what, the method, and the values worked out on paper.
struct Case {
    name: &'static str,
    sector: Sector,
    base: fn() -> Inputs,
    set: &'static [(&'static str, f64)],
    method: fn() -> Methodology,
    /// Indicators checked: code → value, or `None` when left out.
    indicators: &'static [(&'static str, Option<f64>)],
    criteria: [f64; 5],
    total: f64,
    /// (indicator, denominator key, rule, whole indicator left out, note on the card).
    empty: &'static [(&'static str, &'static str, WhenEmpty, bool, &'static str)],
}

const LEFT_OUT: &str =
    "показатель не учитывается, его вес распределен между остальными показателями критерия";

fn cases() -> Vec<Case> {
    vec![
        // К3 = (0.3×40 + 0.4×60) / 0.7 = 36 / 0.7 = 51.428… → 51.43
        // S = (90.5 + 83.75 + 51.43 + 95 + 91.07) / 5 = 411.75 / 5 = 82.35
        Case {
            name: "3.3: нет опрошенных инвалидов (не учитывается)",
            sector: Sector::Social,
            base: social,
            set: &[("3.3.yes", 0.0), ("3.3.asked", 0.0)],
            method,
            indicators: &[("3.1", Some(40.0)), ("3.2", Some(60.0)), ("3.3", None)],
            criteria: [90.5, 83.75, 51.43, 95.0, 91.07],
            total: 82.35,
            empty: &[(
                "3.3",
                "3.3.asked",
                WhenEmpty::Exclude,
                true,
                "нет опрошенных инвалидов — показатель не учитывается, его вес распределен между \
                 остальными показателями критерия",
            )],
        },
        // К4 = (0.4×95 + 0.4×97.5) / 0.8 = 77 / 0.8 = 96.25
        // S = (90.5 + 83.75 + 47.25 + 96.25 + 91.07) / 5 = 408.82 / 5 = 81.764 → 81.76
        Case {
            name: "4.3: никто не пользовался дистанционными формами",
            sector: Sector::Social,
            base: social,
            set: &[("4.3.yes", 0.0), ("4.3.asked", 0.0)],
            method,
            indicators: &[("4.1", Some(95.0)), ("4.2", Some(97.5)), ("4.3", None)],
            criteria: [90.5, 83.75, 47.25, 96.25, 91.07],
            total: 81.76,
            empty: &[("4.3", "4.3.asked", WhenEmpty::Exclude, true, "")],
        },
        // 1.3 = 37/40 × 100 = 92.5 (the stand share left out)
        // К1 = 0.3×90 + 0.3×90 + 0.4×92.5 = 27 + 27 + 37 = 91
        // S = (91 + 83.75 + 47.25 + 95 + 91.07) / 5 = 408.07 / 5 = 81.614 → 81.61
        Case {
            name: "1.3: никто не смотрел стенды (доля не учитывается)",
            sector: Sector::Social,
            base: social,
            set: &[("1.3.yes_stand", 0.0), ("1.3.asked_stand", 0.0)],
            method,
            indicators: &[("1.3", Some(92.5))],
            criteria: [91.0, 83.75, 47.25, 95.0, 91.07],
            total: 81.61,
            empty: &[(
                "1.3",
                "1.3.asked_stand",
                WhenEmpty::Exclude,
                false,
                "нет ответивших об информации на стендах — эта доля не учитывается, показатель \
                 рассчитан по остальным",
            )],
        },
        // 1.3 left out: К1 = (27 + 27) / 0.6 = 90
        // S = (90 + 83.75 + 47.25 + 95 + 91.07) / 5 = 407.07 / 5 = 81.414 → 81.41
        Case {
            name: "1.3: ни стенды, ни сайт (показатель не учитывается)",
            sector: Sector::Social,
            base: social,
            set: &[
                ("1.3.yes_stand", 0.0),
                ("1.3.asked_stand", 0.0),
                ("1.3.yes_site", 0.0),
                ("1.3.asked_site", 0.0),
            ],
            method,
            indicators: &[("1.1", Some(90.0)), ("1.2", Some(90.0)), ("1.3", None)],
            criteria: [90.0, 83.75, 47.25, 95.0, 91.07],
            total: 81.41,
            empty: &[
                ("1.3", "1.3.asked_stand", WhenEmpty::Exclude, true, ""),
                ("1.3", "1.3.asked_site", WhenEmpty::Exclude, true, ""),
            ],
        },
        // 1.3 = (100 + 92.5) / 2 = 96.25; К1 = 27 + 27 + 38.5 = 92.5
        // S = (92.5 + 83.75 + 47.25 + 95 + 91.07) / 5 = 409.57 / 5 = 81.914 → 81.91
        Case {
            name: "1.3 по региональной настройке «100»: пустая доля стендов = 100",
            sector: Sector::Social,
            base: social,
            set: &[("1.3.yes_stand", 0.0), ("1.3.asked_stand", 0.0)],
            method: || method_with(&["1.3"], WhenEmpty::Hundred),
            indicators: &[("1.3", Some(96.25))],
            criteria: [92.5, 83.75, 47.25, 95.0, 91.07],
            total: 81.91,
            empty: &[(
                "1.3",
                "1.3.asked_stand",
                WhenEmpty::Hundred,
                false,
                "нет ответивших об информации на стендах — эта доля считается равной 100",
            )],
        },
        // 2.3 = 0; К2 = 0.3×80 + 0.4×87.5 + 0.3×0 = 24 + 35 = 59
        // S = (90.5 + 59 + 47.25 + 95 + 91.07) / 5 = 382.82 / 5 = 76.564 → 76.56
        Case {
            name: "2.3: никто не ответил о комфортности (считается 0)",
            sector: Sector::Social,
            base: social,
            set: &[("2.3.yes", 0.0), ("2.3.asked", 0.0)],
            method,
            indicators: &[("2.3", Some(0.0))],
            criteria: [90.5, 59.0, 47.25, 95.0, 91.07],
            total: 76.56,
            empty: &[(
                "2.3",
                "2.3.asked",
                WhenEmpty::Zero,
                false,
                "нет ответивших о комфортности — показатель считается равным 0",
            )],
        },
        // 3.3 = 100; К3 = 12 + 24 + 30 = 66
        // S = (90.5 + 83.75 + 66 + 95 + 91.07) / 5 = 426.32 / 5 = 85.264 → 85.26
        Case {
            name: "3.3 по региональной настройке «100»",
            sector: Sector::Social,
            base: social,
            set: &[("3.3.yes", 0.0), ("3.3.asked", 0.0)],
            method: || method_with(&["3.3"], WhenEmpty::Hundred),
            indicators: &[("3.3", Some(100.0))],
            criteria: [90.5, 83.75, 66.0, 95.0, 91.07],
            total: 85.26,
            empty: &[(
                "3.3",
                "3.3.asked",
                WhenEmpty::Hundred,
                false,
                "нет опрошенных инвалидов — показатель считается равным 100",
            )],
        },
        // 3.3 = 0; К3 = 12 + 24 + 0 = 36
        // S = (90.5 + 83.75 + 36 + 95 + 91.07) / 5 = 396.32 / 5 = 79.264 → 79.26
        Case {
            name: "3.3 по региональной настройке «0»",
            sector: Sector::Social,
            base: social,
            set: &[("3.3.yes", 0.0), ("3.3.asked", 0.0)],
            method: || method_with(&["3.3"], WhenEmpty::Zero),
            indicators: &[("3.3", Some(0.0))],
            criteria: [90.5, 83.75, 36.0, 95.0, 91.07],
            total: 79.26,
            empty: &[("3.3", "3.3.asked", WhenEmpty::Zero, false, "")],
        },
        // Health 2.2 = (80.09 + 0) / 2 = 40.045 → 40.05; К2 = 30 + 0.4×40.05 + 27 = 73.02
        // S = (83.25 + 73.02 + 62 + 76.8 + 87) / 5 = 382.07 / 5 = 76.414 → 76.41
        Case {
            name: "здравоохранение 2.2: никто не ответил о сроке ожидания (доля = 0)",
            sector: Sector::Health,
            base: health,
            set: &[("2.2.yes", 0.0), ("2.2.asked", 0.0)],
            method,
            indicators: &[("2.2", Some(40.05))],
            criteria: [83.25, 73.02, 62.0, 76.8, 87.0],
            total: 76.41,
            empty: &[(
                "2.2",
                "2.2.asked",
                WhenEmpty::Zero,
                false,
                "нет ответивших о сроке ожидания — эта доля считается равной 0",
            )],
        },
        // Health 2.2 = 80.09 alone; К2 = 30 + 0.4×80.09 + 27 = 89.036 → 89.04
        // S = (83.25 + 89.04 + 62 + 76.8 + 87) / 5 = 398.09 / 5 = 79.618 → 79.62
        Case {
            name: "здравоохранение 2.2 по региональной настройке «не учитывать»",
            sector: Sector::Health,
            base: health,
            set: &[("2.2.yes", 0.0), ("2.2.asked", 0.0)],
            method: || method_with(&["2.2"], WhenEmpty::Exclude),
            indicators: &[("2.2", Some(80.09))],
            criteria: [83.25, 89.04, 62.0, 76.8, 87.0],
            total: 79.62,
            empty: &[("2.2", "2.2.asked", WhenEmpty::Exclude, false, "")],
        },
        // Culture: К3 = (12 + 16) / 0.7 = 40; К4 = (36 + 38) / 0.8 = 92.5
        // S = (92.38 + 86.13 + 40 + 92.5 + 85.52) / 5 = 396.53 / 5 = 79.306 → 79.31
        Case {
            name: "культура: нет ни инвалидов, ни дистанционных обращений",
            sector: Sector::Culture,
            base: culture,
            set: &[
                ("3.3.yes", 0.0),
                ("3.3.asked", 0.0),
                ("4.3.yes", 0.0),
                ("4.3.asked", 0.0),
            ],
            method,
            indicators: &[("3.3", None), ("4.3", None), ("4.1", Some(90.0))],
            criteria: [92.38, 86.13, 40.0, 92.5, 85.52],
            total: 79.31,
            empty: &[
                ("3.3", "3.3.asked", WhenEmpty::Exclude, true, ""),
                ("4.3", "4.3.asked", WhenEmpty::Exclude, true, ""),
            ],
        },
        // Education scores like culture.
        Case {
            name: "образование: нет опрошенных инвалидов",
            sector: Sector::Education,
            base: culture,
            set: &[("3.3.yes", 0.0), ("3.3.asked", 0.0)],
            method,
            indicators: &[("3.3", None)],
            // S = (92.38 + 86.13 + 40 + 90 + 85.52) / 5 = 394.03 / 5 = 78.806 → 78.81
            criteria: [92.38, 86.13, 40.0, 90.0, 85.52],
            total: 78.81,
            empty: &[("3.3", "3.3.asked", WhenEmpty::Exclude, true, "")],
        },
    ]
}

fn check(case: &Case, card: &ScoreCard) {
    let n = case.name;
    for &(code, want) in case.indicators {
        assert_eq!(card.indicator(code), want, "{n}: indicator {code}");
    }
    let criteria: Vec<f64> = card.criteria.iter().map(|c| c.value).collect();
    assert_eq!(criteria, case.criteria, "{n}: criteria");
    assert_eq!(card.total, case.total, "{n}: total");
    assert_eq!(card.empty.len(), case.empty.len(), "{n}: {:?}", card.empty);
    for (got, &(indicator, key, rule, left_out, note)) in card.empty.iter().zip(case.empty) {
        assert_eq!(
            (
                got.indicator.as_str(),
                got.key.as_str(),
                got.rule,
                got.indicator_left_out
            ),
            (indicator, key, rule, left_out),
            "{n}"
        );
        if !note.is_empty() {
            assert_eq!(got.note, note, "{n}");
        }
        if left_out {
            assert!(got.note.ends_with(LEFT_OUT), "{n}: {}", got.note);
        }
    }
}

#[test]
fn every_empty_group_case_against_values_worked_on_paper() {
    for case in cases() {
        let mut inputs = (case.base)();
        for &(k, v) in case.set {
            inputs.set(k, v);
        }
        let card = score(&(case.method)(), case.sector, "Организация", &inputs)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        check(&case, &card);
    }
}

#[test]
fn impossible_inputs_still_stop_scoring_with_the_same_messages() {
    let m = method();
    // More satisfied than asked, with nobody asked.
    let mut inputs = social();
    inputs.set("3.3.yes", 1.0);
    inputs.set("3.3.asked", 0.0);
    let e = score(&m, Sector::Social, "ГБУ СО «КЦСОН»", &inputs).unwrap_err();
    assert_eq!(e.key, "3.3.yes");
    assert_eq!(
        e.to_string(),
        "«ГБУ СО «КЦСОН»», показатель 3.3, поле 3.3.yes («Число удовлетворенных доступностью \
         (из опрошенных инвалидов)»): значение 1 больше знаменателя — поля 3.3.asked («Число \
         ответивших опрошенных инвалидов») = 0; числитель не может его превышать, проверьте ввод"
    );
    // A negative count.
    let mut inputs = social();
    inputs.set("4.3.asked", -1.0);
    let e = score(&m, Sector::Social, "А", &inputs).unwrap_err();
    assert_eq!(
        (e.key.as_str(), &*e.problem),
        ("4.3.asked", &InputProblem::Negative(-1.0))
    );
    // The required lists of 1.1 are never empty.
    let mut inputs = social();
    inputs.set("1.1.stand_present", 0.0);
    inputs.set("1.1.stand_required", 0.0);
    let e = score(&m, Sector::Social, "А", &inputs).unwrap_err();
    assert_eq!(
        (e.key.as_str(), &*e.problem),
        ("1.1.stand_required", &InputProblem::ZeroDenominator)
    );
}

#[test]
fn a_criterion_with_every_indicator_left_out_is_an_error() {
    // A region that leaves out every empty group of К4, with no survey at all.
    let m = method_with(&["4.1", "4.2", "4.3"], WhenEmpty::Exclude);
    let mut inputs = social();
    for k in ["4.1", "4.2", "4.3"] {
        inputs.set(format!("{k}.yes"), 0.0);
        inputs.set(format!("{k}.asked"), 0.0);
    }
    let e = score(&m, Sector::Social, "А", &inputs).unwrap_err();
    assert_eq!(e.key, "К4");
    assert_eq!(*e.problem, InputProblem::CriterionEmpty);
    assert!(
        e.to_string()
            .contains("все показатели критерия не учитываются")
    );
}

#[test]
fn every_survey_indicator_declares_its_rule_and_basis() {
    let m = method();
    for d in &m.indicators {
        let survey = !d.inputs.is_empty();
        if survey {
            assert!(!d.when_empty_basis.is_empty(), "{}", d.code);
        }
    }
    let rule = |code: &str| {
        m.indicators
            .iter()
            .find(|d| d.code == code)
            .map(|d| d.when_empty)
            .unwrap()
    };
    assert_eq!(rule("1.1"), WhenEmpty::Error);
    assert_eq!(rule("1.3"), WhenEmpty::Exclude);
    assert_eq!(rule("3.3"), WhenEmpty::Exclude);
    assert_eq!(rule("4.3"), WhenEmpty::Exclude);
    for code in ["2.2", "2.3", "4.1", "4.2", "5.1", "5.2", "5.3"] {
        assert_eq!(rule(code), WhenEmpty::Zero, "{code}");
    }
}

/// A mixed health organization, outpatient and inpatient care surveyed apart (parts): the
/// organization's indicators are the means of the parts'.
///
/// ```text
/// Outpatient: the health base, 2.2 = 83.35, К2 = 90.34, S = 79.88
/// Inpatient: waiting points 60: 2.2 = (60 + 86.6)/2 = 73.3; К2 = 30 + 29.32 + 27 = 86.32;
///            S = (83.25 + 86.32 + 62 + 76.8 + 87)/5 = 395.37/5 = 79.074 → 79.07
/// Organization: 2.2 = (83.35 + 73.3)/2 = 78.325 → 78.33; К2 = 30 + 31.332 + 27 = 88.332 → 88.33
///               S = (83.25 + 88.33 + 62 + 76.8 + 87)/5 = 397.38/5 = 79.476 → 79.48
/// ```
#[test]
fn a_mixed_health_organization_is_the_mean_of_its_outpatient_and_inpatient_parts() {
    let m = method();
    let outpatient = score(&m, Sector::Health, "амбулаторно", &health()).unwrap();
    let mut inputs = health();
    inputs.set("2.2.waiting_points", 60.0);
    let inpatient = score(&m, Sector::Health, "стационарно", &inputs).unwrap();
    assert_eq!(outpatient.total, 79.88);
    assert_eq!(inpatient.total, 79.07);
    assert_eq!(inpatient.criterion("К2"), Some(86.32));
    let org = combine_parts(
        &m,
        Sector::Health,
        "ГБУЗ",
        &[("амбулаторно", &outpatient), ("стационарно", &inpatient)],
    )
    .unwrap();
    assert_eq!(org.indicator("2.2"), Some(78.33));
    let criteria: Vec<f64> = org.criteria.iter().map(|c| c.value).collect();
    assert_eq!(criteria, [83.25, 88.33, 62.0, 76.8, 87.0]);
    assert_eq!(org.total, 79.48);
}
