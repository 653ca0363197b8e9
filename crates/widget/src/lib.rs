//! The `<user-edit>` custom element, rendered from Rust.
//!
//! The element class itself is a few lines of JS (`www/userbridge.js`): a custom element must be a
//! JS class, and wasm-bindgen cannot define one. Everything the element shows is built here, with
//! `createElement` and `textContent` only — never `innerHTML`, so no value can become markup.

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// The dialect shown when the element has no `dialect` attribute.
pub const DEFAULT_DIALECT: &str = "learningcloud";

/// The dialect ids the facade speaks (see `spec/decisions.md`). The core crate will own this
/// list once its dialect modules land; the widget then reads it from there.
pub const DIALECTS: [&str; 5] = ["learningcloud", "publisher", "primavera", "devicehive", "scim"];

/// The widget's version (the crate version), so a page can tell which build it loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Whether `id` names one of the five dialects.
#[wasm_bindgen(js_name = isDialect)]
pub fn is_dialect(id: &str) -> bool {
    DIALECTS.contains(&id)
}

/// Styles of the shadow tree; the shadow root keeps them from leaking into the page.
const STYLE: &str = ":host{display:block;font:inherit;color:inherit}\
.card{border:1px solid #c8ccd4;border-radius:8px;padding:1rem 1.25rem;max-width:32rem}\
h2{margin:0 0 .5rem;font-size:1.1rem}\
p{margin:.25rem 0}\
.error{color:#b00020}\
.meta{color:#5a6270;font-size:.85rem}";

/// Renders the element's content into its open shadow root (attached on first call).
///
/// Called by the JS class from `connectedCallback` and whenever `dialect` changes; each call
/// replaces the previous content, so rendering is idempotent.
#[wasm_bindgen(js_name = renderUserEdit)]
pub fn render_user_edit(host: &Element) -> Result<(), JsValue> {
    let document =
        host.owner_document().ok_or_else(|| JsValue::from_str("user-edit: the element has no owner document"))?;
    let root = shadow_root(host)?;
    // Clears the previous render; assigning `textContent` removes all children, no markup parsed.
    root.set_text_content(None);

    let style = create(&document, "style", STYLE)?;
    root.append_child(&style)?;

    let card = document.create_element("section")?;
    card.set_class_name("card");
    card.set_attribute("part", "card")?;
    let title = create(&document, "h2", "Edit user")?;
    card.append_child(&title)?;

    let dialect = host.get_attribute("dialect").unwrap_or_else(|| DEFAULT_DIALECT.to_owned());
    let line = if is_dialect(&dialect) {
        create(&document, "p", &format!("Dialect: {dialect}"))?
    } else {
        let p = create(&document, "p", &format!("Unknown dialect: {dialect}"))?;
        p.set_class_name("error");
        p.set_attribute("role", "alert")?;
        p
    };
    line.set_attribute("data-dialect", &dialect)?;
    card.append_child(&line)?;

    let meta = create(&document, "p", &format!("userbridge widget {}", version()))?;
    meta.set_class_name("meta");
    card.append_child(&meta)?;

    root.append_child(&card)?;
    host.set_attribute("data-ready", "")?;
    Ok(())
}

/// The element's open shadow root, attached on first use.
fn shadow_root(host: &Element) -> Result<ShadowRoot, JsValue> {
    match host.shadow_root() {
        Some(root) => Ok(root),
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)),
    }
}

/// Creates `<tag>` holding `text` as a text node.
fn create(document: &Document, tag: &str, text: &str) -> Result<Element, JsValue> {
    let element = document.create_element(tag)?;
    element.set_text_content(Some(text));
    Ok(element)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(version(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn default_dialect_is_known() {
        assert!(is_dialect(DEFAULT_DIALECT));
        assert!(!is_dialect("LearningCloud"));
    }
}
