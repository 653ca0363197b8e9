//! A dialect is one module: a table of rows plus the rules a row cannot say. This one exists only
//! here (an HR directory's user feed, made up for the test) and goes through everything the five
//! real dialects do — validation, translation both ways with its loss report, the JSON Schema,
//! the field table and the update semantics — without a line of code outside this file.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use userbridge_core::canonical::PhoneKind;
use userbridge_core::fields::Format;
use userbridge_core::mapping::{Codec, Lit, Slot};
use userbridge_core::translate::LossReason;
use userbridge_core::{Dialect, DialectSpec, Field, Op, Report, Violation};

/// An HR feed: flat records, `on`/`off` for the account state, one mobile number.
struct Hris;

static STATE: &[(Lit, &str)] = &[
    (Lit::Str("on"), "active"),
    (Lit::Str("off"), "inactive"),
    (Lit::Str("off"), "suspended"),
    (Lit::Str("off"), "locked_out"),
    (Lit::Str("off"), "archived"),
];

static ROWS: &[Field] = &[
    Field::string("/login", "username").required().min(1).max(64).to(Slot::Username),
    Field::string("/first", "given_name").to(Slot::GivenName),
    Field::string("/last", "family_name").to(Slot::FamilyName),
    Field::string("/mail", "email").format(Format::Email).to_via(Slot::Emails, Codec::Email),
    Field::string("/cell", "mobile_phone").to_via(Slot::Phones, Codec::Phone(PhoneKind::Mobile)),
    Field::string("/state", "status").allowed(&["on", "off"]).to_via(Slot::Status, Codec::Enum(STATE)),
];

impl DialectSpec for Hris {
    fn name(&self) -> &'static str {
        "hris"
    }

    fn fields(&self, _op: Op) -> &'static [Field] {
        ROWS
    }

    /// A vendor rule no row can say: a record without a family name needs a mail address.
    fn check(&self, _op: Op, input: &Value, report: &mut Report) {
        if input.get("last").is_none() && input.get("mail").is_none() {
            report.push(Violation::new("/mail", userbridge_core::Code::Required));
        }
    }
}

fn record() -> Value {
    json!({"login": "ana", "first": "Ana", "last": "García", "mail": "ana@example.com", "cell": "+34600111222", "state": "off"})
}

fn codes(report: &Report) -> Vec<(String, &'static str)> {
    report.errors.iter().map(|v| (v.pointer.to_string(), v.code.as_str())).collect()
}

#[test]
fn validates_every_error_with_pointers() {
    let r = userbridge_core::validate_with(&Hris, Op::Create, &json!({"first": 1, "state": "maybe", "badge": 7}));
    assert_eq!(
        codes(&r),
        [
            ("/login".into(), "required"),
            ("/first".into(), "invalid_type"),
            ("/state".into(), "not_allowed_value"),
            ("/mail".into(), "required"),
        ]
    );
    assert_eq!(r.ignored, ["/badge"]);
    assert!(userbridge_core::validate_with(&Hris, Op::Create, &record()).is_valid());
}

#[test]
fn translates_to_a_real_dialect_and_reports_what_it_cannot_hold() {
    let scim = Dialect::Scim.spec();
    let t = userbridge_core::translate_with(&Hris, scim, Op::Create, &record()).unwrap();
    assert_eq!(t.body["userName"], "ana");
    assert_eq!(t.body["name"], json!({"givenName": "Ana", "familyName": "García"}));
    assert_eq!(t.body["emails"][0]["value"], "ana@example.com");
    assert_eq!(t.body["phoneNumbers"][0], json!({"value": "+34600111222", "type": "mobile"}));
    assert_eq!(t.body["active"], false);
    assert!(t.lost.is_empty(), "SCIM holds all of it: {:?}", t.lost);

    let dh = Dialect::DeviceHive.spec();
    let t = userbridge_core::translate_with(&Hris, dh, Op::Create, &record()).unwrap();
    assert_eq!((t.body["login"].as_str(), t.body["status"].as_i64()), (Some("ana"), Some(2)));
    let lost: Vec<(&str, LossReason)> = t.lost.iter().map(|l| (l.pointer.as_str(), l.reason)).collect();
    for pointer in ["/first", "/last", "/mail", "/cell"] {
        assert!(lost.contains(&(pointer, LossReason::NotSupported)), "{pointer} lost: {lost:?}");
    }
    assert_eq!(lost.len(), 4);
    let unmet: Vec<&str> = t.unmet.iter().map(|v| v.pointer.as_str()).collect();
    assert_eq!(unmet, ["/password", "/role"], "DeviceHive's own required fields");
}

#[test]
fn translates_from_a_real_dialect_with_narrowing() {
    let publisher = Dialect::Publisher.spec();
    let body = json!({"user": {"email": "b@example.com", "status": "suspended", "jobtitle": "CTO", "mobile": "+1"}});
    let t = userbridge_core::translate_with(publisher, &Hris, Op::Update, &body).unwrap();
    assert_eq!(t.body, json!({"mail": "b@example.com", "state": "off", "cell": "+1"}));
    let lost: Vec<(&str, LossReason, Option<&Value>)> =
        t.lost.iter().map(|l| (l.pointer.as_str(), l.reason, l.target_value.as_ref())).collect();
    assert_eq!(
        lost,
        [
            ("/user/jobtitle", LossReason::NotSupported, None),
            ("/user/status", LossReason::Narrowed, Some(&json!("inactive"))),
        ]
    );
    assert_eq!(t.unmet.iter().map(|v| v.pointer.as_str()).collect::<Vec<_>>(), ["/login"]);
}

#[test]
fn schema_and_fields_come_from_the_rows() {
    let schema = userbridge_core::schema_with(&Hris, Op::Create);
    assert_eq!(schema["$id"], "urn:userbridge:schema:hris:create");
    assert_eq!(schema["required"], json!(["login"]));
    assert_eq!(
        schema["properties"]["login"],
        json!({"type": "string", "minLength": 1, "maxLength": 64, "x-label": "username"})
    );
    assert_eq!(schema["properties"]["mail"]["format"], "email");
    assert_eq!(schema["properties"]["state"]["enum"], json!(["on", "off"]));
    let labels: Vec<&str> = userbridge_core::fields_with(&Hris, Op::Update).iter().map(|f| f.label).collect();
    assert_eq!(labels, ["username", "given_name", "family_name", "email", "mobile_phone", "status"]);
}

#[test]
fn pointers_map_both_ways_through_the_rows() {
    let user = userbridge_core::to_canonical_with(&Hris, Op::Create, &record()).unwrap();
    assert_eq!(Hris.wire_pointer(Op::Create, &user, "/name/family").as_deref(), Some("/last"));
    assert_eq!(Hris.wire_pointer(Op::Create, &user, "/phones/0/value").as_deref(), Some("/cell"));
    assert_eq!(Hris.canonical_pointer(Op::Create, "/mail").as_deref(), Some("/emails/0/value"));
    assert_eq!(Hris.canonical_pointer(Op::Create, "/badge"), None);
}

#[test]
fn an_update_replaces_what_it_sees_and_keeps_the_rest() {
    let scim = Dialect::Scim.spec();
    let resource = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ana",
        "title": "Engineer", "name": {"givenName": "Ana", "familyName": "García"}, "active": true});
    let stored = userbridge_core::to_canonical_with(scim, Op::Create, &resource).unwrap();
    let body = json!({"login": "ana", "first": "Anna", "mail": "ana@example.com", "state": "off"});
    let incoming = userbridge_core::to_canonical_with(&Hris, Op::Update, &body).unwrap();
    let next = userbridge_core::apply_update_with(&Hris, &stored, &incoming, &body);
    assert_eq!(next.name.given.as_deref(), Some("Anna"));
    assert_eq!(next.name.family, None, "a full replacement clears what the feed left out");
    assert_eq!(next.job_title.as_deref(), Some("Engineer"), "what the feed cannot see is kept");
    assert_eq!(next.status, Some(userbridge_core::canonical::Status::Inactive));
    assert_eq!(next.primary_email().map(|e| e.value.as_str()), Some("ana@example.com"));
}
