//! Keys → intents. Single-letter commands also work with the Russian layout active (ЙЦУКЕН keys
//! are read as the QWERTY keys in the same place), but never inside a text field.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::msg::{Action, Caret, Mode};

/// The QWERTY key in the same place as a Russian-layout letter (й → q, о → j …); other
/// characters are returned unchanged.
pub fn latin(c: char) -> char {
    const RU: &str = "йцукенгшщзхъфывапролджэячсмитьбюё";
    const EN: &str = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`";
    const RU_UP: &str = "ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ";
    const EN_UP: &str = "QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>~";
    for (ru, en) in [(RU, EN), (RU_UP, EN_UP)] {
        if let Some(i) = ru.chars().position(|r| r == c) {
            return en.chars().nth(i).unwrap_or(c);
        }
    }
    match c {
        // On the Russian layout `.` sits where `/` is, and `,` (Shift) where `?` is.
        '.' => '/',
        ',' => '?',
        c => c,
    }
}

/// The intent of a key press in `mode`.
pub fn action(mode: Mode, key: KeyEvent) -> Option<Action> {
    if mode == Mode::Search
        && let Some(caret) = caret(key)
    {
        return Some(Action::Caret(caret));
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') | KeyCode::Char('с') => Some(Action::Quit),
            KeyCode::Char('f') | KeyCode::Char('а') => Some(Action::PageDown),
            KeyCode::Char('b') | KeyCode::Char('и') => Some(Action::PageUp),
            KeyCode::Char('s') | KeyCode::Char('ы') => Some(Action::Save),
            _ => None,
        };
    }
    match mode {
        Mode::Search => match key.code {
            KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Enter => Some(Action::Accept),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Down => Some(Action::Down),
            KeyCode::Up => Some(Action::Up),
            KeyCode::Tab => Some(Action::NextField),
            KeyCode::BackTab => Some(Action::PrevField),
            KeyCode::Char(c) => Some(Action::Type(c)),
            _ => None,
        },
        Mode::Command => match key.code {
            KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Enter => Some(Action::Accept),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Tab => Some(Action::Complete),
            KeyCode::Char(c) => Some(Action::Type(c)),
            _ => None,
        },
        Mode::Help => match key.code {
            KeyCode::Esc | KeyCode::Enter => Some(Action::Cancel),
            KeyCode::Char(c) if matches!(latin(c), 'q' | '?') => Some(Action::Cancel),
            _ => None,
        },
        Mode::Normal => match key.code {
            KeyCode::Down => Some(Action::Down),
            KeyCode::Up => Some(Action::Up),
            KeyCode::PageDown => Some(Action::PageDown),
            KeyCode::PageUp => Some(Action::PageUp),
            KeyCode::Home => Some(Action::Home),
            KeyCode::End => Some(Action::End),
            KeyCode::Tab => Some(Action::NextScreen),
            KeyCode::BackTab => Some(Action::PrevScreen),
            KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Enter => Some(Action::Accept),
            KeyCode::Backspace | KeyCode::Delete => Some(Action::Backspace),
            KeyCode::Left => Some(Action::Left),
            KeyCode::Right => Some(Action::Right),
            KeyCode::Char(c) => match latin(c) {
                'q' => Some(Action::Quit),
                'j' => Some(Action::Down),
                'k' => Some(Action::Up),
                'g' => Some(Action::Home),
                'G' => Some(Action::End),
                'h' | '[' => Some(Action::Left),
                'l' | ']' => Some(Action::Right),
                '/' => Some(Action::StartSearch),
                ':' => Some(Action::StartCommand),
                '?' => Some(Action::Help),
                's' => Some(Action::SortNext),
                'S' => Some(Action::SortReverse),
                'f' => Some(Action::Filter),
                'e' => Some(Action::Edit),
                'r' => Some(Action::EditIdentity),
                'd' => Some(Action::Delete),
                'a' => Some(Action::Add),
                'p' => Some(Action::DraftPlan),
                'n' => Some(Action::EditShortcomings),
                'c' => Some(Action::EditCycle),
                'u' => Some(Action::Undo),
                'P' => Some(Action::Proposals),
                'x' => Some(Action::Export { xlsx: false }),
                'X' => Some(Action::Export { xlsx: true }),
                d @ '1'..='9' => Some(Action::Screen(d as usize - '1' as usize)),
                _ => None,
            },
            _ => None,
        },
    }
}

/// A key that moves the cursor of a text field (arrows, Home/End, Delete; Ctrl or Alt with an
/// arrow, and Alt+b / Alt+f as in a shell, jump by words).
fn caret(key: KeyEvent) -> Option<Caret> {
    let word = key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    Some(match key.code {
        KeyCode::Left if word => Caret::WordLeft,
        KeyCode::Right if word => Caret::WordRight,
        KeyCode::Left => Caret::Left,
        KeyCode::Right => Caret::Right,
        KeyCode::Home => Caret::Home,
        KeyCode::End => Caret::End,
        KeyCode::Delete => Caret::Delete,
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::ALT) => match latin(c) {
            'b' => Caret::WordLeft,
            'f' => Caret::WordRight,
            _ => return None,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn russian_layout_gives_the_same_commands() {
        assert_eq!(latin('й'), 'q');
        assert_eq!(latin('о'), 'j');
        assert_eq!(latin('л'), 'k');
        assert_eq!(latin('П'), 'G');
        assert_eq!(latin('ы'), 's');
        assert_eq!(latin('.'), '/');
        for (ru, en) in [
            ('й', 'q'),
            ('о', 'j'),
            ('л', 'k'),
            ('п', 'g'),
            ('ы', 's'),
            ('а', 'f'),
        ] {
            assert_eq!(
                action(Mode::Normal, key(ru)),
                action(Mode::Normal, key(en)),
                "{ru}"
            );
        }
    }

    #[test]
    fn letters_are_text_inside_search() {
        assert_eq!(action(Mode::Search, key('й')), Some(Action::Type('й')));
        assert_eq!(action(Mode::Search, key('q')), Some(Action::Type('q')));
    }
}
