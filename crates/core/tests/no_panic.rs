//! No input of any shape panics: arbitrary JSON and arbitrary text through every dialect's
//! parse, validate, canonicalize and translate (a panic in wasm kills the Worker isolate). The
//! same inputs hold the shortcut check of a body userbridge wrote to the full one.

use proptest::prelude::*;
use serde_json::{Map, Value};
use userbridge_core::{BodyFormat, Dialect, Op};

/// Field names the dialects know, so generated objects reach deep rules, not just `ignored`.
const KEYS: &[&str] = &[
    "user",
    "id",
    "userId",
    "username",
    "userName",
    "login",
    "password",
    "name",
    "surname",
    "firstname",
    "lastname",
    "givenName",
    "familyName",
    "firstName",
    "lastName",
    "title",
    "email",
    "emails",
    "value",
    "primary",
    "type",
    "phone",
    "mobile",
    "phoneNumbers",
    "language",
    "timezone",
    "userLocale",
    "locale",
    "preferredLanguage",
    "status",
    "active",
    "enabled",
    "role",
    "roles",
    "management",
    "training",
    "image",
    "url",
    "base64Image",
    "mimeType",
    "data",
    "extra",
    "extendedFields",
    "userProducts",
    "productName",
    "action",
    "productNames",
    "officeIds",
    "companyId",
    "ldapGuid",
    "schemas",
    "addresses",
    "photos",
    "organisation",
    "orgid",
    "location",
    "sociallinks",
    "link",
    "img",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    "manager",
    "employeeNumber",
    "introReviewed",
    "allDeviceTypesAvailable",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            "[a-zA-Z0-9@._ -]{0,12}",
            Just("user@example.com".to_owned()),
            Just("Europe/Madrid".to_owned()),
            Just("pt_BR".to_owned()),
            Just("ACTIVE".to_owned()),
            Just("urn:ietf:params:scim:schemas:core:2.0:User".to_owned()),
            Just("DELETE".to_owned()),
            Just("True".to_owned()),
            ".{0,8}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_json_validates_and_translates_without_panic(value in json()) {
        for from in Dialect::ALL {
            for op in Op::ALL {
                let report = userbridge_core::validate(from, op, &value);
                if let Ok(user) = userbridge_core::to_canonical(from, op, &value) {
                    prop_assert!(report.is_valid());
                    for to in Dialect::ALL {
                        let _ = userbridge_core::from_canonical(to, op, &user);
                        prop_assert!(userbridge_core::translate(from, to, op, &value).is_ok());
                    }
                }
            }
        }
    }

    /// `fields::violations` passes rows on a sum of the body's keys and walks parents as a
    /// stack; whatever the body, it must report exactly what the full check reports.
    #[test]
    fn the_sparse_check_reports_what_the_full_check_reports(value in json()) {
        for d in Dialect::ALL {
            for op in Op::ALL {
                let rows = d.spec().fields(op);
                let full = userbridge_core::fields::validate(rows, &value).errors;
                prop_assert_eq!(userbridge_core::fields::violations(rows, &value).errors, full, "{} {}", d, op);
                // Wrapped as a publisher body, so that the nested rows meet it too.
                let wrapped = serde_json::json!({ "user": value.clone() });
                let full = userbridge_core::fields::validate(rows, &wrapped).errors;
                prop_assert_eq!(userbridge_core::fields::violations(rows, &wrapped).errors, full, "{} {}", d, op);
            }
        }
    }

    #[test]
    fn any_text_parses_without_panic(text in ".{0,200}") {
        for d in Dialect::ALL {
            for op in Op::ALL {
                let _ = userbridge_core::validate_str(d, op, &text, BodyFormat::Json);
                let _ = userbridge_core::validate_str(d, op, &text, BodyFormat::Xml);
            }
        }
    }

    #[test]
    fn xml_like_text_parses_without_panic(text in "(<[a-z/!?]{0,8}[ a-z=\"]{0,6}>|[a-z0-9&;#]{0,6}){0,24}") {
        let _ = userbridge_core::validate_str(Dialect::Publisher, Op::Update, &text, BodyFormat::Xml);
        let wrapped = format!("<user>{text}</user>");
        let _ = userbridge_core::validate_str(Dialect::Publisher, Op::Create, &wrapped, BodyFormat::Xml);
    }
}
