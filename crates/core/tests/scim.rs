//! SCIM rules, one module per rule (named after the RFC behaviour it checks), each with valid and
//! invalid cases; the RFC 7643 §8 examples as fixtures.
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_round_trip, check, fixture, with};
use serde_json::{Value, json};
use userbridge_core::dialects::scim::{ENTERPRISE_USER, USER};
use userbridge_core::{Dialect::Scim, Op};

/// RFC 7643 §8.2 + §8.3 (full user with the enterprise extension) as a request: no `id`, `meta`
/// or `groups`.
fn create() -> Value {
    fixture("scim", "create.json")
}
/// The same user as a PUT body, carrying the read-only `id` it was read with.
fn update() -> Value {
    fixture("scim", "update.json")
}
/// RFC 7643 §8.1 as a request.
fn minimal() -> Value {
    fixture("scim", "minimal.json")
}

fn ignored(body: &Value) -> Vec<String> {
    userbridge_core::validate(Scim, Op::Create, body).ignored
}

mod fixtures {
    use super::*;

    #[test]
    fn rfc_examples_are_valid() {
        for body in [create(), minimal()] {
            assert_eq!(check(Scim, Op::Create, &body), vec![]);
            assert_eq!(ignored(&body), Vec::<String>::new());
        }
        assert_eq!(check(Scim, Op::Update, &update()), vec![]);
    }

    #[test]
    fn rfc_examples_round_trip() {
        assert_round_trip(Scim, Op::Create, &create());
        assert_round_trip(Scim, Op::Update, &update());
        assert_round_trip(Scim, Op::Create, &minimal());
    }

    #[test]
    fn every_error_at_once_snapshot() {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "userName": "",
            "profileUrl": "login.example.com/bjensen",
            "preferredLanguage": "english",
            "timezone": "Pacific Time",
            "active": "yes",
            "emails": [{"value": "a@b.co", "primary": true}, {"value": "nope", "primary": "TRUE"}, {"type": "work"}],
            ENTERPRISE_USER: {"manager": "John"},
            "meta": {"version": "W/\"1\""},
            "shoeSize": 44
        });
        insta::assert_json_snapshot!(userbridge_core::validate(Scim, Op::Create, &body));
    }
}

/// RFC 7643 §3: `schemas` names the resource's schema and every extension it uses.
mod schemas {
    use super::*;

    #[test]
    fn core_schema_valid() {
        assert_eq!(check(Scim, Op::Create, &json!({"schemas": [USER], "userName": "a"})), vec![]);
        assert_eq!(check(Scim, Op::Create, &json!({"schemas": [USER.to_uppercase()], "userName": "a"})), vec![]);
    }

    #[test]
    fn schemas_required_invalid() {
        assert_eq!(check(Scim, Op::Create, &json!({"userName": "a"})), vec![("/schemas".into(), "required")]);
        assert_eq!(check(Scim, Op::Update, &json!({"userName": "a"})), vec![("/schemas".into(), "required")]);
        assert_eq!(
            check(Scim, Op::Create, &json!({"schemas": USER, "userName": "a"})),
            vec![("/schemas".into(), "invalid_type")]
        );
    }

    #[test]
    fn core_schema_missing_invalid() {
        assert_eq!(
            check(Scim, Op::Create, &json!({"schemas": [ENTERPRISE_USER], "userName": "a"})),
            vec![("/schemas".into(), "missing_value")]
        );
    }

    #[test]
    fn unknown_schema_invalid() {
        let body = json!({"schemas": [USER, "urn:example:custom"], "userName": "a"});
        assert_eq!(check(Scim, Op::Create, &body), vec![("/schemas/1".into(), "not_allowed_value")]);
    }

    #[test]
    fn extension_needs_its_schema_invalid() {
        let body = with(create(), "schemas", Some(json!([USER])));
        let report = userbridge_core::validate(Scim, Op::Create, &body);
        assert_eq!(common::errors(&report), vec![("/schemas".into(), "missing_value")]);
        assert_eq!(report.errors[0].params["allowed"], json!([ENTERPRISE_USER]));
    }

    #[test]
    fn extension_schema_without_attributes_valid() {
        let body = json!({"schemas": [USER, ENTERPRISE_USER], "userName": "a"});
        assert_eq!(check(Scim, Op::Create, &body), vec![]);
    }
}

/// RFC 7643 §4.1.1: `userName` is required, non-empty, on create and on replace (PUT).
mod user_name {
    use super::*;

    #[test]
    fn user_name_valid() {
        assert_eq!(check(Scim, Op::Update, &with(update(), "userName", Some(json!("b")))), vec![]);
    }

    #[test]
    fn user_name_invalid() {
        for op in [Op::Create, Op::Update] {
            assert_eq!(check(Scim, op, &with(create(), "userName", None)), vec![("/userName".into(), "required")]);
            assert_eq!(
                check(Scim, op, &with(create(), "userName", Some(json!("")))),
                vec![("/userName".into(), "required")]
            );
            assert_eq!(
                check(Scim, op, &with(create(), "userName", Some(json!(7)))),
                vec![("/userName".into(), "invalid_type")]
            );
        }
    }
}

/// RFC 7643 §2.1: attribute names and schema URIs are case-insensitive.
mod case_insensitive_names {
    use super::*;

    #[test]
    fn any_case_is_accepted_and_reported_in_schema_spelling() {
        let body = json!({
            "SCHEMAS": [USER, ENTERPRISE_USER],
            "USERNAME": "bjensen",
            "Name": {"GIVENNAME": "Barbara", "familyname": "Jensen"},
            "Emails": [{"VALUE": "nope", "Primary": true}],
            "urn:ietf:params:scim:schemas:extension:Enterprise:2.0:User": {"EmployeeNumber": 7, "MANAGER": {"VALUE": "x"}}
        });
        assert_eq!(
            check(Scim, Op::Create, &body),
            vec![
                ("/emails/0/value".into(), "invalid_email"),
                (format!("/{ENTERPRISE_USER}/employeeNumber"), "invalid_type")
            ]
        );
    }

    #[test]
    fn names_are_canonicalized_for_mapping() {
        let body = json!({"schemas": [USER], "userName": "a", "NAME": {"givenname": "Babs"}, "PHONENUMBERS": [{"Value": "1", "TYPE": "fax"}]});
        let user = userbridge_core::to_canonical(Scim, Op::Create, &body).unwrap();
        assert_eq!(user.name.given.as_deref(), Some("Babs"));
        assert_eq!(user.phones[0].value, "1");
    }

    #[test]
    fn a_name_given_twice_keeps_the_exact_spelling() {
        let body = json!({"schemas": [USER], "userName": "exact", "USERNAME": "other"});
        assert_eq!(ignored(&body), ["/USERNAME"]);
        let user = userbridge_core::to_canonical(Scim, Op::Create, &body).unwrap();
        assert_eq!(user.username.as_deref(), Some("exact"));
    }

    #[test]
    fn unknown_names_stay_as_sent() {
        assert_eq!(ignored(&json!({"schemas": [USER], "userName": "a", "ShoeSize": 44})), ["/ShoeSize"]);
    }
}

/// Real identity providers send booleans as the strings "True"/"False".
mod boolean_strings {
    use super::*;

    #[test]
    fn true_and_false_strings_valid() {
        for (s, status) in [("True", "active"), ("FALSE", "inactive"), ("false", "inactive")] {
            let body = with(minimal(), "active", Some(json!(s)));
            assert_eq!(check(Scim, Op::Create, &body), vec![], "{s}");
            let user = userbridge_core::to_canonical(Scim, Op::Create, &body).unwrap();
            assert_eq!(serde_json::to_value(user.status).unwrap(), status);
        }
        let body = with(minimal(), "emails", Some(json!([{"value": "a@b.co", "primary": "True"}])));
        assert!(userbridge_core::to_canonical(Scim, Op::Create, &body).unwrap().emails[0].primary == Some(true));
    }

    #[test]
    fn other_strings_invalid() {
        for s in ["yes", "1", "", "Truee"] {
            assert_eq!(
                check(Scim, Op::Create, &with(minimal(), "active", Some(json!(s)))),
                vec![("/active".into(), "invalid_type")],
                "{s}"
            );
        }
        assert_eq!(
            check(Scim, Op::Create, &with(minimal(), "active", Some(json!(1)))),
            vec![("/active".into(), "invalid_type")]
        );
    }
}

/// RFC 7643 §2.4: `primary: true` appears at most once per multi-valued attribute.
mod primary_uniqueness {
    use super::*;

    #[test]
    fn one_primary_per_attribute_valid() {
        let body = with(
            with(
                minimal(),
                "emails",
                Some(json!([{"value": "a@b.co", "primary": true}, {"value": "c@d.co", "primary": false}])),
            ),
            "phoneNumbers",
            Some(json!([{"value": "1", "primary": true}])),
        );
        assert_eq!(check(Scim, Op::Create, &body), vec![]);
    }

    #[test]
    fn second_primary_invalid() {
        let body = with(
            minimal(),
            "addresses",
            Some(json!([{"locality": "A", "primary": true}, {"locality": "B"}, {"locality": "C", "primary": "true"}])),
        );
        let report = userbridge_core::validate(Scim, Op::Create, &body);
        assert_eq!(common::errors(&report), vec![("/addresses/2/primary".into(), "duplicate")]);
        assert_eq!(report.errors[0].params["first"], "/addresses/0/primary");
    }
}

/// RFC 7643 §2.2 and §4.1: formats of single attributes and multi-valued values.
mod formats {
    use super::*;

    #[test]
    fn formats_valid() {
        let body = json!({"schemas": [USER], "userName": "a", "preferredLanguage": "en_US", "locale": "pt-BR",
            "timezone": "Europe/Madrid", "profileUrl": "https://x.example/u/a",
            "emails": [{"value": "a@b.co", "type": "anything-goes"}],
            "photos": [{"value": "https://x.example/a.png"}]});
        assert_eq!(check(Scim, Op::Create, &body), vec![]);
    }

    #[test]
    fn formats_invalid() {
        let body = json!({"schemas": [USER], "userName": "a", "profileUrl": "javascript:alert(1)",
            "emails": [{"value": "a@"}], "photos": [{"value": "/a.png"}]});
        assert_eq!(
            check(Scim, Op::Create, &body),
            vec![
                ("/profileUrl".into(), "invalid_url"),
                ("/emails/0/value".into(), "invalid_email"),
                ("/photos/0/value".into(), "invalid_url"),
            ]
        );
    }

    #[test]
    fn entries_need_a_value() {
        let body = with(minimal(), "ims", Some(json!([{"type": "aim"}])));
        assert_eq!(check(Scim, Op::Create, &body), vec![("/ims/0/value".into(), "required")]);
    }
}

/// RFC 7644 §3.5.1: read-only attributes in a request are ignored.
mod read_only {
    use super::*;

    #[test]
    fn id_meta_groups_are_ignored_not_errors() {
        let body = json!({"schemas": [USER], "userName": "a", "ID": 5, "meta": "anything", "Groups": [{"value": 1}]});
        assert_eq!(check(Scim, Op::Update, &body), vec![]);
        assert_eq!(userbridge_core::validate(Scim, Op::Update, &body).ignored, ["/groups", "/id", "/meta"]);
        // Whatever their shape, they do not stop the mapping.
        let user = userbridge_core::to_canonical(Scim, Op::Update, &body).unwrap();
        assert_eq!(user.uid, None);
    }

    #[test]
    fn the_full_rfc_resource_validates_as_a_put_body() {
        let mut body = update();
        body["meta"] = json!({"resourceType": "User", "version": "W/\"3694e05e9dff591\""});
        body["groups"] = json!([{"value": "e9e30dba-f08f-4109-8486-d5c6a331660a", "display": "Tour Guides"}]);
        let report = userbridge_core::validate(Scim, Op::Update, &body);
        assert!(report.is_valid());
        assert_eq!(report.ignored, ["/groups", "/id", "/meta"]);
    }

    #[test]
    fn email_display_is_ignored() {
        let body = with(minimal(), "emails", Some(json!([{"value": "a@b.co", "display": "A"}])));
        assert_eq!(ignored(&body), ["/emails/0/display"]);
    }
}

mod canonical {
    use super::*;
    use userbridge_core::canonical::{Image, PhoneKind, Status};
    use userbridge_core::{Dialect, User};

    #[test]
    fn maps_the_rfc_user() {
        let u = userbridge_core::to_canonical(Scim, Op::Update, &update()).unwrap();
        assert_eq!(u.uid.as_deref(), Some("2819c223-7f76-453a-919d-413861904646"));
        assert_eq!(u.username.as_deref(), Some("bjensen@example.com"));
        assert_eq!(u.job_title.as_deref(), Some("Tour Guide"));
        assert_eq!(u.language.as_ref().unwrap().as_str(), "en-US");
        assert_eq!(u.status, Some(Status::Active));
        assert_eq!(u.primary_email().unwrap().value.as_str(), "bjensen@example.com");
        assert_eq!(u.phone(PhoneKind::Mobile).unwrap().value, "555-555-4444");
        assert_eq!(u.image, Some(Image::Url("https://photos.example.com/profilephoto/72930000000Ccne/F".into())));
        assert_eq!(u.organization.as_ref().unwrap().name.as_deref(), Some("Universal Studios"));
        assert_eq!(u.manager.as_ref().unwrap().display_name.as_deref(), Some("John Smith"));
        assert!(u.addresses[0].primary == Some(true));
    }

    #[test]
    fn unknown_phone_types_become_other() {
        let body = with(
            minimal(),
            "phoneNumbers",
            Some(json!([{"value": "1", "type": "Office"}, {"value": "2", "type": "MOBILE"}])),
        );
        let u = userbridge_core::to_canonical(Scim, Op::Create, &body).unwrap();
        assert_eq!(u.phones.iter().map(|p| p.kind).collect::<Vec<_>>(), [PhoneKind::Other, PhoneKind::Mobile]);
    }

    #[test]
    fn a_single_image_url_becomes_a_photo() {
        let user = User {
            username: Some("a".into()),
            image: Some(Image::Url("https://x.example/a.png".into())),
            ..User::default()
        };
        let body = userbridge_core::from_canonical(Scim, Op::Create, &user);
        assert_eq!(body["photos"], json!([{"value": "https://x.example/a.png", "type": "photo"}]));
        let back = userbridge_core::to_canonical(Scim, Op::Create, &body).unwrap();
        assert_eq!(back.image, user.image);
    }

    #[test]
    fn non_active_statuses_write_false() {
        for status in [Status::Inactive, Status::LockedOut, Status::Archived, Status::Suspended] {
            let user = User { status: Some(status), ..User::default() };
            assert_eq!(userbridge_core::from_canonical(Scim, Op::Create, &user)["active"], false);
        }
    }

    #[test]
    fn learningcloud_image_url_is_kept() {
        let lc = userbridge_core::from_canonical(
            Dialect::LearningCloud,
            Op::Create,
            &User {
                username: Some("ana".into()),
                image: Some(Image::Url("https://img.example.com/ana.png".into())),
                ..User::default()
            },
        );
        let t = userbridge_core::translate(Dialect::LearningCloud, Scim, Op::Create, &lc).unwrap();
        assert_eq!(t.body["photos"][0]["value"], "https://img.example.com/ana.png");
        assert!(t.lost.iter().all(|l| !l.canonical.starts_with("/image")), "{:?}", t.lost);
    }
}

mod translation {
    use super::*;
    use userbridge_core::{Dialect, translate};

    #[test]
    fn to_primavera_reports_what_it_cannot_hold() {
        let t = translate(Scim, Dialect::Primavera, Op::Update, &update()).unwrap();
        assert_eq!(t.body["email"], "bjensen@example.com");
        assert_eq!(t.body["firstName"], "Barbara");
        assert_eq!(t.body["lastName"], "Jensen");
        assert_eq!(t.body["title"], "Tour Guide");
        assert_eq!(t.body["phone"], "555-555-5555");
        assert_eq!(t.body["mobile"], "555-555-4444");
        assert_eq!(t.body["status"], "ACTIVE");
        assert_eq!(t.body["userLocale"], "en");
        let lost: Vec<&str> = t.lost.iter().map(|l| l.pointer.as_str()).collect();
        for p in [
            "/userName",
            "/password",
            "/name/middleName",
            "/displayName",
            "/emails/1/value",
            "/emails/0/type",
            "/addresses/0/streetAddress",
            "/ims/0/value",
            "/photos/0/value",
            "/timezone",
            "/x509Certificates/0/value",
            "/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/employeeNumber",
            "/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/$ref",
        ] {
            assert!(lost.contains(&p), "{p} not in {lost:#?}");
        }
        let locale = t.lost.iter().find(|l| l.pointer == "/preferredLanguage").unwrap();
        assert_eq!(locale.target_value, Some(json!("en")));
        for held in ["/emails/0/value", "/name/givenName", "/name/familyName", "/title", "/active"] {
            assert!(!lost.contains(&held), "{held} reported lost");
        }
        // primavera needs `userId` or `ldapGuid`; a SCIM id is neither.
        assert_eq!(t.unmet.iter().map(|v| v.pointer.as_str()).collect::<Vec<_>>(), ["/userId"]);
    }

    #[test]
    fn scim_to_scim_loses_nothing() {
        let t = translate(Scim, Scim, Op::Update, &update()).unwrap();
        assert_eq!(t.lost, vec![]);
        assert_eq!(t.body, update());
    }

    #[test]
    fn publisher_addresses_survive_as_street_lines() {
        let body = fixture("publisher", "update.json");
        let t = translate(Dialect::Publisher, Scim, Op::Update, &body).unwrap();
        assert_eq!(t.body["addresses"][0]["streetAddress"], "New London House\n6 London Street");
        assert_eq!(t.body["photos"][0]["value"], "http://blog.newrelic.com/wp-content/uploads/java-logo.jpg");
        let lost: Vec<&str> = t.lost.iter().map(|l| l.pointer.as_str()).collect();
        assert!(lost.contains(&"/user/organisation/orgid"), "{lost:?}");
        assert!(!lost.contains(&"/user/location/addressline2") && !lost.contains(&"/user/img"), "{lost:?}");
    }
}

mod errors {
    use userbridge_core::dialects::scim::{Error, ScimType};
    use userbridge_core::{Code, Report, Violation};

    #[test]
    fn error_body_follows_rfc_7644() {
        let e = Error::of(ScimType::Uniqueness);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["schemas"], serde_json::json!(["urn:ietf:params:scim:api:messages:2.0:Error"]));
        assert_eq!(v["status"], "409");
        assert_eq!(v["scimType"], "uniqueness");
        let back: Error = serde_json::from_value(v).unwrap();
        assert_eq!(back, e);
        assert_eq!(Error::of(ScimType::Sensitive).http_status(), 403);
        assert_eq!(Error::new(404, "Resource 2819c223 not found").http_status(), 404);
    }

    #[test]
    fn reports_become_invalid_value_or_invalid_syntax() {
        let report = Report::single(Violation::new("/userName", Code::Required));
        let e = Error::from_report(&report);
        assert_eq!((e.scim_type, e.http_status()), (Some(ScimType::InvalidValue), 400));
        assert_eq!(e.detail.as_deref(), Some("/userName: is required"));
        let syntax = userbridge_core::validate_str(
            userbridge_core::Dialect::Scim,
            userbridge_core::Op::Create,
            "{",
            Default::default(),
        );
        assert_eq!(Error::from_report(&syntax).scim_type, Some(ScimType::InvalidSyntax));
    }

    #[test]
    fn patch_op_names_are_case_insensitive() {
        use userbridge_core::dialects::scim::{PatchOp, PatchOpKind};
        let p: PatchOp = serde_json::from_value(serde_json::json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "Replace", "path": "active", "value": false}, {"op": "add", "value": {"title": "x"}}]
        }))
        .unwrap();
        assert_eq!(p.operations.iter().map(|o| o.op).collect::<Vec<_>>(), [PatchOpKind::Replace, PatchOpKind::Add]);
        assert!(
            serde_json::from_value::<PatchOp>(serde_json::json!({"schemas": [], "Operations": [{"op": "move"}]}))
                .is_err()
        );
    }

    #[test]
    fn list_response_shape() {
        use userbridge_core::dialects::scim::{ListResponse, USER};
        let v = serde_json::to_value(ListResponse::new(
            vec![serde_json::json!({"schemas": [USER], "userName": "a"})],
            3,
            1,
        ))
        .unwrap();
        assert_eq!(v["totalResults"], 3);
        assert_eq!(v["itemsPerPage"], 1);
        assert_eq!(v["Resources"][0]["userName"], "a");
    }
}

/// What identity providers (Entra, Okta, HR-driven sources) send, read as they mean it.
mod idp_quirks {
    use super::*;
    use userbridge_core::translate::LossReason;
    use userbridge_core::{Dialect, translate};

    /// RFC 7643 §4.1.1 types `preferredLanguage`, `locale` and `timezone` as plain strings.
    #[test]
    fn locales_and_time_zones_are_any_string_kept_verbatim() {
        for (lang, locale, tz) in [
            ("en_US", "en-US", "America/Los_Angeles"),
            ("zh-Hant-TW", "zh_Hant_TW", "Pacific Standard Time"),
            ("klingon", "", "W. Europe Standard Time"),
        ] {
            let body = json!({"schemas": [USER], "userName": "a", "preferredLanguage": lang, "locale": locale, "timezone": tz});
            assert_eq!(check(Scim, Op::Create, &body), vec![], "{lang} {locale} {tz}");
            let u = userbridge_core::to_canonical(Scim, Op::Create, &body).unwrap();
            let back = userbridge_core::from_canonical(Scim, Op::Create, &u);
            assert_eq!(
                (&back["preferredLanguage"], &back["locale"], &back["timezone"]),
                (&json!(lang), &json!(locale), &json!(tz))
            );
        }
    }

    #[test]
    fn closed_list_dialects_report_unknown_locales_and_zones() {
        let body = |lang: &str, tz: &str| {
            json!({"schemas": [USER], "userName": "a", "preferredLanguage": lang, "timezone": tz,
                "name": {"givenName": "A", "familyName": "B"}, "emails": [{"value": "a@b.co"}]})
        };
        // A spelling the target knows is no loss; a longer one is narrowed; an unknown one is lost.
        let t = translate(Scim, Dialect::Primavera, Op::Update, &body("pt_BR", "UTC")).unwrap();
        assert_eq!(t.body["userLocale"], "pt_BR");
        assert!(!t.lost.iter().any(|l| l.pointer == "/preferredLanguage"), "{:?}", t.lost);
        let t = translate(Scim, Dialect::Primavera, Op::Update, &body("fr_CA", "UTC")).unwrap();
        let lost = t.lost.iter().find(|l| l.pointer == "/preferredLanguage").unwrap();
        assert_eq!((lost.reason, &t.body["userLocale"]), (LossReason::Narrowed, &json!("fr")));
        let t = translate(Scim, Dialect::Primavera, Op::Update, &body("klingon", "UTC")).unwrap();
        assert!(t.body.get("userLocale").is_none());
        assert_eq!(
            t.lost.iter().find(|l| l.pointer == "/preferredLanguage").map(|l| l.reason),
            Some(LossReason::NotSupported)
        );
        let t = translate(Scim, Dialect::Primavera, Op::Create, &body("klingon", "UTC")).unwrap();
        assert!(t.unmet.iter().any(|v| v.pointer == "/userLocale"), "primavera requires a locale it knows");
        let t = translate(Scim, Dialect::LearningCloud, Op::Update, &body("en_US", "Pacific Standard Time")).unwrap();
        assert_eq!(t.body["language"], "en");
        assert!(t.body.get("timezone").is_none());
        assert_eq!(t.lost.iter().find(|l| l.pointer == "/timezone").map(|l| l.reason), Some(LossReason::NotSupported));
        assert_eq!(
            t.lost.iter().find(|l| l.pointer == "/preferredLanguage").map(|l| l.reason),
            Some(LossReason::Narrowed)
        );
        let t = translate(Scim, Dialect::LearningCloud, Op::Create, &body("en", "Pacific Standard Time")).unwrap();
        assert!(t.body.get("timezone").is_none());
        assert!(t.lost.iter().any(|l| l.pointer == "/timezone"));
    }

    /// What a client set reads back as set: an explicit `primary: false` too.
    #[test]
    fn an_explicit_false_primary_is_kept() {
        let entry = json!([{"value": "x", "primary": false}]);
        let mut body = json!({"schemas": [USER], "userName": "a",
            "emails": [{"value": "a@b.co", "primary": true}, {"value": "c@d.co", "primary": false}],
            "phoneNumbers": [{"value": "1", "type": "work", "primary": false}],
            "addresses": [{"locality": "A", "primary": false}]});
        for attr in ["ims", "photos", "entitlements", "roles", "x509Certificates"] {
            let value = if attr == "photos" {
                json!([{"value": "https://x.example/a.png", "primary": false}])
            } else {
                entry.clone()
            };
            body[attr] = value;
        }
        assert_eq!(check(Scim, Op::Update, &body), vec![]);
        let u = userbridge_core::to_canonical(Scim, Op::Update, &body).unwrap();
        let back = userbridge_core::from_canonical(Scim, Op::Update, &u);
        for attr in
            ["emails", "phoneNumbers", "addresses", "ims", "photos", "entitlements", "roles", "x509Certificates"]
        {
            let last = back[attr].as_array().and_then(|a| a.last()).cloned().unwrap_or_default();
            assert_eq!(last["primary"], json!(false), "{attr}: {back}");
        }
        assert_eq!(back["emails"][0]["primary"], json!(true));
        let without = userbridge_core::to_canonical(Scim, Op::Update, &minimal()).unwrap();
        assert!(userbridge_core::from_canonical(Scim, Op::Update, &without).get("emails").is_none());
    }

    /// Entra: `{"op":"Add","path":"…:manager","value":"<id>"}` leaves a bare string.
    #[test]
    fn a_bare_string_manager_is_its_value() {
        let body = json!({"schemas": [USER, ENTERPRISE_USER], "userName": "a", ENTERPRISE_USER: {"manager": "26118915-6090-4610-87e4-49d8ca9f808d"}});
        assert_eq!(check(Scim, Op::Update, &body), vec![]);
        let u = userbridge_core::to_canonical(Scim, Op::Update, &body).unwrap();
        assert_eq!(u.manager.and_then(|m| m.value).as_deref(), Some("26118915-6090-4610-87e4-49d8ca9f808d"));
    }
}
