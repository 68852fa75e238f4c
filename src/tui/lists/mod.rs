//! List models: what a list screen holds apart from drawing it — the rows (or their keys), the
//! search, sort, filters and selection. They import nothing from the rest of `tui`, so the
//! worker can build them off the UI thread and the messages can carry them.

pub mod org_filters;
pub mod organizations;
