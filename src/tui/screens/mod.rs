//! The screens of the UI, one module each.

pub mod council;
pub mod edit_delete;
pub mod exchange;
pub mod first_steps;
pub mod input_holder;
pub mod journal;
pub mod org_card;
pub mod org_card_method;
pub mod org_filter;
pub mod org_plan;
pub mod organizations;
pub mod plans;
pub mod proposals;
pub mod rating;
pub mod spot_check;
pub mod summary;
pub mod workplans;
