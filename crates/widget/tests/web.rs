//! Runs wherever wasm-bindgen-test-runner puts it: Node by default, headless Chromium when
//! `WASM_BINDGEN_USE_BROWSER=1`. Tests here must not need a DOM.
#![cfg(target_arch = "wasm32")]

use userbridge_widget::{DIALECTS, is_dialect, version};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn version_is_not_empty() {
    assert!(!version().is_empty());
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn the_five_dialects_are_known() {
    assert_eq!(DIALECTS.len(), 5);
    assert!(DIALECTS.iter().all(|d| is_dialect(d)));
    assert!(!is_dialect("unknown"));
}
