//! The published report (публикация результатов на официальном сайте): a static, accessible
//! HTML site of one assessment cycle, rendered with maud (every value escaped by the template).
//!
//! This is a view layer like `tui`: it turns the read models of `store::publication` and domain
//! values into pages and style sheets, and does no I/O and no SQL. `service::publish` reads the
//! store, calls these renderers and writes the folder.
//!
//! Layout of a site: `index.html` (итоги), `rating.html`, `group-N.html`, `organizations.html`,
//! `council.html`, `org/<ИНН>-<КПП>.html`, `style.css`, `accessible.css`, and the same pages under
//! `accessible/` — the version for the visually impaired (версия для слабовидящих).

pub mod chart;
pub mod format;
pub mod layout;
pub mod pages;
pub mod style;

pub use layout::{ACCESSIBLE_DIR, Section, Site, Version};
