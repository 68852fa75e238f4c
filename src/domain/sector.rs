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
}
