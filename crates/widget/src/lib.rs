//! userbridge's browser side: the `<user-edit>` custom element and the JS validator API, both on
//! the core (the same rules as the facade, written once).
//!
//! * [`api`]: `validate`, `fields` — and `schema`, `translate` with the features of those names —
//!   for pages and for Node. Invalid input is a report, never an exception.
//! * [`view`] (feature `element`, on by default): the form inside `<user-edit>`, built from the
//!   core's field table with `createElement`/`textContent` only — never `innerHTML`.
//!
//! The element class itself is a few lines of JS (`www/userbridge.js`): a custom element must be
//! a JS class, and it also owns the network (fetch) and the events; rendering, reading and
//! validating the form happen here.
//!
//! Two builds ship (`cargo xtask build`): `userbridge_widget` (element + validate/fields) and
//! `userbridge_api` (the four API functions, no DOM). Translation links every dialect's mapping
//! code, several times the validation rules, and the form never needs a JSON Schema, so the
//! element loads neither; the page's `translate()` and `schema()` load the second module on first
//! use.

pub mod api;
#[cfg(feature = "element")]
mod dom;
#[cfg(feature = "element")]
pub mod i18n;
#[cfg(feature = "element")]
pub mod view;

use userbridge_core::Dialect;
use wasm_bindgen::prelude::*;

/// The widget's version (the crate version), so a page can tell which build it loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Whether `id` names one of the five dialects (exactly, as the element's `dialect` attribute).
#[wasm_bindgen(js_name = isDialect)]
pub fn is_dialect(id: &str) -> bool {
    Dialect::ALL.iter().any(|d| d.as_str() == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(version(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn dialect_ids_are_exact() {
        assert!(is_dialect("learningcloud"));
        assert!(!is_dialect("LearningCloud"));
        assert!(!is_dialect("ldap"));
    }
}
