//! The screens of the UI, one module each.

pub mod organizations;
pub mod summary;
