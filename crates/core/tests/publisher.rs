//! Publisher rules, one module per rule, each with valid and invalid cases; the XML form; the
//! seed's own example.
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_round_trip, check, errors, fixture, fixture_text};
use serde_json::{Value, json};
use userbridge_core::{BodyFormat, Dialect::Publisher, Op};

fn create() -> Value {
    fixture("publisher", "create.json")
}
fn update() -> Value {
    fixture("publisher", "update.json")
}

/// Sets (or with `None` removes) a member of the wrapped user object; `path` may be nested
/// (`organisation/orgid`).
fn with_user(mut body: Value, path: &str, value: Option<Value>) -> Value {
    let (parent, key) = path.rsplit_once('/').map_or(("", path), |(p, k)| (p, k));
    let pointer = if parent.is_empty() { "/user".to_owned() } else { format!("/user/{parent}") };
    let obj = body.pointer_mut(&pointer).unwrap().as_object_mut().unwrap();
    match value {
        Some(v) => obj.insert(key.to_owned(), v),
        None => obj.remove(key),
    };
    body
}

fn validate_xml(op: Op, xml: &str) -> userbridge_core::Report {
    userbridge_core::validate_str(Publisher, op, xml, BodyFormat::Xml)
}

fn parse_xml(xml: &str) -> Result<Value, userbridge_core::Report> {
    Publisher.spec().parse(Op::Update, xml, BodyFormat::Xml)
}

fn render_xml(body: &Value) -> String {
    Publisher.spec().render(body, BodyFormat::Xml).unwrap()
}

/// `(line, column)` of a single syntax violation.
fn syntax_position(report: &userbridge_core::Report) -> (u64, u64) {
    assert_eq!(errors(report), vec![(String::new(), "syntax")], "{report:#?}");
    let p = &report.errors[0].params;
    (p["line"].as_u64().unwrap(), p["column"].as_u64().unwrap())
}

mod fixtures {
    use super::*;

    #[test]
    fn full_payloads_are_valid() {
        assert_eq!(check(Publisher, Op::Create, &create()), vec![]);
        assert_eq!(check(Publisher, Op::Update, &update()), vec![]);
        assert!(userbridge_core::validate(Publisher, Op::Update, &update()).ignored.is_empty());
    }

    #[test]
    fn full_payloads_round_trip() {
        assert_round_trip(Publisher, Op::Create, &create());
        assert_round_trip(Publisher, Op::Update, &update());
    }

    #[test]
    fn every_error_at_once_snapshot() {
        let body = json!({"user": {"id": "3", "email": "nope", "status": "deleted",
            "organisation": {"orgid": "75"}, "img": "ftp://x.example/a.png", "secretarymail": "sec@",
            "sociallinks": {"link": [{"name": 1}, "x"]}, "customlinks": {"link": "x"}, "shoeSize": 44}});
        insta::assert_json_snapshot!(userbridge_core::validate(Publisher, Op::Update, &body));
    }
}

/// The seed's own request: copied byte for byte (`seed-update.json`), and corrected (`update.json`).
mod seed {
    use super::*;

    fn seed_text() -> String {
        fixture_text("publisher", "seed-update.json")
    }

    #[test]
    fn verbatim_seed_fails_at_the_first_no_break_space() {
        // The doc page indents with U+00A0, which JSON does not count as whitespace: line 1 is `{`,
        // line 2 is empty, line 3 starts with the first no-break space.
        let text = seed_text();
        assert!(text.lines().nth(2).unwrap().starts_with('\u{a0}'));
        let report = userbridge_core::validate_str(Publisher, Op::Update, &text, BodyFormat::Json);
        assert_eq!(syntax_position(&report), (3, 1));
    }

    #[test]
    fn seed_trailing_comma_is_reported_at_its_line_and_column() {
        // With the no-break spaces read as spaces (what an editor shows), the first error is the
        // trailing comma after `specialities` (line 101): the next token is the `}` of line 103,
        // `    }` (4 spaces of indentation), so column 5.
        let text = seed_text().replace('\u{a0}', " ");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[100].trim_end().ends_with("\"java,dotNet\","));
        assert_eq!(lines[101], "");
        assert_eq!(lines[102], "    }");
        let report = userbridge_core::validate_str(Publisher, Op::Update, &text, BodyFormat::Json);
        assert_eq!(syntax_position(&report), (103, 5));
        assert!(report.errors[0].params["detail"].as_str().unwrap().contains("trailing comma"));
    }

    #[test]
    fn corrected_seed_is_the_update_fixture_and_valid() {
        let corrected = seed_text().replace('\u{a0}', " ").replace("\"java,dotNet\",", "\"java,dotNet\"");
        let report = userbridge_core::validate_str(Publisher, Op::Update, &corrected, BodyFormat::Json);
        assert!(report.is_valid() && report.ignored.is_empty(), "{report:#?}");
        let value: Value = serde_json::from_str(&corrected).unwrap();
        assert_eq!(value, update());
    }
}

mod required {
    use super::*;

    #[test]
    fn email_required_on_both_operations_invalid() {
        for (op, body) in [(Op::Create, create()), (Op::Update, update())] {
            assert_eq!(check(Publisher, op, &with_user(body, "email", None)), vec![("/user/email".into(), "required")]);
        }
    }

    #[test]
    fn email_alone_valid() {
        assert_eq!(check(Publisher, Op::Create, &json!({"user": {"email": "a@b.co"}})), vec![]);
    }

    #[test]
    fn body_must_be_wrapped_in_user_invalid() {
        let bare = update()["user"].clone();
        let report = userbridge_core::validate(Publisher, Op::Update, &bare);
        assert_eq!(errors(&report), vec![("/user".into(), "required")]);
        assert!(report.ignored.contains(&"/email".to_owned()));
        assert_eq!(check(Publisher, Op::Update, &json!({"user": []})), vec![("/user".into(), "invalid_type")]);
    }

    #[test]
    fn id_is_optional_on_update_valid() {
        assert_eq!(check(Publisher, Op::Update, &with_user(update(), "id", None)), vec![]);
    }
}

mod status {
    use super::*;

    #[test]
    fn status_valid() {
        for s in ["active", "archive", "disable", "suspended"] {
            assert_eq!(check(Publisher, Op::Update, &with_user(update(), "status", Some(json!(s)))), vec![], "{s}");
        }
    }

    #[test]
    fn status_invalid() {
        for s in ["ACTIVE", "archived", "disabled", ""] {
            assert_eq!(
                check(Publisher, Op::Update, &with_user(update(), "status", Some(json!(s)))),
                vec![("/user/status".into(), "not_allowed_value")],
                "{s}"
            );
        }
    }
}

mod formats {
    use super::*;

    #[test]
    fn emails_invalid() {
        let body = with_user(with_user(update(), "email", Some(json!("user@"))), "secretarymail", Some(json!("x")));
        assert_eq!(
            check(Publisher, Op::Update, &body),
            vec![("/user/email".into(), "invalid_email"), ("/user/secretarymail".into(), "invalid_email")]
        );
    }

    #[test]
    fn img_must_be_http_url() {
        assert_eq!(
            check(Publisher, Op::Update, &with_user(update(), "img", Some(json!("https://x.example/a.png")))),
            vec![]
        );
        assert_eq!(
            check(Publisher, Op::Update, &with_user(update(), "img", Some(json!("java-logo.jpg")))),
            vec![("/user/img".into(), "invalid_url")]
        );
    }

    #[test]
    fn no_invented_length_limits() {
        let long = json!("x".repeat(5000));
        assert_eq!(check(Publisher, Op::Update, &with_user(update(), "bio", Some(long))), vec![]);
    }
}

mod types {
    use super::*;

    #[test]
    fn integers_valid() {
        let body = with_user(update(), "organisation/orgid", Some(json!(1)));
        assert_eq!(check(Publisher, Op::Update, &body), vec![]);
    }

    #[test]
    fn integers_invalid() {
        let body =
            with_user(with_user(update(), "id", Some(json!("3"))), "organisation/orgaddressid", Some(json!(9.5)));
        assert_eq!(
            check(Publisher, Op::Update, &body),
            vec![("/user/id".into(), "invalid_type"), ("/user/organisation/orgaddressid".into(), "invalid_type")]
        );
    }
}

mod links {
    use super::*;

    fn social(link: Value) -> Value {
        with_user(update(), "sociallinks", Some(json!({ "link": link })))
    }

    #[test]
    fn object_or_array_valid() {
        assert_eq!(check(Publisher, Op::Update, &social(json!({"name": "X", "value": "https://x.example"}))), vec![]);
        assert_eq!(check(Publisher, Op::Update, &social(json!([{"name": "A"}, {"value": "b"}]))), vec![]);
        assert_eq!(check(Publisher, Op::Update, &social(json!([]))), vec![]);
    }

    #[test]
    fn wrong_shapes_invalid() {
        assert_eq!(
            check(Publisher, Op::Update, &social(json!("https://x.example"))),
            vec![("/user/sociallinks/link".into(), "invalid_type")]
        );
        assert_eq!(
            check(Publisher, Op::Update, &social(json!([{"name": "A"}, 7]))),
            vec![("/user/sociallinks/link/1".into(), "invalid_type")]
        );
        assert_eq!(
            check(Publisher, Op::Update, &social(json!({"name": ["A"], "value": 1}))),
            vec![
                ("/user/sociallinks/link/name".into(), "invalid_type"),
                ("/user/sociallinks/link/value".into(), "invalid_type")
            ]
        );
    }

    #[test]
    fn unknown_entry_keys_are_ignored() {
        let report = userbridge_core::validate(Publisher, Op::Update, &social(json!([{"name": "A", "icon": "x"}])));
        assert!(report.is_valid());
        assert_eq!(report.ignored, ["/user/sociallinks/link/0/icon"]);
    }

    #[test]
    fn arrays_map_to_canonical_links_and_back() {
        let body = social(json!([{"name": "A", "value": "a"}, {"name": "B", "value": "b"}]));
        let user = userbridge_core::to_canonical(Publisher, Op::Update, &body).unwrap();
        assert_eq!(user.links.len(), 4);
        assert_round_trip(Publisher, Op::Update, &body);
    }
}

mod xml {
    use super::*;

    #[test]
    fn xml_is_the_same_user_as_json() {
        let xml = fixture_text("publisher", "update.xml");
        assert_eq!(parse_xml(&xml).unwrap(), update());
        let report = validate_xml(Op::Update, &xml);
        assert!(report.is_valid() && report.ignored.is_empty(), "{report:#?}");
    }

    #[test]
    fn render_then_parse_is_identity() {
        for body in [update(), create()] {
            let xml = render_xml(&body);
            assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<user>"), "{xml}");
            assert_eq!(parse_xml(&xml).unwrap(), body, "{xml}");
        }
    }

    #[test]
    fn render_follows_the_fixture_xml() {
        // Same spelling and order as the vendor's documents (`update.xml` is written that way).
        assert_eq!(render_xml(&update()), fixture_text("publisher", "update.xml").trim_end());
    }

    #[test]
    fn render_uses_the_vendor_spelling() {
        let xml = render_xml(&update());
        for needle in
            ["<postCode>EC3R 7LP</postCode>", "<customlink>", "<messaginglink>", "<sociallinks>", "<orgid>75</orgid>"]
        {
            assert!(xml.contains(needle), "{needle} in {xml}");
        }
        assert!(!xml.contains("customlinks") && !xml.contains("postcode"));
    }

    #[test]
    fn both_link_container_spellings_are_read() {
        let xml = "<user><email>a@b.co</email><customlinks><link><name>A</name></link></customlinks>\
                   <messaginglink><link><name>B</name></link><link><name>C</name></link></messaginglink></user>";
        assert_eq!(
            parse_xml(xml).unwrap(),
            json!({"user": {"email": "a@b.co", "customlinks": {"link": {"name": "A"}},
                "messaginglinks": {"link": [{"name": "B"}, {"name": "C"}]}}})
        );
    }

    #[test]
    fn text_is_escaped_and_read_back() {
        let body =
            json!({"user": {"email": "a@b.co", "bio": "R&D <lead> \"quoted\" 'single'\r\nline two", "department": ""}});
        let xml = render_xml(&body);
        assert!(xml.contains("R&amp;D &lt;lead&gt;"), "{xml}");
        assert_eq!(parse_xml(&xml).unwrap(), body);
    }

    #[test]
    fn entities_and_character_references_are_resolved() {
        let xml = "<user><email>a@b.co</email><bio>a &amp; b &lt;&#233;&#xE9;&gt; <![CDATA[<raw>]]></bio></user>";
        assert_eq!(parse_xml(xml).unwrap()["user"]["bio"], "a & b <éé> <raw>");
    }

    #[test]
    fn unparseable_integer_is_reported_at_its_pointer() {
        let xml = "<user><id>three</id><email>a@b.co</email><organisation><orgid> 75 </orgid></organisation></user>";
        assert_eq!(parse_xml(xml).unwrap()["user"]["organisation"]["orgid"], 75);
        assert_eq!(errors(&validate_xml(Op::Update, xml)), vec![("/user/id".into(), "invalid_type")]);
    }

    #[test]
    fn empty_elements() {
        let xml = "<user><email>a@b.co</email><name/><bio/></user>";
        assert_eq!(parse_xml(xml).unwrap(), json!({"user": {"email": "a@b.co", "name": {}, "bio": ""}}));
    }

    #[test]
    fn xml_syntax_error_position() {
        // Line 3 is `  <name>Ana</nmae>`: two spaces, `<name>` (columns 3-8), `Ana` (9-11), so the
        // mismatched end tag starts at column 12.
        let xml = "<user>\n  <email>a@b.co</email>\n  <name>Ana</nmae>\n</user>";
        assert_eq!(syntax_position(&validate_xml(Op::Update, xml)), (3, 12));
    }

    #[test]
    fn unclosed_document_position() {
        // The end of input: line 3 is empty, so column 1.
        let report = validate_xml(Op::Update, "<user>\n  <email>a@b.co</email>\n");
        assert_eq!(syntax_position(&report), (3, 1));
    }

    #[test]
    fn doctype_and_unknown_entities_are_refused() {
        let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE user [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<user><bio>&xxe;</bio></user>";
        let report = validate_xml(Op::Update, xxe);
        assert_eq!(syntax_position(&report), (2, 1));
        assert!(report.errors[0].message.contains("DOCTYPE"));
        let report = validate_xml(Op::Update, "<user>\n<bio>&xxe;</bio></user>");
        assert_eq!(syntax_position(&report), (2, 6));
        assert!(report.errors[0].message.contains("&xxe;"));
    }

    #[test]
    fn structure_errors() {
        for (xml, pos) in [
            ("<user/><user/>", (1, 8)),
            ("junk<user/>", (1, 1)),
            ("<user>text<email>a@b.co</email></user>", (1, 1)),
            ("", (1, 1)),
        ] {
            assert_eq!(syntax_position(&validate_xml(Op::Update, xml)), pos, "{xml:?}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        // 128 open elements are read; the 129th (at byte 128 * 3) is refused.
        let xml = "<a>".repeat(200);
        assert_eq!(syntax_position(&validate_xml(Op::Update, &xml)), (1, 128 * 3 + 1));
        let deep = format!("{}{}", "<a>".repeat(128), "</a>".repeat(128));
        assert!(parse_xml(&deep).is_ok());
    }

    #[test]
    fn text_after_the_root_is_refused() {
        // `<user></user>` is 13 characters: the stray text starts at column 14.
        let report = validate_xml(Op::Update, "<user></user>trailing");
        assert_eq!(syntax_position(&report), (1, 14));
    }

    #[test]
    fn summary_and_error_bodies_render_like_the_vendor() {
        use userbridge_core::dialects::publisher::{Envelope, ErrorBody, ErrorEnvelope, Summary};
        let summary = serde_json::to_value(Envelope::new(Summary::new(
            3,
            "user@domain.com",
            "http://example.com/context/api/2/users/3",
        )))
        .unwrap();
        let xml = render_xml(&summary);
        assert!(xml.contains("<atom:link rel=\"self\" href=\"http://example.com/context/api/2/users/3\"/>"), "{xml}");
        assert!(xml.contains("<user xmlns:atom=\"http://www.w3.org/2005/Atom\">"), "{xml}");
        assert_eq!(parse_xml(&xml).unwrap(), summary);

        let error = ErrorEnvelope { error: ErrorBody::user_not_found() };
        let xml = render_xml(&serde_json::to_value(&error).unwrap());
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<error>\n  \
             <summary>The requested user does not exist</summary>\n  <ref>108</ref>\n</error>"
        );
        assert_eq!(error.error.http_status(), 404);
    }

    #[test]
    fn validation_error_body_lists_every_field() {
        use userbridge_core::dialects::publisher::ErrorBody;
        let report = userbridge_core::validate(Publisher, Op::Update, &with_user(update(), "email", None));
        let body = ErrorBody::from_report(&report);
        assert_eq!(body.http_status(), 400);
        assert_eq!(serde_json::to_value(&body).unwrap()["field"][0]["pointer"], "/user/email");
    }
}

mod canonical {
    use super::*;
    use userbridge_core::canonical::{LinkKind, PhoneKind, Status};

    #[test]
    fn maps_every_field() {
        let u = userbridge_core::to_canonical(Publisher, Op::Update, &update()).unwrap();
        assert_eq!(u.id, Some(3));
        assert_eq!(u.name.honorific_prefix.as_deref(), Some("Dr"));
        assert_eq!(u.primary_email().unwrap().value.as_str(), "user@domain.com");
        assert_eq!(u.phone(PhoneKind::Mobile).unwrap().value, "441561510000");
        assert_eq!(u.status, Some(Status::Active));
        assert_eq!(u.organization.as_ref().unwrap().address_id, Some(98));
        assert_eq!(u.addresses[0].locality.as_deref(), Some("London"));
        assert_eq!(
            u.links.iter().map(|l| l.kind).collect::<Vec<_>>(),
            [LinkKind::Social, LinkKind::Custom, LinkKind::Messaging]
        );
        assert_eq!(u.secretary.as_ref().unwrap().email.as_ref().unwrap().as_str(), "secretary@domain.com");
        assert_eq!(u.auth_source.as_deref(), Some("AD"));
    }

    #[test]
    fn statuses_map_both_ways() {
        for (wire, status) in [
            ("active", Status::Active),
            ("disable", Status::Inactive),
            ("archive", Status::Archived),
            ("suspended", Status::Suspended),
        ] {
            let u =
                userbridge_core::to_canonical(Publisher, Op::Update, &with_user(update(), "status", Some(json!(wire))))
                    .unwrap();
            assert_eq!(u.status, Some(status));
        }
        let locked = userbridge_core::User { status: Some(Status::LockedOut), ..Default::default() };
        assert_eq!(userbridge_core::from_canonical(Publisher, Op::Update, &locked)["user"]["status"], "disable");
    }
}

mod translation {
    use super::*;
    use userbridge_core::{Dialect, translate};

    #[test]
    fn to_primavera_reports_what_it_cannot_hold() {
        let t = translate(Publisher, Dialect::Primavera, Op::Update, &update()).unwrap();
        assert_eq!(t.body["email"], "user@domain.com");
        assert_eq!(t.body["firstName"], "User");
        assert_eq!(t.body["lastName"], "Name");
        assert_eq!(t.body["userId"], 3);
        assert_eq!(t.body["phone"], "44156680000");
        assert_eq!(t.body["mobile"], "441561510000");
        assert_eq!(t.body["title"], "Senior Solution Architect");
        assert_eq!(t.body["status"], "ACTIVE");
        let lost: Vec<&str> = t.lost.iter().map(|l| l.pointer.as_str()).collect();
        for p in [
            "/user/name/title",
            "/user/externalid",
            "/user/department",
            "/user/organisation/orgname",
            "/user/organisation/orgid",
            "/user/location/city",
            "/user/location/postcode",
            "/user/img",
            "/user/sociallinks/link/name",
            "/user/messaginglinks/link/value",
            "/user/secretarymail",
            "/user/bio",
            "/user/sourcetype",
            "/user/specialities",
        ] {
            assert!(lost.contains(&p), "{p} not in {lost:?}");
        }
        for held in ["/user/email", "/user/name/firstname", "/user/id", "/user/phone", "/user/mobile", "/user/status"] {
            assert!(!lost.contains(&held), "{held} reported lost");
        }
        // "Senior Solution Architect" is exactly primavera's update limit of 25 characters.
        assert_eq!(t.unmet, vec![]);
    }

    #[test]
    fn suspended_narrows_to_inactive() {
        let body = with_user(update(), "status", Some(json!("suspended")));
        let t = translate(Publisher, Dialect::Primavera, Op::Update, &body).unwrap();
        let status = t.lost.iter().find(|l| l.pointer == "/user/status").unwrap();
        assert_eq!(status.target_value, Some(json!("inactive")));
    }
}
