//! The screens of the UI, one module each.

pub mod council;
pub mod exchange;
pub mod journal;
pub mod org_card;
pub mod org_filter;
pub mod organizations;
pub mod plans;
pub mod rating;
pub mod summary;
pub mod workplans;
