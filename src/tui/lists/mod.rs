//! Models of the long lists the screens show a window of, kept apart from how they are drawn.

pub mod organizations;
