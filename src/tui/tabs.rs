//! The tabs of the UI, in the order the digit keys and Tab go through them, and the screen each
//! opens with. The app addresses a tab by this enum; the command line still finds one by the
//! start of its Russian title, which is what a person types.

use super::screen::Screen;
use super::screens;

/// A tab of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Summary,
    Organizations,
    Rating,
    Plans,
    Workplans,
    Council,
    Journal,
    Exchange,
}

impl Tab {
    /// Every tab, in order: digit key N opens `ALL[N - 1]`.
    pub const ALL: [Tab; 8] = [
        Tab::Summary,
        Tab::Organizations,
        Tab::Rating,
        Tab::Plans,
        Tab::Workplans,
        Tab::Council,
        Tab::Journal,
        Tab::Exchange,
    ];

    /// Its place in the tab bar, from 0.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The screen the tab opens with, its data not yet read.
    pub fn screen(self) -> Box<dyn Screen> {
        match self {
            Tab::Summary => Box::new(screens::summary::SummaryScreen::new()),
            Tab::Organizations => Box::new(screens::organizations::OrganizationsScreen::new()),
            Tab::Rating => Box::new(screens::rating::RatingScreen::new()),
            Tab::Plans => Box::new(screens::plans::PlansScreen::new()),
            Tab::Workplans => Box::new(screens::workplans::WorkplansScreen::new()),
            Tab::Council => Box::new(screens::council::CouncilScreen::new()),
            Tab::Journal => Box::new(screens::journal::JournalScreen::new()),
            Tab::Exchange => Box::new(screens::exchange::ExchangeScreen::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tab_opens_its_own_screen_in_the_order_of_the_tab_bar() {
        let titles: Vec<String> = Tab::ALL.iter().map(|t| t.screen().title()).collect();
        assert_eq!(
            titles,
            [
                "Сводка",
                "Организации",
                "Рейтинг",
                "Планы",
                "Планы органа",
                "Совет",
                "Журнал",
                "Обмен"
            ]
        );
        for (i, tab) in Tab::ALL.iter().enumerate() {
            assert_eq!(tab.index(), i, "{tab:?}");
        }
    }
}
