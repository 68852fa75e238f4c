//! Correcting one word in the middle of a long measure, in a real terminal (tmux): the real binary
//! on a demo database, the plan row's content form opened from the organization's plan, the
//! cursor taken to the start of the text (Home), moved word by word (Alt+f) to the word, the word
//! deleted forward (Delete) and the new one typed, saved with Ctrl-S. The saved text and its audit
//! row are then read by plain SQL and compared with the text changed by hand in the test. Then
//! two lines are pasted from the terminal (bracketed paste) at the end of the row's shortcoming.

mod tmux_support;

use tmux_support::demo_session;

/// A measure of more than 300 characters, one word per item, no punctuation (so that a word move
/// is one word).
const WORDS: &[&str] = &[
    "Обеспечить",
    "наличие",
    "на",
    "официальном",
    "сайте",
    "организации",
    "актуальной",
    "информации",
    "о",
    "работе",
    "учреждения",
    "включая",
    "сведения",
    "о",
    "материально",
    "техническом",
    "обеспечении",
    "и",
    "доступности",
    "для",
    "инвалидов",
    "а",
    "также",
    "установить",
    "пандус",
    "у",
    "главного",
    "входа",
    "оборудовать",
    "санитарную",
    "комнату",
    "поручнями",
    "разместить",
    "тактильные",
    "таблички",
    "и",
    "провести",
    "обучение",
    "сотрудников",
    "работе",
    "с",
    "посетителями",
    "имеющими",
    "ограничения",
    "по",
    "здоровью",
];

#[test]
fn one_word_in_the_middle_of_a_long_measure_is_corrected_in_tmux() {
    let dir = tempfile::tempdir().unwrap();
    let Some((t, db)) = demo_session("word", dir.path(), 30) else {
        return;
    };
    let long = WORDS.join(" ");
    assert!(long.chars().count() >= 300, "{}", long.chars().count());
    let target = WORDS.iter().position(|w| *w == "пандус").unwrap();
    // Worked out by hand: the same words with «пандус» replaced.
    let mut fixed: Vec<&str> = WORDS.to_vec();
    fixed[target] = "подъемник";
    let expected = fixed.join(" ");

    // An organization with plan rows in the newest cycle; every row of its plan gets the long
    // measure behind the UI's back (the form reads the row when it opens).
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (org, inn, cycle): (i64, String, i64) = conn
        .query_row(
            "SELECT o.id, o.inn, c.id FROM plan_row p
             JOIN organization o ON o.id = p.org_id JOIN cycle c ON c.id = p.cycle_id
             WHERE c.year = (SELECT max(year) FROM cycle)
             GROUP BY o.id ORDER BY o.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    conn.execute(
        "UPDATE plan_row SET measure = ?1 WHERE org_id = ?2 AND cycle_id = ?3",
        rusqlite::params![long, org, cycle],
    )
    .unwrap();
    let versions: std::collections::HashMap<i64, i64> = conn
        .prepare("SELECT id, version FROM plan_row WHERE org_id = ?1 AND cycle_id = ?2")
        .unwrap()
        .query_map([org, cycle], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();

    t.keys(&["2"]);
    t.wait_for("the list", |s| s.contains("строка 1/"));
    t.keys(&["/", &inn]);
    t.wait_for("the search", |s| s.contains(&format!("Поиск: {inn}")));
    t.keys(&["Enter", "Enter"]);
    t.wait_for("the card", |s| s.contains(" карточка · цикл"));
    t.keys(&["Enter"]);
    t.wait_for("the plan lists", |s| s.contains("Заголовок плана"));
    t.keys(&["e"]);
    t.wait_for("the form", |s| s.contains("▶ Номер"));
    t.keys(&["Tab", "Tab", "Tab"]);
    t.wait_for("the measure", |s| s.contains("▶ Мероприятие"));
    t.keys(&["Home"]);
    for _ in 0..target {
        t.keys(&["M-f"]);
    }
    t.run(&[
        "send-keys",
        "-t",
        "nok",
        "-N",
        &"пандус".chars().count().to_string(),
        "DC",
    ]);
    t.keys(&["подъемник"]);
    let s = t.wait_for("the corrected word", |s| s.contains("подъемник"));
    assert!(
        s.contains("подъемник▏"),
        "the cursor after the new word:\n{s}"
    );
    assert!(!s.contains("пандус"), "{s}");
    t.keys(&["C-s"]);
    t.wait_for("the save", |s| s.contains("сохранено: "));

    let saved: Vec<(i64, i64)> = conn
        .prepare("SELECT id, version FROM plan_row WHERE measure = ?1")
        .unwrap()
        .query_map([&expected], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(saved.len(), 1, "one row has the corrected measure");
    let (id, version) = saved[0];
    let audit: Vec<(Option<String>, Option<String>, String)> = conn
        .prepare(
            "SELECT old_value, new_value, os_user FROM audit_log
             WHERE entity = 'plan_row' AND entity_id = ?1 AND field = 'measure'",
        )
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        audit,
        vec![(
            Some(long.clone()),
            Some(expected.clone()),
            "redaktor".to_string()
        )]
    );
    // Only the measure was changed: no other field of the row is in the audit of this save.
    let fields: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'plan_row' AND entity_id = ?1
             AND field <> 'measure' AND at >= (SELECT at FROM audit_log
               WHERE entity = 'plan_row' AND entity_id = ?1 AND field = 'measure')",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fields, 0);
    assert_eq!(version, versions[&id] + 1, "the version went up by one");

    // The same row again: two lines pasted at the end of its shortcoming (a multiline field)
    // arrive as text with the line break kept, not as keys.
    let old: String = conn
        .query_row(
            "SELECT shortcoming FROM plan_row WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    t.keys(&["e"]);
    t.wait_for("the form again", |s| s.contains("▶ Номер"));
    t.keys(&["Tab", "Tab"]);
    t.wait_for("the shortcoming", |s| s.contains("▶ Недостаток"));
    t.run(&["set-buffer", "-b", "nokpaste", " пандус qjk\nвторая строка"]);
    t.run(&["paste-buffer", "-p", "-b", "nokpaste", "-t", "nok"]);
    t.wait_for("the pasted text", |s| s.contains("вторая строка"));
    // In a one-line field a pasted line break is a space: were the paste typed as keys, its
    // Enter would save and close the form.
    let surname: String = conn
        .query_row(
            "SELECT resp_last_name FROM plan_row WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    t.keys(&["Tab", "Tab", "Tab"]);
    t.wait_for("the surname", |s| s.contains("▶ Ответственный: фамилия"));
    t.run(&["set-buffer", "-b", "nokpaste", "\nПетров"]);
    t.run(&["paste-buffer", "-p", "-b", "nokpaste", "-t", "nok"]);
    let s = t.wait_for("the pasted surname", |s| s.contains("Петров"));
    assert!(
        s.contains("▶ Ответственный: фамилия"),
        "the form stays:\n{s}"
    );
    t.keys(&["C-s"]);
    t.wait_for("the second save", |s| s.matches("сохранено: ").count() >= 1);
    let expected = format!("{old} пандус qjk\nвторая строка");
    let got = || -> String {
        conn.query_row(
            "SELECT shortcoming FROM plan_row WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
    };
    for _ in 0..50 {
        if got() == expected {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(got(), expected);
    let surname_now: String = conn
        .query_row(
            "SELECT resp_last_name FROM plan_row WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(surname_now, format!("{surname} Петров").trim());
}
