//! DOM tests of the form inside `<user-edit>`: rendering from the core's metadata, reading the
//! form back, live validation, error placement, i18n. They need a document, so they are forced
//! into the browser; `cargo xtask test` runs this file only in the headless Chromium pass.
//!
//! Events are dispatched on the controls and handed to the view by listeners on the shadow root,
//! as the element's JS class does (an event's `target` inside a shadow tree is only set while it
//! is being dispatched).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::panic)]

use std::cell::{RefCell, RefMut};
use std::rc::Rc;

use serde_json::{Value, json};
use userbridge_widget::view::View;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

type Res = Result<(), JsValue>;

struct Form {
    host: Element,
    view: Rc<RefCell<View>>,
    _listener: Closure<dyn FnMut(Event)>,
}

impl Drop for Form {
    fn drop(&mut self) {
        self.host.remove();
    }
}

/// A rendered form for a fresh host attached to the test page's body.
fn form(dialect: &str, update: bool, lang: &str) -> Result<Form, JsValue> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let host = document.create_element("div")?;
    document.body().ok_or("no body")?.append_child(&host)?;
    let mut view = View::new(host.clone(), dialect, update, lang)?;
    view.render()?;
    let view = Rc::new(RefCell::new(view));
    let shared = view.clone();
    // Like the JS class: events raised while the view is busy (focus moves) are dropped.
    let listener = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        if let Ok(mut view) = shared.try_borrow_mut() {
            let _ = view.handle(&event);
        }
    });
    let root = host.shadow_root().ok_or("no shadow root")?;
    for kind in ["input", "change", "focusout", "click"] {
        root.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref())?;
    }
    Ok(Form { host, view, _listener: listener })
}

impl Form {
    fn view(&self) -> RefMut<'_, View> {
        self.view.borrow_mut()
    }

    fn root(&self) -> ShadowRoot {
        self.host.shadow_root().unwrap_or_else(|| panic!("no shadow root"))
    }

    fn one(&self, selector: &str) -> Element {
        self.root().query_selector(selector).ok().flatten().unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root().query_selector_all(selector).unwrap_or_else(|_| panic!("bad selector {selector}"));
        (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<Element>().ok()).collect()
    }

    /// The control writing `pointer` (the first, for a group of checkboxes).
    fn control(&self, pointer: &str) -> Element {
        self.one(&format!("[data-p=\"{pointer}\"]"))
    }

    fn member(&self, pointer: &str, value: &str) -> HtmlInputElement {
        self.one(&format!("[data-p=\"{pointer}\"][value=\"{value}\"]")).unchecked_into()
    }

    /// Types `text` into the control at `pointer` (an `input` event).
    fn type_in(&mut self, pointer: &str, text: &str) -> Res {
        let control = self.control(pointer);
        control.unchecked_ref::<HtmlInputElement>().set_value(text);
        self.fire(&control, "input")
    }

    /// Leaves the control at `pointer` (a `focusout` event).
    fn leave(&mut self, pointer: &str) -> Res {
        let control = self.control(pointer);
        self.fire(&control, "focusout")
    }

    fn toggle(&mut self, input: &HtmlInputElement, checked: bool) -> Res {
        input.set_checked(checked);
        self.fire(input, "change")
    }

    fn fire(&mut self, target: &Element, kind: &str) -> Res {
        let init = EventInit::new();
        init.set_bubbles(true);
        init.set_cancelable(true);
        let event = Event::new_with_event_init_dict(kind, &init)?;
        target.dispatch_event(&event)?;
        Ok(())
    }

    fn body(&self) -> Value {
        let js = self.view().body().unwrap_or(JsValue::NULL);
        let text = js_sys::JSON::stringify(&js).ok().and_then(|s| s.as_string()).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// The visible error text of the field writing `pointer`.
    fn error(&self, pointer: &str) -> Option<String> {
        let control = self.control(pointer);
        let anchor = control.closest("[data-for]").ok().flatten()?;
        let id = anchor.id();
        let id = if id.is_empty() { control.id() } else { id };
        let line = self.root().get_element_by_id(&format!("{id}-error"))?;
        (!line.has_attribute("hidden")).then(|| line.text_content().unwrap_or_default())
    }

    fn label_of(&self, control: &Element) -> String {
        let id = control.id();
        self.root()
            .query_selector(&format!("label[for=\"{id}\"]"))
            .ok()
            .flatten()
            .and_then(|l| l.text_content())
            .unwrap_or_default()
    }

    fn active_id(&self) -> String {
        self.root().active_element().map(|e| e.id()).unwrap_or_default()
    }
}

fn js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

const DIALECTS: [&str; 5] = ["learningcloud", "publisher", "primavera", "devicehive", "scim"];

#[wasm_bindgen_test]
fn every_control_of_every_dialect_has_a_label() -> Res {
    for d in DIALECTS {
        for update in [false, true] {
            let f = form(d, update, "en")?;
            let controls = f.all("[data-p]");
            assert!(controls.len() > 5, "{d}: {} controls", controls.len());
            for c in &controls {
                assert!(!c.id().is_empty(), "{d}: a control without id");
                assert!(!f.label_of(c).trim().is_empty(), "{d}: no label for {:?}", c.get_attribute("data-p"));
            }
            assert_eq!(f.one("form").get_attribute("data-dialect").as_deref(), Some(d));
            assert_eq!(
                f.one("form").get_attribute("data-op").as_deref(),
                Some(if update { "update" } else { "create" })
            );
            assert!(f.host.has_attribute("data-ready"));
        }
    }
    Ok(())
}

#[wasm_bindgen_test]
fn input_types_follow_kind_format_and_label() -> Res {
    let f = form("primavera", false, "en")?;
    let attr = |p: &str, a: &str| f.control(p).get_attribute(a);
    assert_eq!(attr("/email", "type").as_deref(), Some("email"));
    assert_eq!(attr("/email", "maxlength").as_deref(), Some("255"));
    assert!(f.control("/email").has_attribute("required"));
    assert_eq!(attr("/mobile", "type").as_deref(), Some("tel"));
    assert_eq!(attr("/mobile", "maxlength").as_deref(), Some("20"));
    assert!(!f.control("/mobile").has_attribute("required"));
    assert_eq!(attr("/companyId", "type").as_deref(), Some("number"));
    assert_eq!(attr("/federatedUser", "type").as_deref(), Some("checkbox"));
    assert_eq!(f.control("/userLocale").tag_name(), "SELECT");
    assert_eq!(f.all("[data-p=\"/userLocale\"] option").len(), 13, "(not set) + the 12 locales");
    assert_eq!(f.all("[data-p=\"/productNames\"]").len(), 4, "a checkbox per create product");

    let f = form("devicehive", false, "en")?;
    assert_eq!(f.control("/password").get_attribute("type").as_deref(), Some("password"));
    assert_eq!(f.control("/password").get_attribute("autocomplete").as_deref(), Some("new-password"));
    assert_eq!(f.control("/data").tag_name(), "TEXTAREA");
    let roles: Vec<String> = f.all("[data-p=\"/role\"] option").iter().filter_map(|o| o.text_content()).collect();
    assert_eq!(roles, ["(not set)", "Administrator", "Client"]);

    let f = form("scim", false, "en")?;
    assert_eq!(f.control("/profileUrl").get_attribute("type").as_deref(), Some("url"));
    assert_eq!(f.control("/emails/0/value").get_attribute("type").as_deref(), Some("email"));
    Ok(())
}

#[wasm_bindgen_test]
fn limits_follow_the_operation() -> Res {
    let create = form("primavera", false, "en")?;
    let update = form("primavera", true, "en")?;
    assert_eq!(create.control("/title").get_attribute("maxlength").as_deref(), Some("200"));
    assert_eq!(update.control("/title").get_attribute("maxlength").as_deref(), Some("25"));
    assert!(update.root().query_selector("[data-p=\"/companyId\"]")?.is_none(), "create-only field");
    assert!(update.root().query_selector("[data-p=\"/userId\"]")?.is_none(), "ids are not typed");
    Ok(())
}

#[wasm_bindgen_test]
fn nested_objects_and_number_lists_are_read_back() -> Res {
    let mut f = form("publisher", false, "en")?;
    assert_eq!(f.body(), json!({"user": {}}));
    f.type_in("/user/name/firstname", "Ana")?;
    f.type_in("/user/email", "ana@example.com")?;
    f.type_in("/user/organisation/orgid", "75")?;
    assert_eq!(
        f.body(),
        json!({"user": {"name": {"firstname": "Ana"}, "email": "ana@example.com", "organisation": {"orgid": 75}}})
    );

    let mut f = form("primavera", false, "en")?;
    f.type_in("/officeIds", "1, 2,, x ")?;
    assert_eq!(f.body()["officeIds"], json!([1, 2, "x"]));
    f.leave("/officeIds")?;
    assert_eq!(f.error("/officeIds").as_deref(), Some("Must be of type integer."));
    Ok(())
}

#[wasm_bindgen_test]
fn the_roles_editor_writes_the_section_map() -> Res {
    let mut f = form("learningcloud", false, "en")?;
    let sections: Vec<String> = f.all("fieldset.section").iter().filter_map(|s| s.get_attribute("data-for")).collect();
    assert_eq!(sections, ["/roles/management", "/roles/training", "/roles/social", "/roles/play"]);
    let trainer = f.member("/roles/training", "trainer");
    f.toggle(&trainer, true)?;
    assert_eq!(f.body()["roles"], json!({"training": ["trainer"]}));
    // The core's rule: management needs one of its roles; it shows on the section once touched.
    f.fire(&trainer, "focusout")?;
    assert!(f.one("fieldset[data-for=\"/roles/management\"] .error").has_attribute("hidden"));
    let _ = f.view().submit()?;
    let error = f.one("fieldset[data-for=\"/roles/management\"] > .error");
    assert!(error.text_content().unwrap_or_default().starts_with("Select at least one of"));
    let user = f.member("/roles/management", "user");
    f.toggle(&user, true)?;
    assert_eq!(f.body()["roles"], json!({"management": ["user"], "training": ["trainer"]}));
    assert!(f.one("fieldset[data-for=\"/roles/management\"] > .error").has_attribute("hidden"));

    let f = form("learningcloud", true, "en")?;
    assert_eq!(f.all("fieldset.section").len(), 6, "talent and content exist on update");
    Ok(())
}

#[wasm_bindgen_test]
fn the_products_editor_sends_a_delta() -> Res {
    let mut f = form("primavera", true, "en")?;
    let loaded = json!({"userId": 4321, "email": "ana@example.com", "firstName": "Ana", "lastName": "García",
        "userProducts": [{"productName": "TASKS", "productId": 7, "userProductId": 70}]});
    f.view().load(js(&loaded))?;
    let tasks = f.member("/userProducts", "TASKS");
    assert!(tasks.checked());
    let idea = f.member("/userProducts", "IDEA");
    assert!(!idea.checked());
    assert_eq!(f.body(), loaded, "untouched, the body is what was loaded");
    f.toggle(&idea, true)?;
    let tasks = f.member("/userProducts", "TASKS");
    f.toggle(&tasks, false)?;
    let body = f.body();
    assert_eq!(body["userId"], 4321, "fields the form does not show survive");
    assert_eq!(
        body["userProducts"],
        json!([{"productName": "IDEA"}, {"productName": "TASKS", "productId": 7, "userProductId": 70, "action": "DELETE"}])
    );
    Ok(())
}

#[wasm_bindgen_test]
fn live_validation_shows_and_clears_an_error() -> Res {
    let mut f = form("primavera", false, "en")?;
    f.type_in("/email", "not-an-email")?;
    assert_eq!(f.error("/email"), None, "no error before the field is left");
    f.leave("/email")?;
    assert_eq!(f.error("/email").as_deref(), Some("Enter a valid email address."));
    let email = f.control("/email");
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));
    let described = email.get_attribute("aria-describedby").unwrap_or_default();
    assert_eq!(described, format!("{}-error", email.id()));
    assert_eq!(f.error("/firstName"), None, "untouched fields stay quiet");
    f.type_in("/email", "ana@example.com")?;
    assert_eq!(f.error("/email"), None);
    let email = f.control("/email");
    assert!(!email.has_attribute("aria-invalid"));
    assert!(!email.has_attribute("aria-describedby"));
    Ok(())
}

#[wasm_bindgen_test]
fn submit_lists_problems_with_links_that_focus_the_field() -> Res {
    let mut f = form("learningcloud", false, "en")?;
    let report = f.view().submit()?;
    assert_eq!(js_sys::Reflect::get(&report, &"valid".into())?, JsValue::FALSE);
    let summary = f.one(".summary");
    assert!(!summary.has_attribute("hidden"));
    assert!(f.root().active_element().is_some_and(|a| a.class_name() == "summary"));
    let text = summary.text_content().unwrap_or_default();
    assert!(text.contains("Please check these fields (1):"), "{text}");
    assert!(text.contains("Username: This field is required."), "{text}");
    let link = f.one(".summary a");
    let target = link.get_attribute("data-focus").unwrap_or_default();
    assert_eq!(target, f.control("/username").id());
    f.fire(&link, "click")?;
    assert_eq!(f.active_id(), target);
    // Fixing the field empties the summary.
    f.type_in("/username", "ana")?;
    assert!(f.one(".summary").has_attribute("hidden"));
    let report = f.view().submit()?;
    assert_eq!(js_sys::Reflect::get(&report, &"valid".into())?, JsValue::TRUE);
    Ok(())
}

#[wasm_bindgen_test]
fn server_errors_land_on_their_fields() -> Res {
    let mut f = form("publisher", false, "en")?;
    f.type_in("/user/email", "taken@example.com")?;
    let problem = json!({"type": "urn:userbridge:problem:duplicate", "title": "Duplicate value", "status": 409,
        "detail": "The email address is already taken.",
        "errors": [{"pointer": "/user/email", "code": "duplicate", "message": "is already taken", "params": {}}]});
    f.view().problem(js(&problem))?;
    assert_eq!(f.error("/user/email").as_deref(), Some("This value is already taken."));
    assert_eq!(f.control("/user/email").get_attribute("aria-invalid").as_deref(), Some("true"));
    let summary = f.one(".summary").text_content().unwrap_or_default();
    assert!(summary.contains("Duplicate value"), "{summary}");
    assert!(summary.contains("The email address is already taken."), "{summary}");
    assert!(summary.contains("Email: This value is already taken."), "{summary}");
    f.type_in("/user/email", "free@example.com")?;
    assert_eq!(f.error("/user/email"), None, "editing the field clears the server's error");
    Ok(())
}

#[wasm_bindgen_test]
fn a_network_failure_is_announced_and_input_kept() -> Res {
    let mut f = form("devicehive", false, "en")?;
    f.type_in("/login", "jane")?;
    f.view().set_saving(true)?;
    assert_eq!(f.one(".submit").get_attribute("aria-disabled").as_deref(), Some("true"));
    assert_eq!(f.one(".status").text_content().as_deref(), Some("Saving…"));
    f.view().set_saving(false)?;
    f.view().network_error()?;
    assert!(!f.one(".submit").has_attribute("aria-disabled"));
    assert!(f.one(".summary").text_content().unwrap_or_default().starts_with("Could not reach the server."));
    assert_eq!(f.body()["login"], "jane");
    Ok(())
}

#[wasm_bindgen_test]
fn an_unknown_dialect_is_an_alert_and_stays_text() -> Res {
    let f = form("<img src=x onerror=alert(1)>", false, "en")?;
    assert!(!f.view().known());
    assert!(f.root().query_selector("form")?.is_none());
    assert!(f.root().query_selector("img")?.is_none());
    let alert = f.one("[role=alert]").text_content().unwrap_or_default();
    assert_eq!(alert, "Unknown dialect: <img src=x onerror=alert(1)>");
    Ok(())
}

#[wasm_bindgen_test]
fn loaded_values_stay_text() -> Res {
    let f = form("primavera", true, "en")?;
    let hostile = "<img src=x onerror=alert(1)>";
    f.view()
        .load(js(&json!({"userId": 1, "email": "a@b.co", "firstName": hostile, "lastName": "B", "status": hostile})))?;
    assert!(f.root().query_selector("img")?.is_none());
    assert_eq!(f.control("/firstName").unchecked_into::<HtmlInputElement>().value(), hostile);
    // A value outside an enumeration stays visible (and reported), not silently dropped.
    assert_eq!(f.body()["status"], hostile);
    let _ = f.view().submit()?;
    assert!(f.error("/status").is_some_and(|e| e.contains("Must be one of: ACTIVE, INACTIVE.")));
    Ok(())
}

#[wasm_bindgen_test]
fn spanish_built_in_and_custom_messages() -> Res {
    let mut f = form("primavera", false, "es")?;
    assert_eq!(f.label_of(&f.control("/email")).trim_end_matches(" *"), "Correo electrónico");
    assert_eq!(f.one(".submit").text_content().as_deref(), Some("Crear usuario"));
    let _ = f.view().submit()?;
    assert_eq!(f.error("/email").as_deref(), Some("Este campo es obligatorio."));

    let messages = js(&json!({"label.email": "E-Mail", "required": "Pflichtfeld", "ui.submit_create": "Anlegen"}));
    f.view().set_messages(messages)?;
    assert_eq!(f.label_of(&f.control("/email")).trim_end_matches(" *"), "E-Mail");
    assert_eq!(f.one(".submit").text_content().as_deref(), Some("Anlegen"));
    let _ = f.view().submit()?;
    assert_eq!(f.error("/email").as_deref(), Some("Pflichtfeld"));
    // Switching the language keeps what was typed.
    f.type_in("/firstName", "Ana")?;
    f.view().set_lang("en")?;
    assert_eq!(f.control("/firstName").unchecked_into::<HtmlInputElement>().value(), "Ana");
    assert_eq!(f.label_of(&f.control("/firstName")).trim_end_matches(" *"), "First name");
    Ok(())
}

#[wasm_bindgen_test]
fn rows_are_added_and_removed() -> Res {
    let mut f = form("scim", false, "en")?;
    assert_eq!(f.all("[data-row^=\"/emails/\"]").len(), 1, "create starts with one email");
    assert_eq!(f.body()["schemas"], json!(["urn:ietf:params:scim:schemas:core:2.0:User"]));
    f.type_in("/emails/0/value", "first@example.com")?;
    let add = f.one("[data-add=\"/emails\"]");
    assert_eq!(add.text_content().as_deref(), Some("Add email"));
    f.fire(&add, "click")?;
    assert_eq!(f.all("[data-row^=\"/emails/\"]").len(), 2);
    assert_eq!(f.active_id(), f.control("/emails/1/value").id(), "focus moves into the new row");
    f.type_in("/emails/1/value", "second@example.com")?;
    let remove = f.one("[data-remove=\"/emails\"][data-index=\"0\"]");
    assert_eq!(remove.text_content().as_deref(), Some("Remove email 1"));
    f.fire(&remove, "click")?;
    assert_eq!(f.body()["emails"], json!([{"value": "second@example.com"}]));
    assert!(f.root().active_element().is_some_and(|a| a.has_attribute("data-add")), "focus on the add button");
    // An empty row is reported where it is, not dropped.
    let add = f.one("[data-add=\"/emails\"]");
    f.fire(&add, "click")?;
    let _ = f.view().submit()?;
    assert_eq!(f.error("/emails/1/value").as_deref(), Some("This field is required."));
    Ok(())
}

#[wasm_bindgen_test]
fn json_fields_are_parsed_strictly() -> Res {
    let mut f = form("devicehive", false, "en")?;
    f.type_in("/data", "{\"theme\": \"dark\",}")?;
    f.leave("/data")?;
    assert_eq!(f.error("/data").as_deref(), Some("Not valid JSON (line 1, column 18)."));
    assert!(f.body().get("data").is_none());
    f.type_in("/data", "{\"theme\": \"dark\"}")?;
    assert_eq!(f.error("/data"), None);
    assert_eq!(f.body()["data"], json!({"theme": "dark"}));
    Ok(())
}

#[wasm_bindgen_test]
fn booleans_are_sent_once_set() -> Res {
    let mut f = form("learningcloud", false, "en")?;
    assert!(f.body().get("enabled").is_none(), "untouched: the vendor's default applies");
    let active: HtmlInputElement = f.control("/enabled").unchecked_into();
    assert_eq!(f.label_of(&active), "Active");
    f.toggle(&active, true)?;
    assert_eq!(f.body()["enabled"], true);
    let active: HtmlInputElement = f.control("/enabled").unchecked_into();
    f.toggle(&active, false)?;
    assert_eq!(f.body()["enabled"], false);
    Ok(())
}

#[wasm_bindgen_test]
fn loading_disables_the_controls() -> Res {
    let f = form("scim", true, "en")?;
    f.view().set_loading(true)?;
    assert!(f.one(".fields").has_attribute("disabled"));
    assert_eq!(f.one(".status").text_content().as_deref(), Some("Loading user…"));
    f.view().load(js(
        &json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "abc", "userName": "bjensen",
        "emails": [{"value": "b@example.com", "primary": true}, {"value": "h@example.com"}]}),
    ))?;
    f.view().set_loading(false)?;
    assert!(!f.one(".fields").has_attribute("disabled"));
    assert_eq!(f.all("[data-row^=\"/emails/\"]").len(), 2);
    assert!(f.control("/emails/0/primary").unchecked_into::<HtmlInputElement>().checked());
    assert_eq!(f.body()["id"], "abc", "the loaded id travels back");
    let focusable: HtmlElement = f.control("/userName").unchecked_into();
    focusable.focus()?;
    f.view().announce("saved")?;
    assert_eq!(f.one(".status").text_content().as_deref(), Some("Saved."));
    Ok(())
}
