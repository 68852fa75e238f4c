//! The Журнал shows every audited field by its Russian name and values as people write them,
//! whatever the stored column is called.

mod common;

use common::*;
use ratatui::crossterm::event::KeyCode;

#[test]
fn journal_names_fields_in_russian() {
    let (_d, mut app) = app_with(|c| {
        let entry = |field: &str, old: &str, new: &str| {
            c.execute(
                "INSERT INTO audit_log (at, os_user, action, entity, entity_id, field, old_value, new_value, note)
                 VALUES ('2026-11-22T09:06:00', 'ivanova', 'update', 'plan_row', 7, ?1, ?2, ?3, '')",
                (field, old, new),
            )
            .unwrap();
        };
        entry("receipt_status", "", "");
        entry("org_id", "3", "4");
        entry("scores_stale", "0", "1");
        entry("status", "planned", "in_progress");
        entry("actual_date", "", "2026-11-20");
        entry("1.1.stand_present", "3", "5");
    });
    type_keys(&mut app, ":журнал");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 200, 50);
    for want in [
        "статус приема порталом: — → —",
        "организация: 3 → 4",
        "баллы устарели: 0 → 1",
        "статус: запланировано → выполняется",
        "дата выполнения: — → 20.11.2026",
        "исходные данные 1.1.stand_present: 3 → 5",
    ] {
        assert!(s.contains(want), "{want}\n{s}");
    }
    for raw in [
        "receipt_status",
        "org_id",
        "scores_stale",
        "actual_date",
        "in_progress",
    ] {
        assert!(!s.contains(raw), "{raw}\n{s}");
    }
}
