//! The screens of the UI, one module each.

pub mod council;
pub mod edit_delete;
// The forms live in `tui::forms`; their old names here keep the screens' and tests' paths.
pub use super::forms::{
    council_meeting as edit_council, cycle as edit_cycle, inputs as edit_inputs,
    membership as edit_membership, new_cycle as edit_cycle_new, organization as edit_org,
    plan_draft as edit_draft, plan_header as edit_plan_header,
    plan_row_content as edit_plan_content, plan_row_execution as edit_plan_row,
    shortcoming as edit_shortcoming, shortcomings as edit_shortcomings, targets as edit_targets,
    workplan_item as edit_workplan_item,
};
pub mod exchange;
pub mod first_steps;
pub mod journal;
pub mod org_card;
pub mod org_card_method;
pub mod org_filter;
pub mod org_plan;
pub mod organizations;
pub mod plans;
pub mod rating;
pub mod spot_check;
pub mod summary;
pub mod workplans;
