//! The screens of the UI, one module each.

pub mod council;
pub mod edit_council;
pub mod edit_cycle;
pub mod edit_cycle_new;
pub mod edit_delete;
pub mod edit_draft;
pub mod edit_inputs;
pub mod edit_membership;
pub mod edit_org;
pub mod edit_plan_content;
pub mod edit_plan_header;
pub mod edit_plan_row;
pub mod edit_shortcoming;
pub mod edit_shortcomings;
pub mod edit_targets;
pub mod edit_workplan_item;
pub mod exchange;
pub mod journal;
pub mod org_card;
pub mod org_filter;
pub mod org_plan;
pub mod organizations;
pub mod plans;
pub mod rating;
pub mod summary;
pub mod workplans;
