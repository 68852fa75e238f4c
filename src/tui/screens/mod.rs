//! The screens of the UI, one module each.

pub mod council;
pub mod journal;
pub mod organizations;
pub mod summary;
