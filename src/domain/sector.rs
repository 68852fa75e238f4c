//! Sectors of the social sphere (сферы) assessed by НОК УОУ.

use std::fmt;
use std::str::FromStr;

/// A sector (сфера) whose organizations are assessed. Each sector has its own scoring profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sector {
    /// Социальное обслуживание.
    Social,
    /// Охрана здоровья.
    Health,
    /// Культура.
    Culture,
    /// Образование.
    Education,
}

impl Sector {
    /// All sectors in their usual order.
    pub const ALL: [Sector; 4] = [
        Sector::Social,
        Sector::Health,
        Sector::Culture,
        Sector::Education,
    ];

    /// Stable code used in files and the database.
    pub fn code(self) -> &'static str {
        match self {
            Sector::Social => "social",
            Sector::Health => "health",
            Sector::Culture => "culture",
            Sector::Education => "education",
        }
    }

    /// Russian name as shown to users.
    pub fn name_ru(self) -> &'static str {
        match self {
            Sector::Social => "социальное обслуживание",
            Sector::Health => "охрана здоровья",
            Sector::Culture => "культура",
            Sector::Education => "образование",
        }
    }

    /// Parses a code (`social`) or a Russian name (`культура`, case-insensitive).
    pub fn parse(text: &str) -> Option<Sector> {
        let t = text.trim().to_lowercase();
        Sector::ALL
            .into_iter()
            .find(|s| s.code() == t || s.name_ru() == t)
    }
}

impl Sector {
    /// Recognizes a sector as registries and spreadsheets name it: a code or name as
    /// [`Sector::parse`] takes it, or a phrase naming exactly one sector by its word stem
    /// («Культура и искусство», «Дополнительное образование», «Здравоохранение», «Социальная
    /// защита населения», «Соцобслуживание», «Медицинская организация»). A phrase with the stems
    /// of two sectors («социально-культурная сфера») or of none is not recognized.
    pub fn recognize(text: &str) -> Option<Sector> {
        if let Some(s) = Sector::parse(text) {
            return Some(s);
        }
        let t = text.trim().to_lowercase().replace('ё', "е");
        let stems: [(Sector, &[&str]); 4] = [
            (
                Sector::Social,
                &[
                    "социальн",
                    "соцобслуж",
                    "соцзащит",
                    "соц. обслуж",
                    "соц. защит",
                ],
            ),
            (
                Sector::Health,
                &[
                    "здравоохран",
                    "охрана здоровья",
                    "медицин",
                    "больниц",
                    "поликлин",
                ],
            ),
            (Sector::Culture, &["культур", "музе", "библиотек", "театр"]),
            (
                Sector::Education,
                &[
                    "образован",
                    "школ",
                    "детский сад",
                    "детские сады",
                    "колледж",
                    "техникум",
                ],
            ),
        ];
        let mut found = stems
            .iter()
            .filter(|(_, words)| words.iter().any(|w| t.contains(w)))
            .map(|(s, _)| *s);
        match (found.next(), found.next()) {
            (Some(s), None) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_ru())
    }
}

/// A sector code that is not one of the four.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("неизвестная сфера «{0}»: ожидается social, health, culture или education")]
pub struct UnknownSector(pub String);

impl FromStr for Sector {
    type Err = UnknownSector;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Sector::parse(s).ok_or_else(|| UnknownSector(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in Sector::ALL {
            assert_eq!(Sector::parse(s.code()), Some(s));
            assert_eq!(Sector::parse(&s.name_ru().to_uppercase()), Some(s));
        }
        assert_eq!(Sector::parse("спорт"), None);
    }

    #[test]
    fn recognizes_the_sector_as_registries_name_it() {
        for (text, sector) in [
            ("Культура и искусство", Sector::Culture),
            ("учреждения культуры", Sector::Culture),
            ("Дополнительное образование", Sector::Education),
            ("Общее образование", Sector::Education),
            ("Среднее профессиональное образование", Sector::Education),
            ("Здравоохранение", Sector::Health),
            ("Охрана здоровья граждан", Sector::Health),
            ("Медицинская организация", Sector::Health),
            ("Социальная защита населения", Sector::Social),
            ("Соцобслуживание", Sector::Social),
            ("социальное обслуживание", Sector::Social),
            (" CULTURE ", Sector::Culture),
        ] {
            assert_eq!(Sector::recognize(text), Some(sector), "{text}");
        }
        // Two sectors named, or none: not guessed.
        assert_eq!(Sector::recognize("Социально-культурная сфера"), None);
        assert_eq!(Sector::recognize("Спорт"), None);
        assert_eq!(Sector::recognize(""), None);
    }
}
