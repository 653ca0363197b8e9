//! The DOM calls the form makes most — `createElement`, `setAttribute`, `appendChild`, hundreds
//! per render — bound without `catch`.
//!
//! web-sys declares all three as throwing, so each of the ~170 call sites in [`crate::view`]
//! carried an error branch and the drops on its way out. With what the view passes they cannot
//! throw: the DOM raises only for an invalid tag or attribute name (the view's are fixed ASCII
//! names) or for a node appended into itself (the view appends fresh nodes to their parents).
//! Binding them plainly takes 2.6 KiB gzip off the element's module. Were one to throw anyway,
//! the exception would still reach the element's JS as a view error does, but the view would
//! stay borrowed (no Rust drop runs on the way out) and refuse later calls.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Node};

#[wasm_bindgen]
extern "C" {
    /// A document, element or node, as the methods below need it.
    type Raw;
    #[wasm_bindgen(method, js_name = createElement)]
    fn create_element(this: &Raw, tag: &str) -> Element;
    #[wasm_bindgen(method, js_name = setAttribute)]
    fn set_attribute(this: &Raw, name: &str, value: &str);
    #[wasm_bindgen(method, js_name = appendChild)]
    fn append_child(this: &Raw, child: &Node);
}

/// `document.createElement(tag)`; `tag` must be a valid element name.
pub fn create(doc: &Document, tag: &str) -> Element {
    doc.unchecked_ref::<Raw>().create_element(tag)
}

/// `setAttribute` and `appendChild` without a `Result`.
pub trait Dom {
    /// `setAttribute(name, value)`; `name` must be a valid attribute name.
    fn attr(&self, name: &str, value: &str);
    /// `appendChild(child)`; `child` must not contain `self`.
    fn add(&self, child: &Node);
}

impl<T: JsCast> Dom for T {
    fn attr(&self, name: &str, value: &str) {
        self.unchecked_ref::<Raw>().set_attribute(name, value);
    }
    fn add(&self, child: &Node) {
        self.unchecked_ref::<Raw>().append_child(child);
    }
}
