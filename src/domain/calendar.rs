//! The Russian production calendar (производственный календарь): which days are working days,
//! given weekends, public holidays (ст. 112 ТК РФ) and the government's yearly transfers of days
//! off. The data is `data/calendar/ru.toml`, one block per year, embedded in the program; a date
//! outside the years it covers is an error that says so, never a guess.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The embedded calendar data.
const RU_CALENDAR: &str = include_str!("../../data/calendar/ru.toml");

/// A failure of the production calendar, in Russian. The data is inside the program, so the
/// message says what a person can do: write the date itself, or update nok.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date is in a year the calendar does not cover.
    #[error(
        "дата {} вне производственного календаря nok ({first}–{last} годы): рабочие дни {} года \
         посчитать нельзя; укажите срок датой (ДД.ММ.ГГГГ) или обновите nok до версии с календарем {} года",
        .date.format("%d.%m.%Y"),
        .date.year(),
        .date.year()
    )]
    OutOfRange {
        date: NaiveDate,
        first: i32,
        last: i32,
    },
    /// The calendar data is malformed.
    #[error("встроенный производственный календарь nok поврежден ({0}); переустановите nok")]
    Data(String),
}

/// One year of the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarYear {
    pub year: i32,
    /// The government decree on transfers of days off (empty when not yet in the data).
    pub decree: String,
    /// True when the year's decree is not in the data yet: transfers may still change.
    pub provisional: bool,
    /// Weekdays that are not working days (holidays and transferred days off).
    off: HashSet<NaiveDate>,
    /// Saturdays and Sundays that are working days.
    working: HashSet<NaiveDate>,
}

impl CalendarYear {
    fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.working.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.off.contains(&d)
    }

    /// Number of working days in the year.
    pub fn working_days(&self) -> u32 {
        let mut n = 0;
        let mut d = NaiveDate::from_ymd_opt(self.year, 1, 1);
        while let Some(day) = d.filter(|x| x.year() == self.year) {
            n += u32::from(self.is_working_day(day));
            d = day.succ_opt();
        }
        n
    }
}

/// A production calendar over a continuous range of years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, CalendarYear>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    year: Vec<RawYear>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    #[serde(default)]
    decree: String,
    #[serde(default)]
    provisional: bool,
    holidays: Vec<String>,
    days_off: Vec<String>,
    working: Vec<String>,
    /// The number of working days the year must have (a check against typos).
    work_days: u32,
}

fn day_of(year: i32, md: &str, field: &str) -> Result<NaiveDate, CalendarError> {
    let parsed = md
        .split_once('-')
        .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
        .and_then(|(m, d)| NaiveDate::from_ymd_opt(year, m, d));
    parsed.ok_or_else(|| {
        CalendarError::Data(format!(
            "год {year}, поле {field}: «{md}» — не дата; пишите ММ-ДД, например \"05-09\""
        ))
    })
}

impl Calendar {
    /// The Russian production calendar embedded in the program (parsed once).
    pub fn russia() -> Result<&'static Calendar, CalendarError> {
        static CAL: OnceLock<Result<Calendar, CalendarError>> = OnceLock::new();
        CAL.get_or_init(|| Calendar::parse(RU_CALENDAR))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parses calendar data in the format of `data/calendar/ru.toml`, checking each year's
    /// working-day count against its `work_days` and that the years have no gaps.
    pub fn parse(text: &str) -> Result<Calendar, CalendarError> {
        let raw: RawFile =
            toml::from_str(text).map_err(|e| CalendarError::Data(e.message().to_string()))?;
        let mut years = BTreeMap::new();
        for y in raw.year {
            let mut off = HashSet::new();
            let mut working = HashSet::new();
            for (field, list) in [("holidays", &y.holidays), ("days_off", &y.days_off)] {
                for md in list {
                    let d = day_of(y.year, md, field)?;
                    if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                        off.insert(d);
                    }
                }
            }
            for md in &y.working {
                let d = day_of(y.year, md, "working")?;
                if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                    return Err(CalendarError::Data(format!(
                        "год {}, поле working: {} — не суббота и не воскресенье",
                        y.year,
                        d.format("%d.%m.%Y")
                    )));
                }
                working.insert(d);
            }
            let cy = CalendarYear {
                year: y.year,
                decree: y.decree,
                provisional: y.provisional,
                off,
                working,
            };
            let counted = cy.working_days();
            if counted != y.work_days {
                return Err(CalendarError::Data(format!(
                    "год {}: по спискам выходит {counted} рабочих дней, а в work_days указано {}; \
                     проверьте списки",
                    y.year, y.work_days
                )));
            }
            if years.insert(y.year, cy).is_some() {
                return Err(CalendarError::Data(format!("год {} указан дважды", y.year)));
            }
        }
        let (Some(first), Some(last)) = (years.keys().next(), years.keys().next_back()) else {
            return Err(CalendarError::Data("нет ни одного года".into()));
        };
        if (last - first + 1) as usize != years.len() {
            return Err(CalendarError::Data(format!(
                "годы {first}–{last} идут с пропусками"
            )));
        }
        Ok(Calendar { years })
    }

    /// First and last year covered.
    pub fn years(&self) -> (i32, i32) {
        let first = self.years.keys().next().copied().unwrap_or_default();
        let last = self.years.keys().next_back().copied().unwrap_or_default();
        (first, last)
    }

    /// The data of `year`, if covered.
    pub fn year(&self, year: i32) -> Option<&CalendarYear> {
        self.years.get(&year)
    }

    fn year_of(&self, d: NaiveDate) -> Result<&CalendarYear, CalendarError> {
        self.years.get(&d.year()).ok_or_else(|| {
            let (first, last) = self.years();
            CalendarError::OutOfRange {
                date: d,
                first,
                last,
            }
        })
    }

    /// Whether `d` is a working day (рабочий день).
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.year_of(d)?.is_working_day(d))
    }

    /// The `n`-th working day after `d` («в течение n рабочих дней после d»): days are counted
    /// from the day after `d`; `n = 0` gives `d` itself.
    pub fn add_working_days(&self, d: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day
                .checked_add_days(Days::new(1))
                .ok_or(CalendarError::OutOfRange {
                    date: day,
                    first: self.years().0,
                    last: self.years().1,
                })?;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> &'static Calendar {
        Calendar::russia().unwrap()
    }

    #[test]
    fn covers_2015_to_2027_with_official_counts() {
        assert_eq!(cal().years(), (2015, 2027));
        // Official counts for the five-day week (248 in the leap years 2020 and 2024).
        for (y, n) in [
            (2015, 247),
            (2016, 247),
            (2017, 247),
            (2018, 247),
            (2019, 247),
            (2020, 248),
            (2021, 247),
            (2022, 247),
            (2023, 247),
            (2024, 248),
            (2025, 247),
            (2026, 247),
        ] {
            assert_eq!(cal().year(y).unwrap().working_days(), n, "{y}");
            assert!(!cal().year(y).unwrap().provisional, "{y}");
        }
        assert!(cal().year(2027).unwrap().provisional);
    }

    #[test]
    fn new_year_holidays() {
        // 2024: 1–8 January off, 9 January (Tuesday) the first working day.
        for day in 1..=8 {
            assert!(!cal().is_working_day(d(2024, 1, day)).unwrap(), "{day}");
        }
        assert!(cal().is_working_day(d(2024, 1, 9)).unwrap());
        // 2026: 3 and 4 January moved to 9 January and 31 December.
        assert!(!cal().is_working_day(d(2026, 1, 9)).unwrap());
        assert!(cal().is_working_day(d(2026, 1, 12)).unwrap());
        assert!(!cal().is_working_day(d(2026, 12, 31)).unwrap());
        // 5 working days after 30.12.2025 (Tuesday): 31.12 off, 1–11 January off → 12–16 January.
        assert_eq!(
            cal().add_working_days(d(2025, 12, 30), 5).unwrap(),
            d(2026, 1, 16)
        );
    }

    #[test]
    fn may_holidays_and_transfers() {
        // 2024: Saturday 27 April worked, 29–30 April and 1 May off, 9–10 May off.
        assert!(cal().is_working_day(d(2024, 4, 27)).unwrap());
        assert!(!cal().is_working_day(d(2024, 4, 29)).unwrap());
        assert!(!cal().is_working_day(d(2024, 4, 30)).unwrap());
        assert!(!cal().is_working_day(d(2024, 5, 10)).unwrap());
        assert!(cal().is_working_day(d(2024, 5, 13)).unwrap());
        // Friday 26.04.2024 + 1 working day = Saturday 27.04 (a working Saturday).
        assert_eq!(
            cal().add_working_days(d(2024, 4, 26), 1).unwrap(),
            d(2024, 4, 27)
        );
        // 27.04.2024 + 1 → 2 May (29, 30 April and 1 May are off, 28 is Sunday).
        assert_eq!(
            cal().add_working_days(d(2024, 4, 27), 1).unwrap(),
            d(2024, 5, 2)
        );
        // 2025: 23 February (Sunday) moved to 8 May, not to 24 February.
        assert!(cal().is_working_day(d(2025, 2, 24)).unwrap());
        assert!(!cal().is_working_day(d(2025, 5, 8)).unwrap());
        assert!(cal().is_working_day(d(2025, 11, 1)).unwrap());
        assert!(!cal().is_working_day(d(2025, 11, 3)).unwrap());
        // 2017: 4 November (Saturday) → Monday 6 November.
        assert!(!cal().is_working_day(d(2017, 11, 6)).unwrap());
    }

    #[test]
    fn working_days_across_a_weekend() {
        // Thursday 14.12.2017 + 5 working days = Thursday 21.12.2017.
        assert_eq!(
            cal().add_working_days(d(2017, 12, 14), 5).unwrap(),
            d(2017, 12, 21)
        );
        assert_eq!(
            cal().add_working_days(d(2017, 12, 14), 0).unwrap(),
            d(2017, 12, 14)
        );
    }

    #[test]
    fn out_of_range_years_are_named() {
        let e = cal().is_working_day(d(2014, 12, 31)).unwrap_err();
        assert_eq!(
            e,
            CalendarError::OutOfRange {
                date: d(2014, 12, 31),
                first: 2015,
                last: 2027
            }
        );
        assert!(e.to_string().contains("31.12.2014"), "{e}");
        assert!(e.to_string().contains("2015–2027"), "{e}");
        // Running off the end of the calendar is the same error, not a wrong date.
        let e = cal().add_working_days(d(2027, 12, 28), 5).unwrap_err();
        assert!(matches!(e, CalendarError::OutOfRange { .. }), "{e}");
    }

    #[test]
    fn bad_data_is_refused_with_the_year_and_field() {
        let base = "[[year]]\nyear = 2024\nholidays = [\"01-01\"]\ndays_off = []\n";
        let e =
            Calendar::parse(&format!("{base}working = [\"04-26\"]\nwork_days = 1\n")).unwrap_err();
        assert!(e.to_string().contains("не суббота"), "{e}");
        let e = Calendar::parse(&format!("{base}working = []\nwork_days = 200\n")).unwrap_err();
        assert!(e.to_string().contains("261 рабочих дней"), "{e}");
        let e = Calendar::parse(
            "[[year]]\nyear = 2024\nholidays = [\"13-01\"]\ndays_off = []\nworking = []\nwork_days = 1\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("«13-01»"), "{e}");
    }
}
