//! A gap found in an assessment (a missing checklist item, a low survey share), before it becomes
//! a shortcoming with its plan row.

use std::borrow::Cow;

use super::indicators::Ind;
use crate::service::demo::names::Gap;

/// A gap found in an assessment, before it becomes a shortcoming.
pub(super) struct Found<'a> {
    pub(super) ind: &'a Ind,
    /// (indicator, checklist item) indices of a missing checklist item.
    pub(super) item: Option<(usize, usize)>,
    /// The input or checklist key it comes from, prefixed with the indicator code.
    pub(super) key: &'a str,
    pub(super) gap: Option<&'static Gap>,
    pub(super) text: Cow<'static, str>,
    /// The measure when the gap list does not know the key (another method version).
    pub(super) fallback_measure: Cow<'static, str>,
}
