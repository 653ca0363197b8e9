//! Primavera rules, one module per rule, each with valid and invalid cases.
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_round_trip, check, fixture, with};
use serde_json::json;
use userbridge_core::dialects::primavera;
use userbridge_core::{Dialect::Primavera, Op};

fn create() -> serde_json::Value {
    fixture("primavera", "create.json")
}
fn update() -> serde_json::Value {
    fixture("primavera", "update.json")
}

mod fixtures {
    use super::*;

    #[test]
    fn full_payloads_are_valid() {
        assert_eq!(check(Primavera, Op::Create, &create()), vec![]);
        assert_eq!(check(Primavera, Op::Update, &update()), vec![]);
    }

    #[test]
    fn full_payloads_round_trip() {
        // `useExistingUser` is a request option, not user data: the canonical user does not hold it.
        assert_round_trip(Primavera, Op::Create, &with(create(), "useExistingUser", None));
        assert_round_trip(Primavera, Op::Update, &update());
    }

    #[test]
    fn use_existing_user_is_an_option_of_the_request() {
        let user = userbridge_core::to_canonical(Primavera, Op::Create, &create()).unwrap();
        assert!(!serde_json::to_string(&user).unwrap().contains("existing"), "the user does not keep it");
        assert!(primavera::reuses_existing_user(&create()));
        assert!(primavera::reuses_existing_user(&with(create(), "useExistingUser", None)), "absent: reuse");
        assert!(!primavera::reuses_existing_user(&with(create(), "useExistingUser", Some(json!(false)))));
    }

    #[test]
    fn every_error_at_once_snapshot() {
        let body = json!({"email": "nope", "firstName": "", "title": "t".repeat(26), "status": "GONE",
            "userProducts": [{"action": "REMOVE"}, {"action": "DELETE"}], "shoeSize": 44});
        insta::assert_json_snapshot!(userbridge_core::validate(Primavera, Op::Update, &body));
    }
}

mod required {
    use super::*;

    #[test]
    fn create_required_invalid() {
        let found = check(Primavera, Op::Create, &json!({}));
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(pointers, ["/companyId", "/email", "/firstName", "/lastName", "/officeIds", "/userLocale"]);
        assert!(found.iter().all(|(_, c)| *c == "required"));
    }

    #[test]
    fn update_needs_user_id_or_ldap_guid_invalid() {
        let body = with(with(update(), "userId", None), "ldapGuid", None);
        assert_eq!(check(Primavera, Op::Update, &body), vec![("/userId".into(), "required")]);
    }

    #[test]
    fn update_by_ldap_guid_alone_valid() {
        assert_eq!(check(Primavera, Op::Update, &with(update(), "userId", None)), vec![]);
    }

    #[test]
    fn null_counts_as_missing_invalid() {
        let body = with(update(), "email", Some(json!(null)));
        assert_eq!(check(Primavera, Op::Update, &body), vec![("/email".into(), "required")]);
    }
}

mod limits_differ_by_operation {
    use super::*;

    #[test]
    fn title_200_on_create_25_on_update() {
        let t26 = json!("t".repeat(26));
        assert_eq!(check(Primavera, Op::Create, &with(create(), "title", Some(t26.clone()))), vec![]);
        assert_eq!(
            check(Primavera, Op::Update, &with(update(), "title", Some(t26))),
            vec![("/title".into(), "too_long")]
        );
        let t201 = json!("t".repeat(201));
        assert_eq!(
            check(Primavera, Op::Create, &with(create(), "title", Some(t201))),
            vec![("/title".into(), "too_long")]
        );
    }

    #[test]
    fn names_150_on_create_100_on_update() {
        let n101 = json!("n".repeat(101));
        assert_eq!(check(Primavera, Op::Create, &with(create(), "firstName", Some(n101.clone()))), vec![]);
        assert_eq!(
            check(Primavera, Op::Update, &with(update(), "lastName", Some(n101))),
            vec![("/lastName".into(), "too_long")]
        );
        let n151 = json!("n".repeat(151));
        assert_eq!(
            check(Primavera, Op::Create, &with(create(), "lastName", Some(n151))),
            vec![("/lastName".into(), "too_long")]
        );
    }

    #[test]
    fn phones_20_on_create_100_on_update() {
        let p21 = json!("1".repeat(21));
        assert_eq!(
            check(Primavera, Op::Create, &with(create(), "phone", Some(p21.clone()))),
            vec![("/phone".into(), "too_long")]
        );
        assert_eq!(check(Primavera, Op::Update, &with(update(), "phone", Some(p21))), vec![]);
    }

    #[test]
    fn email_255_on_create_320_on_update() {
        let long = json!(format!("{}@example.com", "a".repeat(60) + &".b".repeat(100)));
        let len = long.as_str().unwrap().len();
        assert!(len > 255 && len <= 320);
        let create_errs = check(Primavera, Op::Create, &with(create(), "email", Some(long.clone())));
        assert!(create_errs.contains(&("/email".into(), "too_long")));
    }

    #[test]
    fn ldap_guid_between_1_and_255() {
        assert_eq!(
            check(Primavera, Op::Update, &with(update(), "ldapGuid", Some(json!("")))),
            vec![("/ldapGuid".into(), "required")]
        );
        assert_eq!(
            check(Primavera, Op::Update, &with(update(), "ldapGuid", Some(json!("g".repeat(256))))),
            vec![("/ldapGuid".into(), "too_long")]
        );
    }
}

mod enumerations {
    use super::*;

    #[test]
    fn user_locale_valid() {
        for l in ["pt_BR", "nl", "en", "zh_TW"] {
            assert_eq!(check(Primavera, Op::Create, &with(create(), "userLocale", Some(json!(l)))), vec![], "{l}");
        }
    }

    #[test]
    fn user_locale_invalid() {
        for l in ["pt-BR", "en_GB", "sv", "EN"] {
            assert_eq!(
                check(Primavera, Op::Create, &with(create(), "userLocale", Some(json!(l)))),
                vec![("/userLocale".into(), "not_allowed_value")],
                "{l}"
            );
        }
    }

    #[test]
    fn status_user_type_and_products() {
        assert_eq!(
            check(Primavera, Op::Update, &with(update(), "status", Some(json!("active")))),
            vec![("/status".into(), "not_allowed_value")]
        );
        assert_eq!(
            check(Primavera, Op::Create, &with(create(), "userType", Some(json!("ADMIN")))),
            vec![("/userType".into(), "not_allowed_value")]
        );
        // IDEA is an update-only product.
        assert_eq!(
            check(Primavera, Op::Create, &with(create(), "productNames", Some(json!(["IDEA"])))),
            vec![("/productNames/0".into(), "not_allowed_value")]
        );
    }

    #[test]
    fn product_action_only_delete() {
        let body = with(update(), "userProducts", Some(json!([{"productName": "TASKS", "action": "ADD"}])));
        assert_eq!(check(Primavera, Op::Update, &body), vec![("/userProducts/0/action".into(), "not_allowed_value")]);
    }

    #[test]
    fn delete_needs_product_name() {
        let body = with(update(), "userProducts", Some(json!([{"productId": 3, "action": "DELETE"}])));
        assert_eq!(check(Primavera, Op::Update, &body), vec![("/userProducts/0/productName".into(), "required")]);
    }
}

mod types {
    use super::*;

    #[test]
    fn wrong_types_are_reported_at_their_pointer() {
        let body = with(with(create(), "companyId", Some(json!("1001"))), "officeIds", Some(json!([1, "2"])));
        assert_eq!(
            check(Primavera, Op::Create, &body),
            vec![("/companyId".into(), "invalid_type"), ("/officeIds/1".into(), "invalid_type")]
        );
    }

    #[test]
    fn email_format() {
        assert_eq!(
            check(Primavera, Op::Update, &with(update(), "email", Some(json!("ana@")))),
            vec![("/email".into(), "invalid_email")]
        );
    }
}

mod error_body {
    use super::*;
    use userbridge_core::dialects::primavera::ErrorBody;

    #[test]
    fn uses_vendor_field_notation() {
        let body = with(update(), "userProducts", Some(json!([{"productName": "TASKS", "action": "ADD"}])));
        let report = userbridge_core::validate(Primavera, Op::Update, &body);
        let e = ErrorBody::from_report(&report);
        assert_eq!(e.errors[0].field, "userProducts[0].action");
        assert_eq!(e.errors[0].code, "not_allowed_value");
    }
}
