//! How numbers look on the screens: Russian decimal commas.

/// 92.456 → «92,46».
pub(crate) fn dec(x: f64) -> String {
    format!("{x:.2}").replace('.', ",")
}
