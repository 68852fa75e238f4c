//! Meetings of the public council (общественный совет), which approves the list of
//! organizations, the results and the ratings.

use chrono::NaiveDate;

/// A council meeting and its protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct CouncilMeeting {
    pub authority_id: i64,
    /// The cycle it dealt with, if one.
    pub cycle_id: Option<i64>,
    pub date: NaiveDate,
    /// Номер протокола.
    pub protocol_number: String,
    /// Повестка.
    pub agenda: String,
    /// Решения.
    pub decisions: String,
}
