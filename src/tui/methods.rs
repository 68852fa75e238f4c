//! The method versions the screens name things by, loaded once per run.

use std::sync::OnceLock;

use crate::service::methodology::Methods;

/// The method versions known to this run, for the names of criteria, indicators, inputs and
/// checklist items (loaded once; `None` if even the built-in file failed, then codes are shown).
pub(crate) fn methods() -> Option<&'static Methods> {
    static METHODS: OnceLock<Option<Methods>> = OnceLock::new();
    METHODS
        .get_or_init(|| Methods::load().or_else(|_| Methods::builtin()).ok())
        .as_ref()
}
