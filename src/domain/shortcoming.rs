//! Shortcomings (недостатки, выявленные в ходе независимой оценки).

/// A shortcoming found in an organization's assessment, tied to a criterion and, where known,
/// to the indicator and checklist item it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortcoming {
    pub cycle_id: i64,
    pub org_id: i64,
    /// `К1` … `К5`.
    pub criterion: String,
    /// `1.2` …, when the shortcoming comes from one indicator.
    pub indicator: Option<String>,
    /// The input or checklist key it comes from, e.g. `1.2.faq`.
    pub input_key: Option<String>,
    /// Russian text as it goes into the plan, e.g. «Отсутствует раздел «Часто задаваемые вопросы»».
    pub text: String,
}
