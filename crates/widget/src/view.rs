//! The `<user-edit>` form: built from the core's field table into the element's shadow root,
//! read back into a dialect body, and validated by the core as the user types.
//!
//! The DOM is the form's state: every control carries the JSON pointer it writes (`data-p`) and
//! how its text becomes JSON (`data-c`), every field wrapper the pointer its errors belong to
//! (`data-for`). Reading the form ([`View::collect`]) starts from the loaded body (or the
//! dialect's empty body on create), drops what the form owns and writes the controls back, so
//! fields the form does not show (ids) survive an update. Adding or removing a row re-renders
//! from the collected body.
//!
//! Safety: every text — labels, values, server messages — goes in with `textContent` or an
//! attribute; nothing is ever parsed as markup.

use serde_json::{Map, Value};
use userbridge_core::dialect::parse_json;
use userbridge_core::dialects::{learningcloud, scim};
use userbridge_core::fields::{Format, Kind};
use userbridge_core::{Dialect, Field, Op};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, HtmlElement, HtmlInputElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::api;
use crate::dom::{self, Dom as _};
use crate::i18n::Texts;

type Res<T = ()> = Result<T, JsValue>;

/// Codecs: how a control's text becomes JSON (`data-c`).
const TEXT: &str = "s";
const INT: &str = "i";
const BOOL: &str = "b";
const JSON: &str = "j";
const LIST: &str = "l";
const INT_LIST: &str = "n";
const MEMBER: &str = "m";
const PRODUCT: &str = "u";

/// Label keys of free-text fields long enough for a textarea.
const LONG_TEXT: [&str; 5] = ["bio", "interests", "specialities", "certificate", "formatted_address"];

/// One error as shown: from the core (client side) or from a problem+json body (server side).
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    pointer: String,
    code: String,
    message: String,
    params: Map<String, Value>,
}

impl Shown {
    /// As the JS API reports a violation.
    fn js(&self) -> api::JsViolation<'_> {
        api::JsViolation { pointer: &self.pointer, code: &self.code, message: &self.message, params: &self.params }
    }

    fn from_core(v: &userbridge_core::Violation) -> Self {
        Shown {
            pointer: v.pointer.to_string(),
            code: v.code.as_str().into(),
            message: v.message.to_string(),
            params: v.params.clone(),
        }
    }
}

/// The form of one `<user-edit>` element. The JS class owns one and forwards events to it.
#[wasm_bindgen]
pub struct View {
    host: Element,
    root: ShadowRoot,
    doc: Document,
    dialect_name: String,
    dialect: Option<Dialect>,
    op: Op,
    texts: Texts,
    /// The body the form started from: the loaded user, or the dialect's empty body.
    base: Value,
    /// Pointers the form writes; removed from `base` before the controls are read.
    owned: Vec<String>,
    /// Anchors (field pointers) the user has left once: their errors show from then on.
    touched: Vec<String>,
    /// A submit was attempted: every error shows, and the summary lists them.
    submitted: bool,
    /// The last server errors, each until its field is edited.
    server: Vec<Shown>,
    /// A message for the whole form (server problem title, network failure).
    notice: Option<String>,
    /// The problem's `detail`, shown under the notice.
    detail: Option<String>,
    next_id: u32,
}

#[wasm_bindgen]
impl View {
    /// A view for `host` (its open shadow root is attached on first use). `update` selects the
    /// update operation (the element has a `user-id`), else create.
    #[wasm_bindgen(constructor)]
    pub fn new(host: Element, dialect: &str, update: bool, lang: &str) -> Res<View> {
        let doc = host.owner_document().ok_or_else(|| JsValue::from_str("user-edit: no owner document"))?;
        let root = match host.shadow_root() {
            Some(root) => root,
            None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
        };
        let parsed = dialect.parse::<Dialect>().ok();
        let op = if update { Op::Update } else { Op::Create };
        let mut view = View {
            host,
            root,
            doc,
            dialect_name: dialect.to_owned(),
            dialect: parsed,
            op,
            texts: Texts::new(lang),
            base: Value::Null,
            owned: Vec::new(),
            touched: Vec::new(),
            submitted: false,
            server: Vec::new(),
            notice: None,
            detail: None,
            next_id: 0,
        };
        view.base = view.template();
        Ok(view)
    }

    /// Whether the `dialect` given is one of the five (else the view shows an error only).
    #[wasm_bindgen(getter)]
    pub fn known(&self) -> bool {
        self.dialect.is_some()
    }

    /// Renders the form from its base body (the empty body, or the last loaded user).
    pub fn render(&mut self) -> Res {
        let values = self.base.clone();
        self.render_values(&values)
    }

    /// Shows a loaded user (the dialect's update body) and makes it the base for updates.
    pub fn load(&mut self, body: JsValue) -> Res {
        self.base = api::body(&body).unwrap_or(Value::Null);
        if !self.base.is_object() {
            self.base = self.template();
        }
        self.reset_feedback();
        self.render()
    }

    /// Sets the language and re-renders, keeping what was typed.
    #[wasm_bindgen(js_name = setLang)]
    pub fn set_lang(&mut self, lang: &str) -> Res {
        let custom = self.texts.custom().to_vec();
        self.texts = Texts::new(lang);
        self.texts.set_custom(custom);
        self.rerender()
    }

    /// Sets the page's texts (`{key: text}`, see docs/widget.md) and re-renders, keeping what was typed.
    #[wasm_bindgen(js_name = setMessages)]
    pub fn set_messages(&mut self, messages: JsValue) -> Res {
        let mut custom = Vec::new();
        if messages.is_object() {
            for entry in js_sys::Object::entries(messages.unchecked_ref()).iter() {
                let pair: js_sys::Array = entry.unchecked_into();
                if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    custom.push((k, v));
                }
            }
        }
        self.texts.set_custom(custom);
        self.rerender()
    }

    /// The dialect body the form holds now (what a save sends).
    pub fn body(&self) -> Res<JsValue> {
        Ok(api::to_js(&self.collect()?.0))
    }

    /// A submit attempt: validates everything, shows every error and the summary (focused) when
    /// there are any. Returns the report (`{valid, errors, ignored}`).
    pub fn submit(&mut self) -> Res<JsValue> {
        self.submitted = true;
        self.server.clear();
        self.notice = None;
        self.detail = None;
        let report = self.refresh()?;
        if !report.valid {
            self.focus_summary()?;
        }
        Ok(report.js)
    }

    /// Forwards a DOM event from the shadow root: `input`, `change`, `focusout`, `click`.
    pub fn handle(&mut self, event: &Event) -> Res {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return Ok(());
        };
        match event.type_().as_str() {
            "input" | "change" => {
                if target.get_attribute("data-c").as_deref() == Some(BOOL) {
                    target.attr("data-set", "");
                }
                if let Some(anchor) = anchor_of(&target)? {
                    let before = self.server.len();
                    self.server.retain(|s| !under(&s.pointer, &anchor));
                    if self.server.len() != before && self.server.is_empty() {
                        self.notice = None;
                        self.detail = None;
                    }
                    if event.type_() == "change" {
                        touch(&mut self.touched, anchor);
                    }
                }
                self.refresh()?;
            }
            "focusout" => {
                if target.has_attribute("data-p")
                    && let Some(anchor) = anchor_of(&target)?
                    && touch(&mut self.touched, anchor)
                {
                    self.refresh()?;
                }
            }
            "click" => {
                if let Some(link) = target.closest("[data-focus]")? {
                    event.prevent_default();
                    if let Some(id) = link.get_attribute("data-focus") {
                        self.focus_id(&id)?;
                    }
                } else if let Some(button) = target.closest("[data-add]")? {
                    let array = button.get_attribute("data-add").unwrap_or_default();
                    self.add_row(&array)?;
                } else if let Some(button) = target.closest("[data-remove]")? {
                    let array = button.get_attribute("data-remove").unwrap_or_default();
                    let index = button.get_attribute("data-index").and_then(|i| i.parse().ok()).unwrap_or(0);
                    self.remove_row(&array, index)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// While loading a user: controls disabled, status announced.
    #[wasm_bindgen(js_name = setLoading)]
    pub fn set_loading(&mut self, loading: bool) -> Res {
        if let Some(fields) = self.root.query_selector(".fields")? {
            toggle(&fields, "disabled", loading, "")?;
        }
        self.busy(loading, "loading")
    }

    /// While saving: submit disabled (`aria-disabled`, so it keeps focus), status announced.
    #[wasm_bindgen(js_name = setSaving)]
    pub fn set_saving(&mut self, saving: bool) -> Res {
        self.busy(saving, "saving")
    }

    /// A save succeeded: feedback cleared, "Saved." announced; the saved body becomes the base.
    pub fn saved(&mut self) -> Res {
        self.base = self.collect()?.0;
        self.reset_feedback();
        self.refresh()?;
        self.announce("saved")
    }

    /// Puts a UI text (`ui.<key>`: `saved`, `saving`, `loading`) in the polite status line.
    pub fn announce(&self, key: &str) -> Res {
        self.set_status(&self.texts.ui(key, &[]))
    }

    /// A problem+json answer: its `errors` land on their fields, its title heads the summary.
    pub fn problem(&mut self, problem: JsValue) -> Res {
        let p: Value = api::body(&problem).unwrap_or(Value::Null);
        let text = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_owned);
        let title = text("title").or_else(|| p.get("status").map(|s| s.to_string())).unwrap_or_default();
        self.notice = Some(self.texts.ui("server", &[("title", &title)]));
        self.detail = text("detail");
        self.server = p
            .get("errors")
            .and_then(Value::as_array)
            .map(|errors| errors.iter().filter_map(shown_from_json).collect())
            .unwrap_or_default();
        self.submitted = true;
        self.set_status("")?;
        self.refresh()?;
        self.focus_summary()
    }

    /// The request never got an answer: say so, keep every input.
    #[wasm_bindgen(js_name = networkError)]
    pub fn network_error(&mut self) -> Res {
        self.notice = Some(self.texts.ui("network", &[]));
        self.detail = None;
        self.server.clear();
        self.set_status("")?;
        self.refresh()?;
        self.focus_summary()
    }
}

/// Report of one refresh: for JS, and whether it was valid.
struct Refreshed {
    js: JsValue,
    valid: bool,
}

/// The report a submit returns: the core's, plus JSON fields that did not parse.
impl View {
    /// The body a create form starts from: required objects present (publisher's `user`
    /// wrapper), SCIM's `schemas` naming the core User schema, and one row in each array of
    /// email addresses. (The dialects' `from_canonical` would say the same for an empty user, but
    /// links the translation code this module leaves out.)
    fn template(&self) -> Value {
        let Some(dialect) = self.dialect else { return Value::Null };
        let mut body = Value::Object(Map::new());
        let fields = api::field_table(dialect, self.op);
        for f in fields.iter().filter(|f| f.kind == Kind::Object && f.required && !f.pointer.contains('*')) {
            set(&mut body, f.pointer, Value::Object(Map::new()));
        }
        if dialect == Dialect::Scim {
            set(&mut body, "/schemas", Value::Array(vec![Value::from(scim::USER)]));
        }
        if self.op == Op::Create {
            for f in fields.iter().filter(|f| f.kind == Kind::Array && f.tokens().count() == 1) {
                let row = format!("{}/*/", f.pointer);
                if fields.iter().any(|c| c.format == Some(Format::Email) && c.pointer.starts_with(&row)) {
                    set(&mut body, f.pointer, Value::Array(vec![Value::Object(Map::new())]));
                }
            }
        }
        body
    }

    fn reset_feedback(&mut self) {
        self.touched.clear();
        self.submitted = false;
        self.server.clear();
        self.notice = None;
        self.detail = None;
    }

    fn rerender(&mut self) -> Res {
        if self.root.query_selector("form")?.is_none() {
            return self.render();
        }
        let values = self.collect()?.0;
        self.render_values(&values)
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        format!("f{}", self.next_id)
    }

    fn el(&self, tag: &str, class: &str) -> Element {
        let e = dom::create(&self.doc, tag);
        if !class.is_empty() {
            e.set_class_name(class);
        }
        e
    }

    fn text(&self, tag: &str, class: &str, text: &str) -> Element {
        let e = self.el(tag, class);
        e.set_text_content(Some(text));
        e
    }

    /// Builds the whole shadow tree showing `values`.
    fn render_values(&mut self, values: &Value) -> Res {
        // Focus survives a re-render: the control writing the same pointer (and value, for a
        // checkbox of a set) gets it back.
        let focused = self.root.active_element().and_then(|e| {
            let key = e.get_attribute("data-p").or_else(|| e.get_attribute("data-add"))?;
            let member = matches!(e.get_attribute("data-c").as_deref(), Some(MEMBER | PRODUCT));
            Some((key, if member { e.get_attribute("value") } else { None }))
        });
        self.root.set_text_content(None);
        self.next_id = 0;
        self.owned.clear();
        let style = self.text("style", "", STYLE);
        self.root.add(&style);

        let Some(dialect) = self.dialect else {
            let msg = self.texts.ui("unknown_dialect", &[("dialect", &self.dialect_name)]);
            let p = self.text("p", "unknown", &msg);
            p.attr("role", "alert");
            p.attr("part", "error");
            self.root.add(&p);
            self.host.attr("data-ready", "");
            return Ok(());
        };
        let update = self.op == Op::Update;
        let form = self.el("form", "form");
        form.attr("part", "form");
        form.attr("novalidate", "");
        form.attr("data-dialect", dialect.as_str());
        form.attr("data-op", self.op.as_str());
        form.attr("aria-labelledby", "title");
        let heading = self.texts.ui(if update { "title_update" } else { "title_create" }, &[]);
        let title = self.text("h2", "title", &format!("{heading} "));
        title.set_id("title");
        title.attr("part", "title");
        let badge = self.text("span", "dialect", dialect.as_str());
        title.add(&badge);
        form.add(&title);
        let node = self.text("p", "note", &self.texts.ui("required_note", &[]));
        form.add(&node);
        let summary = self.el("div", "summary");
        summary.attr("part", "summary");
        summary.attr("tabindex", "-1");
        summary.attr("hidden", "");
        form.add(&summary);

        let body = self.el("fieldset", "fields");
        let fields = api::field_table(dialect, self.op);
        let top: Vec<&'static Field> = children(fields, "");
        let wrapper = top.len() == 1 && top[0].kind == Kind::Object;
        for f in top {
            let cp = f.pointer.to_owned();
            if wrapper {
                for c in children(fields, f.pointer) {
                    let ccp = format!("{cp}/{}", last_token(c.pointer));
                    self.node(&body, fields, c, &ccp, values)?;
                }
            } else {
                self.node(&body, fields, f, &cp, values)?;
            }
        }
        form.add(&body);

        let actions = self.el("div", "actions");
        let submit =
            self.text("button", "submit", &self.texts.ui(if update { "submit_update" } else { "submit_create" }, &[]));
        submit.attr("type", "submit");
        submit.attr("part", "submit");
        actions.add(&submit);
        let status = self.el("p", "status");
        status.attr("role", "status");
        status.attr("part", "status");
        actions.add(&status);
        form.add(&actions);
        self.root.add(&form);

        if let Some((key, value)) = focused {
            let selector = match value {
                Some(v) => format!("[data-p=\"{}\"][value=\"{}\"]", css(&key), css(&v)),
                None => format!("[data-p=\"{0}\"],[data-add=\"{0}\"]", css(&key)),
            };
            if let Some(e) = self.root.query_selector(&selector)? {
                e.unchecked_into::<HtmlElement>().focus()?;
            }
        }
        self.refresh()?;
        self.host.attr("data-ready", "");
        Ok(())
    }

    /// Renders one field (and its children) at concrete pointer `cp`.
    fn node(&mut self, parent: &Element, fields: &'static [Field], f: &'static Field, cp: &str, values: &Value) -> Res {
        // Ids travel in the loaded body; they are never typed.
        if f.label == "id" {
            return Ok(());
        }
        let dialect = self.dialect;
        if dialect == Some(Dialect::LearningCloud) && f.pointer == "/roles" {
            return self.roles(parent, f, cp, values);
        }
        if dialect == Some(Dialect::Primavera) && f.pointer == "/userProducts" {
            return self.products(parent, fields, f, cp, values);
        }
        let kids = children(fields, f.pointer);
        match f.kind {
            Kind::Object if !kids.is_empty() => {
                let (group, _) = self.group(parent, f, cp, "group")?;
                for c in kids {
                    let ccp = format!("{cp}/{}", last_token(c.pointer));
                    self.node(&group, fields, c, &ccp, values)?;
                }
                Ok(())
            }
            Kind::Array => {
                self.owned.push(cp.to_owned());
                match kids.first() {
                    Some(item) if item.kind == Kind::Object => self.rows(parent, fields, f, item, cp, values),
                    Some(item) if item.kind == Kind::String && !item.allowed.is_empty() => {
                        let chosen = strings(values.pointer(cp));
                        let (group, _) = self.group(parent, f, cp, "group")?;
                        for v in item.allowed {
                            let text = self.texts.value(item.label, v);
                            self.checkbox(&group, cp, MEMBER, v, &text, chosen.iter().any(|c| c == v))?;
                        }
                        Ok(())
                    }
                    Some(item) => self.list(parent, f, item, cp, values),
                    None => self.json(parent, f, cp, values),
                }
            }
            Kind::Object | Kind::Map | Kind::Any => {
                self.owned.push(cp.to_owned());
                self.json(parent, f, cp, values)
            }
            _ => {
                self.owned.push(cp.to_owned());
                self.scalar(parent, f, cp, values.pointer(cp))
            }
        }
    }

    /// A fieldset with legend and error line, anchoring errors at `cp`. Returns it and its id.
    fn group(&mut self, parent: &Element, f: &Field, cp: &str, class: &str) -> Res<(Element, String)> {
        let label = self.texts.label(f.label);
        self.fieldset(parent, &label, f.required, cp, class)
    }

    fn fieldset(
        &mut self,
        parent: &Element,
        label: &str,
        required: bool,
        cp: &str,
        class: &str,
    ) -> Res<(Element, String)> {
        let id = self.id();
        let group = self.el("fieldset", class);
        group.set_id(&id);
        group.attr("data-for", cp);
        group.attr("data-label", label);
        let legend = self.text("legend", "", label);
        if required {
            let node = self.required_mark()?;
            legend.add(&node);
        }
        group.add(&legend);
        let node = self.error_line(&id)?;
        group.add(&node);
        parent.add(&group);
        Ok((group, id))
    }

    fn required_mark(&self) -> Res<Element> {
        let mark = self.text("span", "req", " *");
        mark.attr("aria-hidden", "true");
        Ok(mark)
    }

    fn error_line(&self, id: &str) -> Res<Element> {
        let p = self.el("p", "error");
        p.set_id(&format!("{id}-error"));
        p.attr("part", "error");
        p.attr("hidden", "");
        Ok(p)
    }

    /// A wrapper `div.field` with a label for a control, the control, an optional hint and the
    /// error line.
    fn field(
        &mut self,
        parent: &Element,
        label: &str,
        required: bool,
        cp: &str,
        control: &Element,
        hint: Option<&str>,
    ) -> Res {
        let id = self.id();
        control.set_id(&id);
        control.attr("part", "input");
        let wrap = self.el(
            "div",
            if control.get_attribute("type").as_deref() == Some("checkbox") { "field check" } else { "field" },
        );
        wrap.attr("data-for", cp);
        wrap.attr("data-label", label);
        wrap.attr("part", "field");
        let l = self.text("label", "", label);
        l.attr("for", &id);
        l.attr("part", "label");
        if required {
            let node = self.required_mark()?;
            l.add(&node);
        }
        if control.get_attribute("type").as_deref() == Some("checkbox") {
            wrap.add(control);
            wrap.add(&l);
        } else {
            wrap.add(&l);
            wrap.add(control);
        }
        if let Some(hint) = hint {
            let h = self.text("p", "hint", hint);
            h.set_id(&format!("{id}-hint"));
            control.attr("aria-describedby", &format!("{id}-hint"));
            wrap.add(&h);
        }
        let node = self.error_line(&id)?;
        wrap.add(&node);
        parent.add(&wrap);
        Ok(())
    }

    /// One scalar field: input, select, textarea or checkbox from kind, format and label key.
    fn scalar(&mut self, parent: &Element, f: &Field, cp: &str, value: Option<&Value>) -> Res {
        let codec = if f.kind == Kind::Integer { INT } else { TEXT };
        let text = value.map(scalar_text).unwrap_or_default();
        let control = if f.kind == Kind::Boolean {
            let input = self.el("input", "");
            input.attr("type", "checkbox");
            input.attr("data-c", BOOL);
            if let Some(Value::Bool(b)) = value {
                input.attr("data-set", "");
                if *b {
                    input.attr("checked", "");
                }
            }
            input
        } else if !f.allowed.is_empty() {
            let select = self.el("select", "");
            select.attr("data-c", codec);
            let none = self.text("option", "", &self.texts.ui("none", &[]));
            none.attr("value", "");
            select.add(&none);
            let mut found = text.is_empty();
            for v in f.allowed {
                let o = self.text("option", "", &self.texts.value(f.label, v));
                o.attr("value", v);
                if *v == text {
                    o.attr("selected", "");
                    found = true;
                }
                select.add(&o);
            }
            // A loaded value outside the list stays visible (and is reported), not silently lost.
            if !found {
                let o = self.text("option", "", &text);
                o.attr("value", &text);
                o.attr("selected", "");
                select.add(&o);
            }
            select
        } else if LONG_TEXT.contains(&f.label) || f.format == Some(Format::Base64) {
            let area = self.text("textarea", "", &text);
            area.attr("data-c", codec);
            area.attr("rows", "3");
            area
        } else {
            let input = self.el("input", "");
            input.attr("data-c", codec);
            input.attr("type", input_type(f));
            if !text.is_empty() {
                input.attr("value", &text);
            }
            if let Some(ac) = autocomplete(f) {
                input.attr("autocomplete", ac);
            }
            if f.kind == Kind::Integer {
                input.attr("step", "1");
                input.attr("inputmode", "numeric");
            }
            input
        };
        control.attr("data-p", cp);
        control.attr("name", cp);
        if f.required && f.kind != Kind::Boolean {
            control.attr("required", "");
        }
        match f.kind {
            Kind::String if f.allowed.is_empty() => {
                if let Some(max) = f.max {
                    control.attr("maxlength", &max.to_string());
                }
                if let Some(min) = f.min.filter(|&m| m > 1) {
                    control.attr("minlength", &min.to_string());
                }
            }
            Kind::Integer if f.allowed.is_empty() => {
                if let Some(max) = f.max {
                    control.attr("max", &max.to_string());
                }
                if let Some(min) = f.min {
                    control.attr("min", &min.to_string());
                }
            }
            _ => {}
        }
        // A checkbox says what "checked" means: learningcloud's `enabled` is labelled `status`.
        let key = if f.kind == Kind::Boolean && f.label == "status" { "active" } else { f.label };
        let label = self.texts.label(key);
        self.field(parent, &label, f.required, cp, &control, None)
    }

    /// Free JSON (maps, `Any`): a textarea parsed strictly when read.
    fn json(&mut self, parent: &Element, f: &Field, cp: &str, values: &Value) -> Res {
        let text = values.pointer(cp).map(|v| serde_json::to_string(v).unwrap_or_default()).unwrap_or_default();
        let area = self.text("textarea", "code", &text);
        area.attr("data-c", JSON);
        area.attr("data-p", cp);
        area.attr("name", cp);
        area.attr("rows", "3");
        area.attr("spellcheck", "false");
        let label = self.texts.label(f.label);
        let hint = self.texts.ui("json_hint", &[]);
        self.field(parent, &label, f.required, cp, &area, Some(&hint))
    }

    /// An array of scalars as one comma-separated input (`officeIds`: numbers).
    fn list(&mut self, parent: &Element, f: &Field, item: &Field, cp: &str, values: &Value) -> Res {
        let text = match values.pointer(cp) {
            Some(Value::Array(items)) => items.iter().map(scalar_text).collect::<Vec<_>>().join(", "),
            _ => String::new(),
        };
        let input = self.el("input", "");
        input.attr("type", "text");
        input.attr("data-c", if item.kind == Kind::Integer { INT_LIST } else { LIST });
        input.attr("data-p", cp);
        input.attr("name", cp);
        if item.kind == Kind::Integer {
            input.attr("inputmode", "numeric");
        }
        if f.required {
            input.attr("required", "");
        }
        if !text.is_empty() {
            input.attr("value", &text);
        }
        let label = self.texts.label(f.label);
        let hint = self.texts.ui("list_hint", &[]);
        self.field(parent, &label, f.required, cp, &input, Some(&hint))
    }

    /// A checkbox inside a group (`<label><input> text</label>`).
    fn checkbox(
        &mut self,
        group: &Element,
        cp: &str,
        codec: &str,
        value: &str,
        text: &str,
        checked: bool,
    ) -> Res<Element> {
        let id = self.id();
        let wrap = self.el("div", "check");
        let input = self.el("input", "");
        input.set_id(&id);
        input.attr("type", "checkbox");
        input.attr("data-p", cp);
        input.attr("data-c", codec);
        input.attr("value", value);
        input.attr("name", cp);
        input.attr("part", "input");
        if checked {
            input.attr("checked", "");
        }
        let label = self.text("label", "", text);
        label.attr("for", &id);
        label.attr("part", "label");
        wrap.add(&input);
        wrap.add(&label);
        group.add(&wrap);
        Ok(input)
    }

    /// learningcloud `roles`: one group per section, a checkbox per role the section allows.
    fn roles(&mut self, parent: &Element, f: &Field, cp: &str, values: &Value) -> Res {
        self.owned.push(cp.to_owned());
        let (outer, _) = self.group(parent, f, cp, "group")?;
        for (section, allowed) in learningcloud::sections(self.op) {
            let scp = format!("{cp}/{section}");
            let chosen = strings(values.pointer(&scp));
            let label = self.texts.named("section", section);
            let (group, _) = self.fieldset(&outer, &label, false, &scp, "group section")?;
            for role in *allowed {
                let text = self.texts.named("role", role);
                self.checkbox(&group, &scp, MEMBER, role, &text, chosen.iter().any(|c| c == role))?;
            }
        }
        Ok(())
    }

    /// primavera `userProducts` (update): a checkbox per product; the body is a delta, so a
    /// product the user had and no longer has is sent with `action: "DELETE"`.
    fn products(&mut self, parent: &Element, fields: &'static [Field], f: &Field, cp: &str, values: &Value) -> Res {
        self.owned.push(cp.to_owned());
        let name_field = fields.iter().find(|c| c.pointer.ends_with("/*/productName"));
        let allowed = name_field.map(|c| c.allowed).unwrap_or_default();
        let item_label = name_field.map_or("product", |c| c.label);
        let had: Vec<Value> = match self.base.pointer(cp) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        let now: Vec<Value> = match values.pointer(cp) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        let (group, _) = self.group(parent, f, cp, "group")?;
        for name in allowed {
            let named = |items: &[Value]| {
                items.iter().find(|i| i.get("productName").and_then(Value::as_str) == Some(name)).cloned()
            };
            let current = named(&now);
            let checked = current.as_ref().is_some_and(|c| c.get("action").is_none());
            let text = self.texts.value(item_label, name);
            let input = self.checkbox(&group, cp, PRODUCT, name, &text, checked)?;
            if let Some(old) = named(&had).or(current) {
                input.attr("data-had", "");
                for key in ["productId", "userProductId"] {
                    if let Some(n) = old.get(key).and_then(Value::as_i64) {
                        input.attr(&format!("data-{key}"), &n.to_string());
                    }
                }
            }
        }
        Ok(())
    }

    /// An array of objects: one fieldset per element, with remove buttons and an add button.
    fn rows(
        &mut self,
        parent: &Element,
        fields: &'static [Field],
        f: &Field,
        item: &'static Field,
        cp: &str,
        values: &Value,
    ) -> Res {
        let (group, _) = self.group(parent, f, cp, "group rows")?;
        let count = values.pointer(cp).and_then(Value::as_array).map_or(0, Vec::len);
        let item_label = self.texts.label(item.label);
        let item_lower = lower_first(&item_label);
        let kids = children(fields, item.pointer);
        for i in 0..count {
            let rcp = format!("{cp}/{i}");
            let legend = format!("{item_label} {}", i + 1);
            let (row, _) = self.fieldset(&group, &legend, false, &rcp, "row")?;
            row.attr("data-row", &rcp);
            for c in &kids {
                let ccp = format!("{rcp}/{}", last_token(c.pointer));
                self.node(&row, fields, c, &ccp, values)?;
            }
            let lowered = format!("{item_lower} {}", i + 1);
            let remove = self.text("button", "remove", &self.texts.ui("remove", &[("item", &lowered)]));
            remove.attr("type", "button");
            remove.attr("data-remove", cp);
            remove.attr("data-index", &i.to_string());
            row.add(&remove);
        }
        let add = self.text("button", "add", &self.texts.ui("add", &[("item", &item_lower)]));
        add.attr("type", "button");
        add.attr("data-add", cp);
        group.add(&add);
        Ok(())
    }

    fn add_row(&mut self, array: &str) -> Res {
        let mut values = self.collect()?.0;
        let n = match slot(&mut values, array, true) {
            Some(v) => {
                if !v.is_array() {
                    *v = Value::Array(Vec::new());
                }
                let items = v.as_array_mut().ok_or_else(|| JsValue::from_str("not an array"))?;
                items.push(Value::Object(Map::new()));
                items.len() - 1
            }
            None => return Ok(()),
        };
        self.render_values(&values)?;
        let row = format!("[data-row=\"{}/{n}\"] [data-p]", css(array));
        if let Some(first) = self.root.query_selector(&row)? {
            first.unchecked_into::<HtmlElement>().focus()?;
        }
        Ok(())
    }

    fn remove_row(&mut self, array: &str, index: usize) -> Res {
        let mut values = self.collect()?.0;
        if let Some(Value::Array(items)) = slot(&mut values, array, false)
            && index < items.len()
        {
            items.remove(index);
        }
        let prefix = format!("{array}/");
        self.touched.retain(|t| !t.starts_with(&prefix));
        self.server.retain(|s| !s.pointer.starts_with(&prefix));
        self.render_values(&values)?;
        if let Some(add) = self.root.query_selector(&format!("[data-add=\"{}\"]", css(array)))? {
            add.unchecked_into::<HtmlElement>().focus()?;
        }
        Ok(())
    }

    /// Reads the form into a dialect body; JSON fields that do not parse come back as errors.
    fn collect(&self) -> Res<(Value, Vec<Shown>)> {
        let mut body = if self.base.is_object() { self.base.clone() } else { Value::Object(Map::new()) };
        for p in &self.owned {
            remove(&mut body, p);
        }
        let mut errors = Vec::new();
        let rows = self.root.query_selector_all("[data-row]")?;
        for i in 0..rows.length() {
            if let Some(row) = rows.item(i).and_then(|n| n.dyn_into::<Element>().ok())
                && let Some(p) = row.get_attribute("data-row")
                && let Some(v) = slot(&mut body, &p, true)
                && !v.is_object()
            {
                *v = Value::Object(Map::new());
            }
        }
        let controls = self.root.query_selector_all("[data-p]")?;
        for i in 0..controls.length() {
            let Some(el) = controls.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
            let (Some(p), Some(codec)) = (el.get_attribute("data-p"), el.get_attribute("data-c")) else { continue };
            // `value` and `checked` are read through the input interface: select and textarea
            // have the same `value` property, and the glue only reads the property by name.
            let input: &HtmlInputElement = el.unchecked_ref();
            let text = input.value();
            let trimmed = text.trim();
            match codec.as_str() {
                TEXT if !text.is_empty() => set(&mut body, &p, Value::String(text)),
                INT if !trimmed.is_empty() => set(&mut body, &p, number(trimmed)),
                BOOL if el.has_attribute("data-set") => set(&mut body, &p, Value::Bool(input.checked())),
                JSON if !trimmed.is_empty() => match parse_json(&text) {
                    Ok(v) => set(&mut body, &p, v),
                    Err(report) => {
                        errors.extend(report.errors.iter().map(|v| Shown { pointer: p.clone(), ..Shown::from_core(v) }))
                    }
                },
                LIST | INT_LIST => {
                    let items: Vec<Value> = text
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| if codec == INT_LIST { number(s) } else { Value::String(s.to_owned()) })
                        .collect();
                    if !items.is_empty() {
                        set(&mut body, &p, Value::Array(items));
                    }
                }
                MEMBER if input.checked() => push(&mut body, &p, Value::String(text)),
                PRODUCT => {
                    let had = el.has_attribute("data-had");
                    if input.checked() || had {
                        let mut item = Map::new();
                        item.insert("productName".into(), Value::String(text));
                        for key in ["productId", "userProductId"] {
                            if let Some(n) =
                                el.get_attribute(&format!("data-{key}")).and_then(|n| n.parse::<i64>().ok())
                            {
                                item.insert(key.into(), n.into());
                            }
                        }
                        if !input.checked() {
                            item.insert("action".into(), "DELETE".into());
                        }
                        push(&mut body, &p, Value::Object(item));
                    }
                }
                _ => {}
            }
        }
        if let Some(d) = self.dialect {
            // Objects the form emptied are left out, deepest first; required ones stay.
            for f in api::field_table(d, self.op).iter().rev() {
                let empty = body.pointer(f.pointer).is_some_and(|v| v.as_object().is_some_and(Map::is_empty));
                if f.kind == Kind::Object && !f.required && !f.pointer.contains('*') && empty {
                    remove(&mut body, f.pointer);
                }
            }
        }
        Ok((body, errors))
    }

    /// Validates what the form holds and shows the errors the user should see now.
    fn refresh(&mut self) -> Res<Refreshed> {
        let Some(dialect) = self.dialect else {
            return Ok(Refreshed { js: JsValue::NULL, valid: false });
        };
        let (body, local) = self.collect()?;
        let report = api::check(dialect, self.op, &body);
        let mut all: Vec<Shown> = local;
        all.extend(report.errors.iter().map(Shown::from_core));
        let valid = all.is_empty();
        let js =
            api::to_js(&api::JsReport { valid, errors: all.iter().map(Shown::js).collect(), ignored: &report.ignored });
        self.show(&all)?;
        Ok(Refreshed { js, valid })
    }

    /// Places errors on their fields and fills the summary.
    fn show(&self, client: &[Shown]) -> Res {
        let list = self.root.query_selector_all("[data-for]")?;
        let mut anchors: Vec<(String, Element)> = Vec::new();
        for i in 0..list.length() {
            if let Some(e) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                anchors.push((e.get_attribute("data-for").unwrap_or_default(), e));
            }
        }
        let mut texts: Vec<Vec<String>> = vec![Vec::new(); anchors.len()];
        let mut summary: Vec<(String, Option<String>)> = Vec::new();
        for (s, server) in client.iter().map(|s| (s, false)).chain(self.server.iter().map(|s| (s, true))) {
            let best = anchors
                .iter()
                .enumerate()
                .filter(|(_, (p, _))| under(&s.pointer, p))
                .max_by_key(|(_, (p, _))| p.len())
                .map(|(i, _)| i);
            let visible = server || self.submitted || best.is_some_and(|i| self.is_touched(&anchors[i].0));
            if !visible {
                continue;
            }
            let message = self.texts.message(&s.code, &s.params, &s.message);
            match best {
                Some(i) => {
                    if !texts[i].contains(&message) {
                        let (_, anchor) = &anchors[i];
                        let label = self.summary_label(anchor)?;
                        summary.push((format!("{label}: {message}"), focus_target(anchor)?));
                        texts[i].push(message);
                    }
                }
                None => {
                    let label = if s.pointer.is_empty() { self.texts.ui("form", &[]) } else { s.pointer.clone() };
                    summary.push((format!("{label}: {message}"), None));
                }
            }
        }
        for ((_, anchor), messages) in anchors.iter().zip(&texts) {
            // A fieldset names its error line after itself, a field after its control.
            let Some(id) = anchor.get_attribute("id").or_else(|| direct_control_id(anchor)) else { continue };
            let error_id = format!("{id}-error");
            let Some(line) = self.root.get_element_by_id(&error_id) else { continue };
            line.set_text_content(Some(&messages.join(" ")));
            toggle(&line, "hidden", messages.is_empty(), "")?;
            let controls = direct_controls(anchor)?;
            let targets = if controls.is_empty() { vec![anchor.clone()] } else { controls };
            for c in targets {
                let hint = c
                    .get_attribute("aria-describedby")
                    .map(|d| d.split_whitespace().filter(|t| !t.ends_with("-error")).collect::<Vec<_>>().join(" "));
                let hint = hint.unwrap_or_default();
                if messages.is_empty() {
                    c.remove_attribute("aria-invalid")?;
                    if hint.is_empty() {
                        c.remove_attribute("aria-describedby")?;
                    } else {
                        c.attr("aria-describedby", &hint);
                    }
                } else {
                    if c.tag_name() != "FIELDSET" {
                        c.attr("aria-invalid", "true");
                    }
                    let described = if hint.is_empty() { error_id.clone() } else { format!("{hint} {error_id}") };
                    c.attr("aria-describedby", &described);
                }
            }
        }
        self.fill_summary(&summary)
    }

    fn fill_summary(&self, items: &[(String, Option<String>)]) -> Res {
        let Some(summary) = self.root.query_selector(".summary")? else { return Ok(()) };
        summary.set_text_content(None);
        let show_list = self.submitted || !self.server.is_empty();
        if self.notice.is_none() && (!show_list || items.is_empty()) {
            summary.attr("hidden", "");
            return Ok(());
        }
        summary.remove_attribute("hidden")?;
        if let Some(notice) = &self.notice {
            let node = self.text("p", "summary-title", notice);
            summary.add(&node);
            if let Some(detail) = &self.detail {
                let node = self.text("p", "detail", detail);
                summary.add(&node);
            }
        }
        if show_list && !items.is_empty() {
            let count = items.len().to_string();
            let node = self.text("p", "summary-title", &self.texts.ui("summary", &[("count", &count)]));
            summary.add(&node);
            let ul = self.el("ul", "");
            for (text, target) in items {
                let li = self.el("li", "");
                match target {
                    Some(id) => {
                        let a = self.text("a", "", text);
                        a.attr("href", &format!("#{id}"));
                        a.attr("data-focus", id);
                        li.add(&a);
                    }
                    None => li.set_text_content(Some(text)),
                }
                ul.add(&li);
            }
            summary.add(&ul);
        }
        Ok(())
    }

    /// The summary's name for an anchor: its label, prefixed with its row's legend.
    fn summary_label(&self, anchor: &Element) -> Res<String> {
        let label = anchor.get_attribute("data-label").unwrap_or_default();
        let row = match anchor.parent_element() {
            Some(p) => p.closest("[data-row]")?,
            None => None,
        };
        Ok(match row.and_then(|r| r.get_attribute("data-label")) {
            Some(row) if !anchor.has_attribute("data-row") => format!("{row} › {label}"),
            _ => label,
        })
    }

    fn is_touched(&self, anchor: &str) -> bool {
        self.touched.iter().any(|t| under(t, anchor))
    }

    fn focus_summary(&self) -> Res {
        if let Some(summary) = self.root.query_selector(".summary:not([hidden])")? {
            summary.unchecked_into::<HtmlElement>().focus()?;
        }
        Ok(())
    }

    fn focus_id(&self, id: &str) -> Res {
        if let Some(e) = self.root.get_element_by_id(id) {
            e.unchecked_into::<HtmlElement>().focus()?;
        }
        Ok(())
    }

    fn busy(&self, busy: bool, key: &str) -> Res {
        if let Some(form) = self.root.query_selector("form")? {
            toggle(&form, "aria-busy", busy, "true")?;
        }
        if let Some(submit) = self.root.query_selector(".submit")? {
            toggle(&submit, "aria-disabled", busy, "true")?;
        }
        let text = self.texts.ui(key, &[]);
        if busy {
            return self.set_status(&text);
        }
        // Clear only our own words: a "Saved." announced meanwhile stays.
        match self.root.query_selector(".status")? {
            Some(status) if status.text_content().as_deref() == Some(text.as_str()) => self.set_status(""),
            _ => Ok(()),
        }
    }

    fn set_status(&self, text: &str) -> Res {
        if let Some(status) = self.root.query_selector(".status")? {
            status.set_text_content(Some(text));
        }
        Ok(())
    }
}

/// Fields whose pointer is `parent` plus one token, in table order.
fn children(fields: &'static [Field], parent: &str) -> Vec<&'static Field> {
    fields
        .iter()
        .filter(|f| {
            f.pointer
                .strip_prefix(parent)
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|last| !last.is_empty() && !last.contains('/'))
        })
        .collect()
}

/// `Email` → `email` for use inside a sentence ("Add email"); `URL`, `X.509` stay as they are.
/// ASCII only: Unicode case tables would cost ~10 KiB of wasm.
fn lower_first(label: &str) -> String {
    let bytes = label.as_bytes();
    match bytes {
        [first, second, ..] if first.is_ascii_uppercase() && second.is_ascii_lowercase() => {
            let mut out = label.to_owned();
            out[..1].make_ascii_lowercase();
            out
        }
        _ => label.to_owned(),
    }
}

fn last_token(pointer: &str) -> &str {
    pointer.rsplit('/').next().unwrap_or(pointer)
}

/// Whether `pointer` is `anchor` or inside it.
fn under(pointer: &str, anchor: &str) -> bool {
    pointer == anchor || (pointer.starts_with(anchor) && pointer.as_bytes().get(anchor.len()) == Some(&b'/'))
}

fn anchor_of(el: &Element) -> Res<Option<String>> {
    Ok(el.closest("[data-for]")?.and_then(|a| a.get_attribute("data-for")))
}

/// Controls whose nearest anchor is `anchor` itself (not a nested group).
fn direct_controls(anchor: &Element) -> Res<Vec<Element>> {
    let list = anchor.query_selector_all("[data-p]")?;
    let mut out = Vec::new();
    for i in 0..list.length() {
        if let Some(e) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok())
            && e.closest("[data-for]")?.is_some_and(|a| a == *anchor)
        {
            out.push(e);
        }
    }
    Ok(out)
}

fn direct_control_id(anchor: &Element) -> Option<String> {
    direct_controls(anchor).ok()?.first()?.get_attribute("id")
}

/// Where a summary link sends focus: the anchor's first control, else the first inside it.
fn focus_target(anchor: &Element) -> Res<Option<String>> {
    if let Some(id) = direct_control_id(anchor) {
        return Ok(Some(id));
    }
    Ok(anchor.query_selector("[data-p]")?.and_then(|e| e.get_attribute("id")))
}

/// Sets `attr` to `value` when `on`, else removes it.
fn toggle(el: &Element, attr: &str, on: bool, value: &str) -> Res {
    if on {
        el.attr(attr, value);
        Ok(())
    } else {
        el.remove_attribute(attr)
    }
}

/// Escapes a value for a double-quoted CSS attribute selector.
fn css(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

fn input_type(f: &Field) -> &'static str {
    if f.write_only {
        return "password";
    }
    match (f.kind, f.format) {
        (Kind::Integer, _) => "number",
        (_, Some(Format::Email)) => "email",
        (_, Some(Format::Url)) => "url",
        _ if matches!(f.label, "work_phone" | "mobile_phone" | "phone") => "tel",
        _ => "text",
    }
}

fn autocomplete(f: &Field) -> Option<&'static str> {
    Some(match f.label {
        "email" => "email",
        "given_name" => "given-name",
        "family_name" => "family-name",
        "middle_name" => "additional-name",
        "username" => "username",
        "password" => "new-password",
        "work_phone" | "mobile_phone" | "phone" => "tel",
        "job_title" => "organization-title",
        "address_line1" => "address-line1",
        "address_line2" => "address-line2",
        "locality" => "address-level2",
        "postal_code" => "postal-code",
        "country" => "country-name",
        _ => return None,
    })
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

/// An integer if the text is one, else the text (the core then reports the type).
fn number(text: &str) -> Value {
    text.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(text.to_owned()))
}

fn shown_from_json(e: &Value) -> Option<Shown> {
    let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    Some(Shown {
        pointer: e.get("pointer")?.as_str()?.to_owned(),
        code: s("code"),
        message: s("message"),
        params: e.get("params").and_then(Value::as_object).cloned().unwrap_or_default(),
    })
}

/// RFC 6901 reference tokens, unescaped.
fn tokens(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
}

/// The value at `pointer`, creating objects (and arrays before numeric tokens) when `create`.
fn slot<'a>(body: &'a mut Value, pointer: &str, create: bool) -> Option<&'a mut Value> {
    let toks = tokens(pointer);
    let mut node = body;
    for (i, t) in toks.iter().enumerate() {
        let next_is_index = toks.get(i + 1).is_some_and(|n| n.parse::<usize>().is_ok());
        let fresh = || if next_is_index { Value::Array(Vec::new()) } else { Value::Object(Map::new()) };
        node = match node {
            Value::Object(map) => {
                if create {
                    map.entry(t.clone()).or_insert_with(fresh)
                } else {
                    map.get_mut(t)?
                }
            }
            Value::Array(items) => {
                let index: usize = t.parse().ok()?;
                if create {
                    while items.len() <= index {
                        items.push(fresh());
                    }
                }
                items.get_mut(index)?
            }
            _ => return None,
        };
        if create && node.is_null() {
            *node = fresh();
        }
    }
    Some(node)
}

fn set(body: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = slot(body, pointer, true) {
        *slot = value;
    }
}

fn push(body: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = slot(body, pointer, true) {
        if !slot.is_array() {
            *slot = Value::Array(Vec::new());
        }
        if let Value::Array(items) = slot {
            items.push(value);
        }
    }
}

fn remove(body: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    let last = last.replace("~1", "/").replace("~0", "~");
    match slot(body, parent, false) {
        Some(Value::Object(map)) => {
            map.remove(&last);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = last.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        _ => {}
    }
}

/// The shadow tree's styles. Every colour and length a page may want to change is a custom
/// property with a default (documented in docs/widget.md); `::part()` names the main pieces.
const STYLE: &str = ":host{display:block;color:var(--ue-color,#1f2328);font:var(--ue-font,inherit)}\
:host([hidden]){display:none}\
.form{box-sizing:border-box;max-width:var(--ue-max-width,40rem);padding:var(--ue-padding,1rem 1.25rem);background:var(--ue-bg,#fff);border:1px solid var(--ue-border,#6e7781);border-radius:var(--ue-radius,8px)}\
.title{margin:0 0 .25rem;font-size:1.15rem}\
.dialect{margin-left:.5rem;font-size:.8rem;font-weight:400;color:var(--ue-muted,#57606a)}\
.note,.hint{margin:.25rem 0;font-size:.875rem;color:var(--ue-muted,#57606a)}\
.fields{border:0;padding:0;margin:0;min-width:0}\
.field{margin:.75rem 0}\
label,legend{font-weight:600}\
.field>label{display:block;margin-bottom:.25rem}\
.check{margin:.25rem 0}\
.check>label,.field.check>label{display:inline;font-weight:400;margin-left:.35rem}\
input,select,textarea{box-sizing:border-box;width:100%;font:inherit;color:inherit;background:var(--ue-input-bg,#fff);border:1px solid var(--ue-border,#6e7781);border-radius:var(--ue-control-radius,4px);padding:.4rem .5rem}\
input[type=checkbox]{width:auto;margin:0;vertical-align:middle}\
textarea{min-height:4.5rem;resize:vertical}\
.code{font-family:ui-monospace,monospace;font-size:.875rem}\
fieldset.section{display:inline-block;vertical-align:top;min-width:11rem;margin:.25rem .5rem .25rem 0}\
fieldset.group,fieldset.row{border:1px solid var(--ue-border,#6e7781);border-radius:var(--ue-control-radius,4px);margin:.75rem 0;padding:.5rem .75rem;min-width:0}\
[aria-invalid=true]{border-color:var(--ue-error,#b3261e);box-shadow:0 0 0 1px var(--ue-error,#b3261e)}\
.error{margin:.25rem 0 0;font-size:.875rem;color:var(--ue-error,#b3261e)}\
.req{color:var(--ue-error,#b3261e)}\
:focus-visible{outline:3px solid var(--ue-focus,#0969da);outline-offset:2px}\
button{font:inherit;cursor:pointer;padding:.4rem .9rem;border-radius:var(--ue-control-radius,4px);border:1px solid var(--ue-accent,#0b5cad);background:var(--ue-input-bg,#fff);color:var(--ue-accent,#0b5cad)}\
.submit{background:var(--ue-accent,#0b5cad);color:var(--ue-accent-text,#fff)}\
.submit[aria-disabled=true]{cursor:progress;background:var(--ue-muted,#57606a);border-color:var(--ue-muted,#57606a)}\
.remove{margin-top:.25rem}\
.summary{margin:.75rem 0;padding:.5rem .75rem;border:2px solid var(--ue-error,#b3261e);border-radius:var(--ue-control-radius,4px)}\
.summary-title{margin:.25rem 0;font-weight:600}\
.summary a{color:var(--ue-error,#b3261e)}\
.summary ul{margin:.25rem 0;padding-left:1.25rem}\
.actions{margin-top:1rem}\
.status{min-height:1.5em;margin:.5rem 0 0;color:var(--ue-muted,#57606a)}\
.unknown{color:var(--ue-error,#b3261e)}";

/// Adds `anchor` to the touched list; whether it was new.
fn touch(touched: &mut Vec<String>, anchor: String) -> bool {
    let new = !touched.contains(&anchor);
    if new {
        touched.push(anchor);
    }
    new
}
