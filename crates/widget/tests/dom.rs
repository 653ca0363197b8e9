//! DOM tests: they need a document, so they are forced into the browser. `cargo xtask test` runs
//! this file only in the headless Chromium pass.
#![cfg(target_arch = "wasm32")]

use userbridge_widget::{render_user_edit, version};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh `<user-edit>` host attached to the test page's body.
fn host(dialect: Option<&str>) -> Result<Element, JsValue> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| JsValue::from_str("no document"))?;
    let host = document.create_element("div")?;
    if let Some(d) = dialect {
        host.set_attribute("dialect", d)?;
    }
    document.body().ok_or_else(|| JsValue::from_str("no body"))?.append_child(&host)?;
    Ok(host)
}

fn root(host: &Element) -> Result<ShadowRoot, JsValue> {
    host.shadow_root().ok_or_else(|| JsValue::from_str("no shadow root"))
}

#[wasm_bindgen_test]
fn renders_into_an_open_shadow_root() -> Result<(), JsValue> {
    let host = host(Some("scim"))?;
    render_user_edit(&host)?;
    let root = root(&host)?;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Edit user"), "{text}");
    assert!(text.contains("Dialect: scim"), "{text}");
    assert!(text.contains(&version()), "{text}");
    assert!(host.has_attribute("data-ready"));
    Ok(())
}

#[wasm_bindgen_test]
fn rendering_twice_replaces_the_content() -> Result<(), JsValue> {
    let host = host(None)?;
    render_user_edit(&host)?;
    render_user_edit(&host)?;
    let root = root(&host)?;
    assert_eq!(root.query_selector_all("section")?.length(), 1);
    assert!(root.text_content().unwrap_or_default().contains("Dialect: learningcloud"));
    Ok(())
}

#[wasm_bindgen_test]
fn attribute_values_stay_text() -> Result<(), JsValue> {
    let host = host(Some("<img src=x onerror=alert(1)>"))?;
    render_user_edit(&host)?;
    let root = root(&host)?;
    assert!(root.query_selector("img")?.is_none());
    let alert = root.query_selector("[role=alert]")?.ok_or_else(|| JsValue::from_str("no alert"))?;
    assert!(alert.text_content().unwrap_or_default().contains("<img"));
    Ok(())
}
