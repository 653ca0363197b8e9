//! The SCIM query language on its own (RFC 7644 §3.4.2.2 filters, §3.4.2.3 sorting, §3.4.2.5
//! projection, §3.5.2 PATCH), one module per RFC behaviour, each with valid and invalid cases.
//! The resource is RFC 7643 §8.3: the §8.2 full User with the enterprise extension.
#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::{Value, json};
use userbridge_core::query::{
    AttrPath, Filter, FilterError, MAX_DEPTH, PatchError, PatchOperation, PatchPath, Projection, Returned, SortOrder,
    apply_patch, case_exact_for_user, returned_for_user, sort_resources,
};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn user() -> Value {
    serde_json::from_str(include_str!("fixtures/scim/full_user_resource.json")).unwrap()
}

fn parse(filter: &str) -> Filter {
    Filter::parse(filter).unwrap_or_else(|e| panic!("{filter:?} should parse: {e}"))
}

fn eval(filter: &str, resource: &Value) -> bool {
    parse(filter).matches(resource, case_exact_for_user)
}

fn err(filter: &str) -> FilterError {
    match Filter::parse(filter) {
        Ok(f) => panic!("{filter:?} should not parse, got {f:?}"),
        Err(e) => e,
    }
}

/// Asserts each `(filter, expected)` against the resource, naming the failing filter.
fn check(resource: &Value, cases: &[(&str, bool)]) {
    for &(filter, expected) in cases {
        assert_eq!(eval(filter, resource), expected, "{filter}");
    }
}

mod rfc7644_filter_examples {
    use super::*;

    /// Every example of RFC 7644 §3.4.2.2 (the `filter=` list), against the §8.3 user.
    #[test]
    fn every_rfc_example_parses_and_evaluates_against_the_full_user() {
        let user = user();
        check(
            &user,
            &[
                (r#"userName eq "bjensen""#, false),
                (r#"name.familyName co "O'Malley""#, false),
                (r#"userName sw "J""#, false),
                (r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#, false),
                ("title pr", true),
                (r#"meta.lastModified gt "2011-05-13T04:42:34Z""#, false),
                (r#"meta.lastModified ge "2011-05-13T04:42:34Z""#, true),
                (r#"meta.lastModified lt "2011-05-13T04:42:34Z""#, false),
                (r#"meta.lastModified le "2011-05-13T04:42:34Z""#, true),
                (r#"title pr and userType eq "Employee""#, true),
                (r#"title pr or userType eq "Intern""#, true),
                (r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#, true),
                (r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#, true),
                (r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#, false),
                (r#"userType eq "Employee" and (emails.type eq "work")"#, true),
                (r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#, true),
                (
                    r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
                    true,
                ),
            ],
        );
    }

    #[test]
    fn the_examples_match_a_user_they_describe() {
        let jo = json!({"userName": "jomalley", "name": {"familyName": "O'Malley"}, "userType": "Intern",
            "emails": [{"value": "jo@example.org", "type": "home"}],
            "ims": [{"value": "jo@foo.com", "type": "xmpp"}]});
        check(
            &jo,
            &[
                (r#"name.familyName co "O'Malley""#, true),
                (r#"userName sw "J""#, true),
                (r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#, true),
                ("title pr", false),
                (r#"title pr or userType eq "Intern""#, true),
                (r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#, false),
                (r#"userType ne "Employee" and not (emails co "example.com")"#, true),
                (
                    r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
                    true,
                ),
            ],
        );
    }

    #[test]
    fn the_examples_print_back_to_equivalent_filters() {
        for text in [
            r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
            r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
        ] {
            let filter = parse(text);
            assert_eq!(filter.to_string(), text);
            assert_eq!(parse(&filter.to_string()), filter);
        }
    }
}

mod attribute_operators {
    use super::*;

    #[test]
    fn eq_and_ne() {
        let user = user();
        check(
            &user,
            &[
                (r#"userName eq "bjensen@example.com""#, true),
                (r#"userName eq "bjensen""#, false),
                (r#"userName ne "bjensen""#, true),
                (r#"userName ne "bjensen@example.com""#, false),
                // ne is the negation of eq, so an absent attribute is "not equal".
                (r#"nickName ne "x""#, true),
                (r#"notThere ne "x""#, true),
                (r#"notThere eq "x""#, false),
            ],
        );
    }

    #[test]
    fn co_sw_ew_test_substrings() {
        let user = user();
        check(
            &user,
            &[
                (r#"displayName co "bs Je""#, true),
                (r#"displayName co "xyz""#, false),
                (r#"displayName co """#, true),
                (r#"displayName sw "Babs""#, true),
                (r#"displayName sw "Jensen""#, false),
                (r#"displayName ew "Jensen""#, true),
                (r#"displayName ew "Babs""#, false),
                (r#"displayName sw "Babs Jensen and more""#, false),
            ],
        );
    }

    #[test]
    fn gt_ge_lt_le_order_strings_lexicographically() {
        let user = user();
        check(
            &user,
            &[
                (r#"title gt "Tour""#, true),
                (r#"title gt "tour guide""#, false),
                (r#"title ge "tour guide""#, true),
                (r#"title lt "Tour Guides""#, true),
                (r#"title le "Tour Guide""#, true),
                (r#"title lt "A""#, false),
            ],
        );
    }

    #[test]
    fn substring_operators_need_a_string_literal() {
        assert_eq!(err("displayName co 5").position, 15);
        assert_eq!(err("displayName sw true").position, 15);
        assert!(err("displayName ew null").message.contains("substrings"));
    }

    #[test]
    fn an_unknown_operator_is_an_error_at_its_position() {
        let e = err(r#"userName like "b""#);
        assert_eq!(e.position, 9);
        assert!(e.message.contains("unknown operator 'like'"), "{}", e.message);
    }
}

mod presence {
    use super::*;

    #[test]
    fn pr_is_present_and_not_empty() {
        let r = json!({"title": "x", "nickName": "", "userType": null, "emails": [], "ims": [{"type": "aim"}],
            "name": {"givenName": null}, "phoneNumbers": [{"value": "1"}], "active": false});
        check(
            &r,
            &[
                ("title pr", true),
                ("nickName pr", false),
                ("userType pr", false),
                ("emails pr", false),
                ("missing pr", false),
                ("name pr", false),
                ("name.givenName pr", false),
                ("ims pr", true),
                ("ims.value pr", false),
                ("ims.type pr", true),
                ("phoneNumbers.value pr", true),
                ("active pr", true),
                ("not (title pr)", false),
            ],
        );
    }

    #[test]
    fn pr_takes_no_value() {
        assert_eq!(err(r#"title pr "x""#).position, 9);
    }
}

mod logical_operators_and_precedence {
    use super::*;

    fn r() -> Value {
        json!({"a": "1", "b": "1", "c": "0"})
    }

    #[test]
    fn and_binds_tighter_than_or() {
        // a or (b and c): true; (a or b) and c would be false.
        check(
            &r(),
            &[(r#"a eq "1" or b eq "1" and c eq "1""#, true), (r#"(a eq "1" or b eq "1") and c eq "1""#, false)],
        );
        assert_eq!(
            parse(r#"a pr or b pr and c pr"#),
            Filter::Or(vec![
                Filter::Present(AttrPath::new("a")),
                Filter::And(vec![Filter::Present(AttrPath::new("b")), Filter::Present(AttrPath::new("c"))]),
            ])
        );
    }

    #[test]
    fn not_negates_a_parenthesized_filter() {
        check(
            &r(),
            &[
                (r#"not (c eq "1")"#, true),
                (r#"not (a eq "1")"#, false),
                (r#"not(a eq "1" and c eq "1")"#, true),
                (r#"not (not (a eq "1"))"#, true),
                (r#"a eq "1" and not (b eq "0" or c eq "1")"#, true),
            ],
        );
    }

    #[test]
    fn parentheses_group() {
        check(
            &r(),
            &[
                (r#"((a eq "1"))"#, true),
                (r#"(a eq "0" or (b eq "1" and (c eq "0")))"#, true),
                (r#"(a eq "0")"#, false),
            ],
        );
    }

    #[test]
    fn not_requires_parentheses() {
        // Without '(' "not" is read as an attribute name, and "title" is then no operator.
        let e = err("not title pr");
        assert_eq!(e.position, 4);
    }

    #[test]
    fn an_attribute_named_like_a_keyword_still_works() {
        let r = json!({"not": "x", "and": "y"});
        check(&r, &[(r#"not eq "x""#, true), (r#"and eq "y" and not pr"#, true)]);
    }

    #[test]
    fn unbalanced_parentheses_are_errors() {
        let e = err("(title pr");
        assert_eq!((e.position, e.message.as_str()), (0, "'(' is never closed"));
        assert_eq!(err("title pr)").position, 8);
        assert_eq!(err("()").position, 1);
        assert_eq!(err("title pr and").position, 12);
        assert_eq!(err("or title pr").position, 3);
    }
}

mod value_path_filters {
    use super::*;

    #[test]
    fn one_element_must_satisfy_the_whole_value_filter() {
        let user = user();
        check(
            &user,
            &[
                (r#"emails[type eq "work" and value co "@example.com"]"#, true),
                // "home" and "@example.com" hold for different elements: no match.
                (r#"emails[type eq "home" and value co "@example.com"]"#, false),
                (r#"emails[type eq "home" or primary eq true]"#, true),
                (r#"emails[not (type eq "work")]"#, true),
                (r#"emails[primary pr]"#, true),
                (r#"ims[type eq "xmpp"]"#, false),
                (r#"missing[type eq "work"]"#, false),
                (r#"userName[type eq "work"]"#, false),
                (r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[displayName sw "John"]"#, true),
            ],
        );
    }

    #[test]
    fn value_filters_do_not_nest_and_must_close() {
        assert_eq!(err(r#"emails[type eq "work""#).position, 6);
        let e = err(r#"emails[x[type eq "work"]]"#);
        assert_eq!(e.position, 8);
        assert!(e.message.contains("another value filter"));
        assert_eq!(err(r#"emails.value[type eq "work"]"#).position, 12);
        assert_eq!(err(r#"emails[type eq "work")"#).position, 21);
    }
}

mod sub_attributes {
    use super::*;

    #[test]
    fn complex_and_multi_valued_sub_attributes() {
        let user = user();
        check(
            &user,
            &[
                (r#"name.givenName eq "Barbara""#, true),
                (r#"name.givenName eq "Babs""#, false),
                (r#"addresses.locality eq "Hollywood""#, true),
                (r#"addresses.postalCode eq "91608" and addresses.type eq "home""#, true),
                (r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#, true),
                (
                    r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName eq "John Smith""#,
                    true,
                ),
                (
                    r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "26118915-6090-4610-87e4-49d8ca9f808d""#,
                    true,
                ),
                (r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Nope""#, false),
                (r#"groups.display eq "US Employees""#, true),
                (r#"groups.$ref sw "../Groups/""#, true),
            ],
        );
    }

    #[test]
    fn only_one_sub_attribute_level() {
        let e = err(r#"name.givenName.first eq "x""#);
        assert_eq!(e.position, 14);
    }

    #[test]
    fn attribute_names_follow_the_grammar() {
        assert_eq!(err(r#"1name eq "x""#).position, 0);
        assert_eq!(err(r#"na*me eq "x""#).position, 2);
        assert_eq!(err(r#"name. eq "x""#).position, 5);
        assert_eq!(err(r#"foo:bar eq "x""#).position, 0);
        assert_eq!(err(r#"urn:x: eq "x""#).position, 6);
    }
}

mod case_insensitive_names_and_operators {
    use super::*;

    #[test]
    fn attribute_names_operators_and_literals_ignore_case() {
        let user = user();
        check(
            &user,
            &[
                (r#"USERNAME EQ "bjensen@example.com""#, true),
                (r#"Name.GivenName Eq "Barbara""#, true),
                ("TITLE PR AND ACTIVE EQ TRUE", true),
                (r#"EMAILS[TYPE EQ "work"] Or title PR"#, true),
                (r#"NOT (title pr)"#, false),
                (r#"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:EMPLOYEENUMBER eq "701984""#, true),
                ("active eq FALSE", false),
            ],
        );
    }

    #[test]
    fn paths_compare_ignoring_case() {
        assert_eq!(AttrPath::parse("NAME.GIVENNAME").unwrap(), AttrPath::parse("name.givenName").unwrap());
        assert_ne!(AttrPath::parse("name.givenName").unwrap(), AttrPath::parse("name").unwrap());
    }
}

mod case_exact {
    use super::*;

    #[test]
    fn case_exact_attributes_compare_case_sensitively() {
        let user = user();
        check(
            &user,
            &[
                (r#"id eq "2819c223-7f76-453a-919d-413861904646""#, true),
                (r#"id eq "2819C223-7F76-453A-919D-413861904646""#, false),
                (r#"id sw "2819C""#, false),
                (r#"meta.resourceType eq "user""#, false),
                (r#"meta.resourceType eq "User""#, true),
                (r#"externalId eq "701984""#, true),
            ],
        );
    }

    #[test]
    fn other_strings_compare_case_insensitively() {
        let user = user();
        check(
            &user,
            &[
                (r#"userName eq "BJENSEN@EXAMPLE.COM""#, true),
                (r#"emails.value eq "BJensen@Example.com""#, true),
                (r#"emails co "EXAMPLE.COM""#, true),
                (r#"displayName ew "JENSEN""#, true),
                (r#"title gt "TOUR""#, true),
            ],
        );
    }

    #[test]
    fn non_ascii_strings_fold_case_too() {
        let r = json!({"displayName": "Zoë Ångström"});
        check(
            &r,
            &[
                (r#"displayName eq "ZOË ÅNGSTRÖM""#, true),
                (r#"displayName co "ËÅ""#, false),
                (r#"displayName sw "zoë""#, true),
            ],
        );
    }

    #[test]
    fn the_caller_decides_what_is_case_exact() {
        let user = user();
        let filter = parse(r#"userName eq "BJENSEN@EXAMPLE.COM""#);
        assert!(filter.matches(&user, |_| false));
        assert!(!filter.matches(&user, |_| true));
    }

    #[test]
    fn case_exact_for_user_knows_the_rfc_attributes() {
        for (path, exact) in [
            ("id", true),
            ("externalId", true),
            ("meta.resourceType", true),
            ("meta.version", true),
            ("meta.location", true),
            ("meta.created", false),
            ("userName", false),
            ("emails.value", false),
            ("name.familyName", false),
            ("x509Certificates.value", true),
            ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", false),
        ] {
            assert_eq!(case_exact_for_user(&AttrPath::parse(path).unwrap()), exact, "{path}");
        }
    }

    #[test]
    fn value_filters_ask_about_the_joined_path() {
        let r = json!({"emails": [{"value": "A@x.org", "type": "work"}]});
        let filter = parse(r#"emails[value eq "a@x.org"]"#);
        let exact_for_emails_value = |p: &AttrPath| p.is("emails", Some("value"));
        assert!(!filter.matches(&r, exact_for_emails_value));
        assert!(filter.matches(&r, |_| false));
    }
}

mod multi_valued_matching {
    use super::*;

    #[test]
    fn any_element_matching_is_a_match() {
        let user = user();
        check(
            &user,
            &[
                (r#"emails.type eq "home""#, true),
                (r#"emails.type eq "work""#, true),
                (r#"emails.type eq "other""#, false),
                (r#"phoneNumbers.value ew "4444""#, true),
                (r#"schemas eq "urn:ietf:params:scim:schemas:core:2.0:User""#, true),
            ],
        );
    }

    #[test]
    fn complex_multi_valued_without_sub_attribute_compares_value() {
        let user = user();
        check(
            &user,
            &[
                (r#"emails eq "babs@jensen.org""#, true),
                (r#"emails eq "home""#, false),
                (r#"groups eq "fc348aa8-3835-40eb-a20b-c726e15c55b5""#, true),
                (r#"photos ew "/T""#, true),
            ],
        );
    }

    #[test]
    fn simple_multi_valued_attributes() {
        let r = json!({"tags": ["alpha", "beta"], "scores": [1, 5, 9]});
        check(
            &r,
            &[(r#"tags eq "BETA""#, true), (r#"tags sw "g""#, false), ("scores gt 8", true), ("scores lt 1", false)],
        );
    }
}

mod numbers_booleans_and_null {
    use super::*;

    fn r() -> Value {
        json!({"loginCount": 42, "ratio": 2.5, "big": 18446744073709551615u64, "active": true, "nickName": null})
    }

    #[test]
    fn numbers_compare_numerically() {
        check(
            &r(),
            &[
                ("loginCount eq 42", true),
                ("loginCount eq 42.0", true),
                ("loginCount gt 9", true),
                ("loginCount ge 42", true),
                ("loginCount lt 100", true),
                ("loginCount le 41", false),
                ("ratio gt 2", true),
                ("ratio lt 2.51", true),
                ("ratio eq 25e-1", true),
                ("loginCount gt -1", true),
                ("big gt 18446744073709551614", true),
                (r#"loginCount eq "42""#, false),
                ("loginCount ne 42", false),
            ],
        );
    }

    #[test]
    fn booleans_and_null() {
        check(
            &r(),
            &[
                ("active eq true", true),
                ("active eq false", false),
                ("active ne false", true),
                (r#"active eq "true""#, false),
                ("nickName eq null", true),
                ("missing eq null", true),
                ("active eq null", false),
                ("active ne null", true),
            ],
        );
    }

    #[test]
    fn ordering_a_boolean_or_null_is_invalid() {
        // RFC 7644 §3.4.2.2: gt/ge/lt/le with a boolean literal is 400 invalidFilter.
        for (filter, position) in
            [("active gt true", 10), ("active ge false", 10), ("active lt null", 10), ("active le TRUE", 10)]
        {
            let e = err(filter);
            assert_eq!(e.position, position, "{filter}");
            assert!(e.message.contains("cannot order"), "{}", e.message);
        }
    }

    #[test]
    fn malformed_numbers_are_errors() {
        for filter in
            ["loginCount eq 01", "loginCount eq 1.", "loginCount eq -", "loginCount eq 1e999", "loginCount eq 0x10"]
        {
            assert_eq!(err(filter).position, 14, "{filter}");
        }
    }
}

mod date_time_strings {
    use super::*;

    #[test]
    fn date_times_in_the_same_format_compare_as_strings() {
        let user = user();
        check(
            &user,
            &[
                (r#"meta.created lt "2011-05-13T04:42:34Z""#, true),
                (r#"meta.created gt "2010-01-01T00:00:00Z""#, true),
                (r#"meta.lastModified gt "2011-05-13T04:42:33Z""#, true),
                (r#"meta.lastModified lt "2011-05-13T04:42:35Z""#, true),
                (r#"meta.lastModified eq "2011-05-13T04:42:34Z""#, true),
                (r#"meta.created gt "2011-01-01T00:00:00Z" and meta.created lt "2012-01-01T00:00:00Z""#, false),
            ],
        );
    }
}

mod string_literals {
    use super::*;

    #[test]
    fn json_string_escapes() {
        let r = json!({"displayName": "Babs \"B\" Jensen\\é\n"});
        check(&r, &[(r#"displayName eq "Babs \"B\" Jensen\\\u00e9\n""#, true), (r#"displayName co "\"B\"""#, true)]);
    }

    #[test]
    fn invalid_strings_are_errors_at_their_opening_quote() {
        let e = err(r#"userName eq "bjensen"#);
        assert_eq!((e.position, e.message.as_str()), (12, "unterminated string: missing closing '\"'"));
        assert_eq!(err(r#"userName eq "b\q""#).position, 12);
        assert_eq!(err("userName eq \"b\u{1}\"").position, 12);
        assert_eq!(err(r#"userName eq "b\"#).position, 12);
    }

    #[test]
    fn a_bare_word_is_not_a_value() {
        let e = err("userName eq bjensen");
        assert_eq!(e.position, 12);
        assert!(e.message.contains("expected a value"), "{}", e.message);
    }
}

mod invalid_filters_report_a_position {
    use super::*;

    #[test]
    fn each_error_names_where_it_is() {
        for (filter, position) in [
            ("", 0),
            ("   ", 0),
            (r#"userName eq "bjensen"#, 12),
            (r#"userName xx "bjensen""#, 9),
            ("userName eq", 9),
            ("userName", 8),
            ("userName (", 9),
            ("active gt true", 10),
            (r#"userName eq "bjensen" garbage"#, 22),
            (r#"userName eq "bjensen" and"#, 25),
            (r#"userName eq "a" "b""#, 16),
            ("[", 0),
            ("\"x\" eq \"x\"", 0),
            (r#"Zoë eq "x""#, 2),
        ] {
            let e = err(filter);
            assert_eq!(e.position, position, "{filter:?}: {}", e.message);
        }
    }

    #[test]
    fn nesting_is_limited() {
        let ok = format!("{}title pr{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(Filter::parse(&ok).is_ok());
        let deep = format!("{}title pr{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
        let e = err(&deep);
        assert_eq!(e.position, MAX_DEPTH);
        assert!(e.message.contains("deeper"));
        let nots = format!("{}title pr{}", "not (".repeat(10_000), ")".repeat(10_000));
        assert_eq!(err(&nots).position, MAX_DEPTH * 5 + 4);
    }

    #[test]
    fn errors_display_with_their_position() {
        assert_eq!(err("userName eq").to_string(), "invalid filter at character 9: missing value after 'eq'");
        assert_eq!(FilterError::SCIM_TYPE, "invalidFilter");
    }
}

mod attribute_paths {
    use super::*;

    #[test]
    fn parse_and_display() {
        for (text, urn, name, sub) in [
            ("userName", None, "userName", None),
            ("name.givenName", None, "name", Some("givenName")),
            ("urn:ietf:params:scim:schemas:core:2.0:User:userName", None, "userName", None),
            ("urn:ietf:params:scim:schemas:core:2.0:Group:displayName", None, "displayName", None),
            (
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
                Some(ENTERPRISE),
                "employeeNumber",
                None,
            ),
            (
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
                Some(ENTERPRISE),
                "manager",
                Some("value"),
            ),
            ("groups.$ref", None, "groups", Some("$ref")),
        ] {
            let path = AttrPath::parse(text).unwrap();
            assert_eq!((path.urn.as_deref(), path.name.as_str(), path.sub.as_deref()), (urn, name, sub), "{text}");
            assert_eq!(AttrPath::parse(&path.to_string()).unwrap(), path);
        }
    }

    #[test]
    fn invalid_paths() {
        for (text, position) in
            [("", 0), ("a.b.c", 3), ("a b", 1), ("x:y", 0), ("urn:a:", 6), ("-a", 0), ("a.", 2), ("a[", 1)]
        {
            assert_eq!(AttrPath::parse(text).unwrap_err().position, position, "{text:?}");
        }
    }

    #[test]
    fn get_resolves_case_insensitively() {
        let user = user();
        let get = |p: &str| AttrPath::parse(p).unwrap().get(&user).cloned();
        assert_eq!(get("USERNAME"), Some(json!("bjensen@example.com")));
        assert_eq!(get("name.GIVENNAME"), Some(json!("Barbara")));
        assert_eq!(
            get("urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:MANAGER.displayName"),
            Some(json!("John Smith"))
        );
        assert_eq!(get(ENTERPRISE).and_then(|e| e.get("costCenter").cloned()), Some(json!("4130")));
        assert_eq!(get("emails.value"), None, "multi-valued: use values()");
        assert_eq!(get("nothing"), None);
        assert_eq!(get("userName.sub"), None);
    }

    #[test]
    fn values_flatten_multi_valued_attributes() {
        let user = user();
        let values = |p: &str| AttrPath::parse(p).unwrap().values(&user).into_iter().cloned().collect::<Vec<_>>();
        assert_eq!(values("emails.type"), [json!("work"), json!("home")]);
        assert_eq!(values("emails"), [json!("bjensen@example.com"), json!("babs@jensen.org")]);
        assert_eq!(values("name.familyName"), [json!("Jensen")]);
        assert_eq!(values("ims.display"), Vec::<Value>::new());
    }

    #[test]
    fn pointers_use_the_resources_spelling() {
        let user = user();
        let pointer = |p: &str| AttrPath::parse(p).unwrap().pointer(&user);
        assert_eq!(pointer("NAME.givenname").as_deref(), Some("/name/givenName"));
        assert_eq!(
            pointer("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.$REF").as_deref(),
            Some("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/$ref")
        );
        assert_eq!(pointer("emails.value"), None);
        assert_eq!(pointer("nope"), None);
        let with_slash = json!({"a": {"b/c": 1}});
        assert_eq!(AttrPath::new("A").with_sub("b/c").pointer(&with_slash).as_deref(), Some("/a/b~1c"));
    }
}

mod patch_paths {
    use super::*;

    #[test]
    fn attribute_value_path_and_sub_attribute() {
        let p = PatchPath::parse(r#"emails[type eq "work"].value"#).unwrap();
        assert_eq!(p.attr, AttrPath::new("emails"));
        assert_eq!(p.filter, Some(parse(r#"type eq "work""#)));
        assert_eq!(p.sub.as_deref(), Some("value"));
        assert_eq!(p.to_string(), r#"emails[type eq "work"].value"#);

        let p = PatchPath::parse(r#"members[value eq "2819c223"]"#).unwrap();
        assert_eq!((p.attr.name.as_str(), p.sub), ("members", None));

        let p = PatchPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager").unwrap();
        assert_eq!(p.attr.urn.as_deref(), Some(ENTERPRISE));
        assert!(p.filter.is_none());

        let p = PatchPath::parse(r#"  addresses[type eq "work" and primary eq true].streetAddress "#).unwrap();
        assert_eq!(p.sub.as_deref(), Some("streetAddress"));
    }

    #[test]
    fn invalid_patch_paths() {
        for (text, position) in [
            (r#"emails[type eq "work""#, 6),
            (r#"emails[type eq "work"]value"#, 22),
            (r#"emails[type eq "work"].value.x"#, 28),
            (r#"emails[type eq "work"]."#, 23),
            (r#"emails.value[type eq "work"]"#, 12),
            (r#"emails[type eq]"#, 14),
            (r#"emails[]"#, 7),
            ("", 0),
            (r#"emails[type eq "work"] or x pr"#, 22),
        ] {
            let e = PatchPath::parse(text).unwrap_err();
            assert_eq!(e.position, position, "{text:?}: {}", e.message);
        }
    }
}

mod sorting {
    use super::*;

    fn users() -> Vec<Value> {
        vec![
            json!({"id": "1", "userName": "bob", "emails": [{"value": "z@x.org"}, {"value": "a@x.org", "primary": true}], "age": 30}),
            json!({"id": "2", "userName": "Alice", "emails": [{"value": "m@x.org"}], "age": 4}),
            json!({"id": "3", "age": 100}),
            json!({"id": "4", "userName": "carol", "emails": [], "age": 30}),
        ]
    }

    fn order(by: &str, sort_order: SortOrder, case_exact: bool) -> Vec<String> {
        let mut list = users();
        sort_resources(&mut list, &AttrPath::parse(by).unwrap(), sort_order, |_| case_exact);
        list.iter().map(|u| u["id"].as_str().unwrap().to_owned()).collect()
    }

    #[test]
    fn ascending_is_case_insensitive_with_missing_values_last() {
        assert_eq!(order("userName", SortOrder::Ascending, false), ["2", "1", "4", "3"]);
    }

    #[test]
    fn descending_reverses_the_order() {
        assert_eq!(order("userName", SortOrder::Descending, false), ["3", "4", "1", "2"]);
    }

    #[test]
    fn case_exact_strings_sort_by_code_point() {
        assert_eq!(order("userName", SortOrder::Ascending, true), ["2", "1", "4", "3"]);
        let mut list = vec![json!({"id": "b"}), json!({"id": "B"}), json!({"id": "a"})];
        sort_resources(&mut list, &AttrPath::new("id"), SortOrder::Ascending, case_exact_for_user);
        assert_eq!(list, [json!({"id": "B"}), json!({"id": "a"}), json!({"id": "b"})]);
    }

    #[test]
    fn numbers_sort_numerically_and_stably() {
        assert_eq!(order("age", SortOrder::Ascending, false), ["2", "1", "4", "3"]);
    }

    #[test]
    fn multi_valued_attributes_sort_by_the_primary_value_else_the_first() {
        // bob's primary email a@x.org, Alice's only m@x.org, carol none, id 3 none.
        assert_eq!(order("emails", SortOrder::Ascending, false), ["1", "2", "3", "4"]);
        assert_eq!(order("emails.value", SortOrder::Ascending, false), ["1", "2", "3", "4"]);
    }

    #[test]
    fn sort_order_parameter() {
        assert_eq!(SortOrder::parse("Descending"), Some(SortOrder::Descending));
        assert_eq!(SortOrder::parse("ascending"), Some(SortOrder::Ascending));
        assert_eq!(SortOrder::parse("up"), None);
        assert_eq!(SortOrder::default(), SortOrder::Ascending);
    }
}

mod projection {
    use super::*;

    fn project(attributes: Option<&str>, excluded: Option<&str>) -> Value {
        Projection::parse(attributes, excluded).unwrap().apply(&user(), returned_for_user)
    }

    fn keys(v: &Value) -> Vec<&str> {
        let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        k.sort_unstable();
        k
    }

    #[test]
    fn by_default_everything_but_never_returned_attributes() {
        let all = project(None, None);
        let mut expected = user();
        expected.as_object_mut().unwrap().remove("password");
        assert_eq!(all, expected);
    }

    #[test]
    fn attributes_returns_only_those_plus_always_returned() {
        assert_eq!(
            project(Some("userName"), None),
            json!({"schemas": user()["schemas"], "id": "2819c223-7f76-453a-919d-413861904646", "userName": "bjensen@example.com"})
        );
        assert_eq!(keys(&project(Some("USERNAME, displayname"), None)), ["displayName", "id", "schemas", "userName"]);
    }

    #[test]
    fn sub_attributes_narrow_complex_and_multi_valued_attributes() {
        let p = project(Some("name.givenName,emails.value,emails.TYPE,meta.lastModified"), None);
        assert_eq!(p["name"], json!({"givenName": "Barbara"}));
        assert_eq!(
            p["emails"],
            json!([{"value": "bjensen@example.com", "type": "work"}, {"value": "babs@jensen.org", "type": "home"}])
        );
        assert_eq!(p["meta"], json!({"lastModified": "2011-05-13T04:42:34Z"}));
        assert_eq!(keys(&p), ["emails", "id", "meta", "name", "schemas"]);
    }

    #[test]
    fn extension_attributes_and_whole_extensions() {
        let p = project(
            Some(
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName",
            ),
            None,
        );
        assert_eq!(p[ENTERPRISE], json!({"employeeNumber": "701984", "manager": {"displayName": "John Smith"}}));
        let p = project(Some(ENTERPRISE), None);
        assert_eq!(p[ENTERPRISE], user()[ENTERPRISE]);
        let p = project(Some("userName"), None);
        assert!(p.get(ENTERPRISE).is_none());
    }

    #[test]
    fn never_returned_attributes_stay_out_even_when_asked() {
        assert!(project(Some("password,userName"), None).get("password").is_none());
    }

    #[test]
    fn excluded_attributes_drop_default_ones_but_not_always_ones() {
        let p = project(
            None,
            Some(
                "emails, name.middleName, id, schemas, urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
            ),
        );
        assert!(p.get("emails").is_none());
        assert!(p["name"].get("middleName").is_none());
        assert_eq!(p["name"]["givenName"], "Barbara");
        assert_eq!(p["id"], user()["id"]);
        assert_eq!(p["schemas"], user()["schemas"]);
        assert!(p[ENTERPRISE].get("manager").is_none());
        assert_eq!(p[ENTERPRISE]["costCenter"], "4130");
        let p = project(None, Some(&format!("{ENTERPRISE},emails.primary")));
        assert!(p.get(ENTERPRISE).is_none());
        assert_eq!(p["emails"][0], json!({"value": "bjensen@example.com", "type": "work"}));
    }

    #[test]
    fn request_only_attributes_need_naming() {
        let r = json!({"id": "1", "userName": "u", "secretish": "s"});
        let returned = |p: &AttrPath| if p.is("secretish", None) { Returned::Request } else { returned_for_user(p) };
        assert!(Projection::default().apply(&r, returned).get("secretish").is_none());
        let p = Projection::parse(Some("secretish"), None).unwrap().apply(&r, returned);
        assert_eq!(p, json!({"id": "1", "secretish": "s"}));
    }

    #[test]
    fn invalid_attribute_lists() {
        let e = Projection::parse(Some("userName, name..x"), None).unwrap_err();
        assert_eq!(e.position, 15);
        assert_eq!(Projection::parse(None, Some("a b")).unwrap_err().position, 1);
        assert_eq!(Projection::parse(Some(" , "), Some("")).unwrap(), Projection::default());
    }
}

/// PATCH helpers: apply a list of operations, returning the patched resource or the error.
fn patch(resource: &Value, operations: Value) -> Result<Value, PatchError> {
    let operations: Vec<PatchOperation> = serde_json::from_value(operations).unwrap();
    let mut out = resource.clone();
    apply_patch(&mut out, &operations, case_exact_for_user).map(|()| out)
}

fn patched(resource: &Value, operations: Value) -> Value {
    patch(resource, operations).unwrap_or_else(|e| panic!("patch failed: {e}"))
}

fn patch_err(resource: &Value, operations: Value) -> PatchError {
    match patch(resource, operations) {
        Ok(v) => panic!("patch should fail, got {v}"),
        Err(e) => e,
    }
}

fn group() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
        "displayName": "Tour Guides",
        "members": [
            {"value": "2819c223-7f76-453a-919d-413861904646", "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646", "display": "Babs Jensen"},
            {"value": "902c246b-6245-4190-8e05-00816be7344a", "$ref": "https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a", "display": "Mandy Pepperidge"}
        ]
    })
}

mod rfc7644_patch_examples {
    use super::*;

    /// §3.5.2.1: add members.
    #[test]
    fn add_members_to_a_group() {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{
                "op": "add",
                "path": "members",
                "value": [{"display": "James Smith", "$ref": "https://example.com/v2/Users/08e1d05d-121c-4561-8b96-473d93df9210", "value": "08e1d05d-121c-4561-8b96-473d93df9210"}]
            }]
        });
        let out = patched(&group(), body["Operations"].clone());
        assert_eq!(out["members"].as_array().unwrap().len(), 3);
        assert_eq!(out["members"][2]["display"], "James Smith");
        // Adding the same member again changes nothing (§3.5.2.1).
        assert_eq!(patched(&out, body["Operations"].clone()), out);
    }

    /// §3.5.2.1: add without path, an object of attributes.
    #[test]
    fn add_attributes_without_a_path() {
        let ops = json!([{"op": "add", "value": {"emails": [{"value": "babs@jensen.net", "type": "home"}], "nickname": "Babs2"}}]);
        let out = patched(&user(), ops);
        assert_eq!(out["emails"].as_array().unwrap().len(), 3);
        assert_eq!(out["emails"][2]["value"], "babs@jensen.net");
        assert_eq!(out["nickName"], "Babs2", "nickname lands on the existing nickName key");
        assert!(out.get("nickname").is_none());
    }

    /// §3.5.2.2: remove one member, all members, and remove + add.
    #[test]
    fn remove_members() {
        let out = patched(
            &group(),
            json!([{"op": "remove", "path": "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"}]),
        );
        assert_eq!(out["members"].as_array().unwrap().len(), 1);
        assert_eq!(out["members"][0]["display"], "Mandy Pepperidge");

        let out = patched(&group(), json!([{"op": "remove", "path": "members"}]));
        assert!(out.get("members").is_none());

        let out = patched(
            &group(),
            json!([
                {"op": "remove", "path": "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"},
                {"op": "add", "path": "members", "value": [{"display": "James Smith", "value": "08e1d05d-121c-4561-8b96-473d93df9210"}]}
            ]),
        );
        let values: Vec<&str> =
            out["members"].as_array().unwrap().iter().map(|m| m["value"].as_str().unwrap()).collect();
        assert_eq!(values, ["902c246b-6245-4190-8e05-00816be7344a", "08e1d05d-121c-4561-8b96-473d93df9210"]);
    }

    /// §3.5.2.2: remove with a complex filter.
    #[test]
    fn remove_emails_matching_a_complex_filter() {
        let out = patched(
            &user(),
            json!([{"op": "remove", "path": "emails[type eq \"work\" and value ew \"example.com\"]"}]),
        );
        assert_eq!(out["emails"], json!([{"value": "babs@jensen.org", "type": "home"}]));
    }

    /// §3.5.2.3: replace all members.
    #[test]
    fn replace_all_members() {
        let members = json!([
            {"display": "Babs Jensen", "value": "2819c223-7f76-453a-919d-413861904646"},
            {"display": "James Smith", "value": "08e1d05d-121c-4561-8b96-473d93df9210"}
        ]);
        let out = patched(&group(), json!([{"op": "replace", "path": "members", "value": members}]));
        assert_eq!(out["members"], members);
    }

    /// §3.5.2.3: replace a filtered element, then one sub-attribute of it.
    #[test]
    fn replace_the_work_address() {
        let address = json!({"type": "work", "streetAddress": "911 Universal City Plaza", "locality": "Hollywood", "region": "CA",
            "postalCode": "91608", "country": "US", "formatted": "911 Universal City Plaza\nHollywood, CA 91608 US", "primary": true});
        let out = patched(&user(), json!([{"op": "replace", "path": "addresses[type eq \"work\"]", "value": address}]));
        assert_eq!(out["addresses"][0], address);
        assert_eq!(out["addresses"][1], user()["addresses"][1]);

        let out = patched(
            &user(),
            json!([{"op": "replace", "path": "addresses[type eq \"work\"].streetAddress", "value": "1010 Broadway Ave"}]),
        );
        assert_eq!(out["addresses"][0]["streetAddress"], "1010 Broadway Ave");
        assert_eq!(out["addresses"][0]["locality"], "Hollywood");
    }

    /// §3.5.2.3: replace without path.
    #[test]
    fn replace_attributes_without_a_path() {
        let emails = json!([{"value": "bjensen@example.com", "type": "work", "primary": true}, {"value": "babs@jensen.org", "type": "home"}]);
        let out = patched(
            &user(),
            json!([{"op": "replace", "value": {"emails": emails, "nickname": "Babs", "name": {"givenName": "Barb"}}}]),
        );
        assert_eq!(out["emails"], emails);
        assert_eq!(out["nickName"], "Babs");
        assert_eq!(out["name"]["givenName"], "Barb");
        assert_eq!(out["name"]["familyName"], "Jensen", "sub-attributes not given are left unchanged");
    }
}

mod patch_add {
    use super::*;

    #[test]
    fn add_creates_a_missing_attribute() {
        let r = json!({"schemas": [], "userName": "u"});
        let out = patched(
            &r,
            json!([{"op": "add", "path": "title", "value": "Boss"}, {"op": "add", "path": "name.givenName", "value": "Ana"}]),
        );
        assert_eq!(out["title"], "Boss");
        assert_eq!(out["name"], json!({"givenName": "Ana"}));
    }

    #[test]
    fn add_to_a_missing_multi_valued_attribute_makes_a_list() {
        let r = json!({"userName": "u"});
        let out =
            patched(&r, json!([{"op": "add", "path": "phoneNumbers", "value": {"value": "555", "type": "work"}}]));
        assert_eq!(out["phoneNumbers"], json!([{"value": "555", "type": "work"}]));
    }

    #[test]
    fn add_appends_to_multi_valued_and_replaces_single_valued() {
        let out = patched(
            &user(),
            json!([{"op": "add", "path": "ims", "value": [{"value": "bj", "type": "xmpp"}]}, {"op": "add", "path": "title", "value": "Chief"}]),
        );
        assert_eq!(out["ims"].as_array().unwrap().len(), 2);
        assert_eq!(out["title"], "Chief");
    }

    #[test]
    fn add_to_a_complex_attribute_merges_sub_attributes() {
        let out =
            patched(&user(), json!([{"op": "add", "path": "name", "value": {"givenName": "Barb", "nickname": "x"}}]));
        assert_eq!(out["name"]["givenName"], "Barb");
        assert_eq!(out["name"]["familyName"], "Jensen");
        let e = patch_err(&user(), json!([{"op": "add", "path": "name", "value": "Barbara"}]));
        assert_eq!(e.scim_type(), "invalidValue");
    }

    #[test]
    fn add_with_a_value_filter_sets_matching_elements() {
        let out = patched(&user(), json!([{"op": "add", "path": "emails[type eq \"home\"].display", "value": "Home"}]));
        assert_eq!(out["emails"][1]["display"], "Home");
        assert!(out["emails"][0].get("display").is_none());
    }

    #[test]
    fn add_with_an_equality_filter_matching_nothing_creates_the_element() {
        // Microsoft Entra ID adds a typed value this way.
        let out =
            patched(&user(), json!([{"op": "Add", "path": "emails[type eq \"other\"].value", "value": "b@other.org"}]));
        assert_eq!(out["emails"][2], json!({"type": "other", "value": "b@other.org"}));
        let out = patched(
            &json!({"userName": "u"}),
            json!([{"op": "add", "path": "phoneNumbers[type eq \"fax\"]", "value": {"value": "555"}}]),
        );
        assert_eq!(out["phoneNumbers"], json!([{"type": "fax", "value": "555"}]));
        let e = patch_err(&user(), json!([{"op": "add", "path": "emails[type co \"oth\"].value", "value": "x"}]));
        assert_eq!(e.scim_type(), "noTarget");
    }

    #[test]
    fn add_under_the_enterprise_urn_creates_the_extension() {
        let r = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "u"});
        let out = patched(&r, json!([{"op": "add", "path": format!("{ENTERPRISE}:employeeNumber"), "value": "42"}]));
        assert_eq!(out[ENTERPRISE], json!({"employeeNumber": "42"}));
        assert_eq!(out["schemas"], json!(["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE]));
        let out =
            patched(&out, json!([{"op": "add", "path": format!("{ENTERPRISE}:manager"), "value": {"value": "m1"}}]));
        assert_eq!(out[ENTERPRISE]["manager"], json!({"value": "m1"}));
    }

    #[test]
    fn add_without_path_merges_an_extension_object_and_path_keys() {
        let out = patched(
            &user(),
            json!([{"op": "add", "value": {ENTERPRISE: {"department": "Rides"}, "name.givenName": "B", format!("{ENTERPRISE}:division"): "Park"}}]),
        );
        assert_eq!(out[ENTERPRISE]["department"], "Rides");
        assert_eq!(out[ENTERPRISE]["division"], "Park");
        assert_eq!(out[ENTERPRISE]["costCenter"], "4130");
        assert_eq!(out["name"]["givenName"], "B");
    }
}

mod patch_replace {
    use super::*;

    #[test]
    fn replace_with_a_path_on_a_missing_attribute_adds_it() {
        let out = patched(&json!({"userName": "u"}), json!([{"op": "replace", "path": "nickName", "value": "N"}]));
        assert_eq!(out["nickName"], "N");
    }

    #[test]
    fn replace_is_case_insensitive_on_op_and_path() {
        let out = patched(
            &user(),
            json!([{"op": "Replace", "path": "NAME.GIVENNAME", "value": "Barb"}, {"op": "REPLACE", "path": "Active", "value": false}]),
        );
        assert_eq!(out["name"]["givenName"], "Barb");
        assert_eq!(out["active"], false);
        assert!(out["name"].get("GIVENNAME").is_none());
        assert!(out.get("Active").is_none());
    }

    #[test]
    fn replace_a_multi_valued_attribute_as_a_whole() {
        let out = patched(&user(), json!([{"op": "replace", "path": "emails", "value": {"value": "only@x.org"}}]));
        assert_eq!(out["emails"], json!([{"value": "only@x.org"}]));
    }

    #[test]
    fn replace_a_sub_attribute_of_every_element() {
        let out = patched(&user(), json!([{"op": "replace", "path": "phoneNumbers.type", "value": "other"}]));
        assert_eq!(out["phoneNumbers"][0]["type"], "other");
        assert_eq!(out["phoneNumbers"][1]["type"], "other");
    }

    #[test]
    fn replace_inside_the_enterprise_extension() {
        let out =
            patched(&user(), json!([{"op": "replace", "path": format!("{ENTERPRISE}:manager.value"), "value": "m2"}]));
        assert_eq!(out[ENTERPRISE]["manager"]["value"], "m2");
        assert_eq!(out[ENTERPRISE]["manager"]["displayName"], "John Smith");
        let out = patched(&user(), json!([{"op": "replace", "path": ENTERPRISE, "value": {"costCenter": "1"}}]));
        assert_eq!(out[ENTERPRISE]["costCenter"], "1");
        assert_eq!(out[ENTERPRISE]["employeeNumber"], "701984");
    }

    #[test]
    fn replace_with_null_unassigns() {
        let out = patched(
            &user(),
            json!([{"op": "replace", "path": "title", "value": null}, {"op": "replace", "path": "name.middleName", "value": null}]),
        );
        assert!(out.get("title").is_none());
        assert!(out["name"].get("middleName").is_none());
    }

    #[test]
    fn replace_through_a_filter_matching_nothing_is_no_target() {
        let e = patch_err(&user(), json!([{"op": "replace", "path": "emails[type eq \"other\"].value", "value": "x"}]));
        assert_eq!(e.scim_type(), "noTarget");
        assert_eq!(e.to_string(), r#"Operations[0]: nothing matches 'emails[type eq "other"].value'"#);
    }

    #[test]
    fn replace_a_scalar_sub_attribute_is_an_invalid_path() {
        let e = patch_err(&user(), json!([{"op": "replace", "path": "userName.first", "value": "x"}]));
        assert_eq!(e.scim_type(), "invalidPath");
    }
}

mod patch_remove {
    use super::*;

    #[test]
    fn remove_single_valued_and_sub_attributes() {
        let out = patched(
            &user(),
            json!([{"op": "remove", "path": "title"}, {"op": "remove", "path": "name.middleName"}, {"op": "remove", "path": "emails.primary"}]),
        );
        assert!(out.get("title").is_none());
        assert!(out["name"].get("middleName").is_none());
        assert!(out["emails"][0].get("primary").is_none());
    }

    #[test]
    fn remove_a_sub_attribute_of_filtered_elements() {
        let out = patched(&user(), json!([{"op": "remove", "path": "addresses[type eq \"home\"].formatted"}]));
        assert!(out["addresses"][1].get("formatted").is_none());
        assert!(out["addresses"][0].get("formatted").is_some());
    }

    #[test]
    fn removing_the_last_value_unassigns_the_attribute() {
        let out = patched(&user(), json!([{"op": "remove", "path": "ims[type eq \"aim\"]"}]));
        assert!(out.get("ims").is_none());
    }

    #[test]
    fn remove_inside_the_enterprise_extension() {
        let out = patched(&user(), json!([{"op": "remove", "path": format!("{ENTERPRISE}:manager")}]));
        assert!(out[ENTERPRISE].get("manager").is_none());
        assert_eq!(out[ENTERPRISE]["costCenter"], "4130");
        let out = patched(&user(), json!([{"op": "remove", "path": ENTERPRISE}]));
        assert!(out.get(ENTERPRISE).is_none());
    }

    #[test]
    fn removing_what_is_not_there_is_a_no_op() {
        let r = json!({"userName": "u"});
        assert_eq!(
            patched(
                &r,
                json!([{"op": "remove", "path": "title"}, {"op": "remove", "path": format!("{ENTERPRISE}:manager")}])
            ),
            r
        );
    }

    #[test]
    fn remove_needs_a_path_and_a_filter_needs_a_match() {
        assert_eq!(patch_err(&user(), json!([{"op": "remove"}])).scim_type(), "noTarget");
        assert_eq!(patch_err(&user(), json!([{"op": "remove", "path": " "}])).scim_type(), "noTarget");
        assert_eq!(
            patch_err(&user(), json!([{"op": "remove", "path": "emails[type eq \"other\"]"}])).scim_type(),
            "noTarget"
        );
        assert_eq!(
            patch_err(&json!({}), json!([{"op": "remove", "path": "emails[type eq \"work\"]"}])).scim_type(),
            "noTarget"
        );
    }

    /// Microsoft Entra ID removes group members (and emails) by value.
    #[test]
    fn remove_with_a_value_array_removes_those_elements() {
        let out = patched(
            &group(),
            json!([{"op": "Remove", "path": "members", "value": [{"value": "2819c223-7f76-453a-919d-413861904646"}]}]),
        );
        assert_eq!(out["members"].as_array().unwrap().len(), 1);
        assert_eq!(out["members"][0]["display"], "Mandy Pepperidge");

        let out =
            patched(&user(), json!([{"op": "remove", "path": "emails", "value": [{"value": "BABS@jensen.org"}]}]));
        assert_eq!(out["emails"].as_array().unwrap().len(), 1);
        assert_eq!(out["emails"][0]["type"], "work");

        // Nothing matching: unchanged, not an error (Entra retries removals).
        let unchanged = patched(&group(), json!([{"op": "remove", "path": "members", "value": [{"value": "gone"}]}]));
        assert_eq!(unchanged, group());

        let out = patched(
            &group(),
            json!([{"op": "remove", "path": "members", "value": [
            {"value": "2819c223-7f76-453a-919d-413861904646"}, {"value": "902c246b-6245-4190-8e05-00816be7344a"}]}]),
        );
        assert!(out.get("members").is_none());
    }
}

mod patch_primary_uniqueness {
    use super::*;

    fn primaries(v: &Value) -> Vec<&str> {
        v["emails"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["primary"] == true)
            .map(|e| e["value"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn a_new_primary_clears_the_old_one() {
        let out = patched(
            &user(),
            json!([{"op": "add", "path": "emails", "value": [{"value": "new@x.org", "primary": true}]}]),
        );
        assert_eq!(primaries(&out), ["new@x.org"]);
        assert_eq!(out["emails"][0]["primary"], false);

        let out =
            patched(&user(), json!([{"op": "replace", "path": "emails[type eq \"home\"].primary", "value": true}]));
        assert_eq!(primaries(&out), ["babs@jensen.org"]);

        let out =
            patched(&user(), json!([{"op": "add", "value": {"emails": [{"value": "n@x.org", "primary": true}]}}]));
        assert_eq!(primaries(&out), ["n@x.org"]);
    }

    #[test]
    fn two_primaries_in_one_operation_are_invalid() {
        let e = patch_err(
            &user(),
            json!([{"op": "replace", "path": "emails", "value": [{"value": "a", "primary": true}, {"value": "b", "primary": true}]}]),
        );
        assert_eq!(e.scim_type(), "invalidValue");
        let e = patch_err(&user(), json!([{"op": "replace", "path": "emails.primary", "value": true}]));
        assert_eq!(e.scim_type(), "invalidValue");
    }

    #[test]
    fn a_non_primary_write_keeps_the_primary() {
        let out = patched(&user(), json!([{"op": "add", "path": "emails", "value": [{"value": "n@x.org"}]}]));
        assert_eq!(primaries(&out), ["bjensen@example.com"]);
    }
}

mod patch_mutability {
    use super::*;

    #[test]
    fn read_only_attributes_cannot_be_changed() {
        for ops in [
            json!([{"op": "replace", "path": "id", "value": "x"}]),
            json!([{"op": "add", "path": "meta.lastModified", "value": "2020-01-01T00:00:00Z"}]),
            json!([{"op": "remove", "path": "groups"}]),
            json!([{"op": "add", "path": "groups", "value": [{"value": "g"}]}]),
            json!([{"op": "remove", "path": "groups[display eq \"Employees\"]"}]),
            json!([{"op": "replace", "value": {"id": "other"}}]),
        ] {
            let e = patch_err(&user(), ops.clone());
            assert_eq!(e.scim_type(), "mutability", "{ops}");
        }
    }

    #[test]
    fn required_attributes_cannot_be_removed() {
        let e = patch_err(&user(), json!([{"op": "remove", "path": "userName"}]));
        assert_eq!(
            (e.scim_type(), e.to_string().as_str()),
            ("mutability", "Operations[0]: 'userName' cannot be changed: the attribute is required")
        );
    }

    #[test]
    fn meta_and_an_unchanged_id_without_path_are_ignored() {
        let out = patched(
            &user(),
            json!([{"op": "replace", "value": {"id": "2819c223-7f76-453a-919d-413861904646", "meta": {"version": "x"}, "active": false}}]),
        );
        assert_eq!(out["active"], false);
        assert_eq!(out["meta"], user()["meta"]);
    }
}

mod patch_invalid_requests {
    use super::*;

    #[test]
    fn malformed_operations() {
        for (ops, scim_type) in [
            (json!([{"op": "move", "path": "title"}]), "invalidSyntax"),
            (json!([{"op": "add", "path": "title"}]), "invalidSyntax"),
            (json!([{"op": "replace"}]), "invalidSyntax"),
            (json!([{"op": "add", "path": "emails[type eq \"work\""}]), "invalidPath"),
            (json!([{"op": "add", "path": "name..givenName", "value": "x"}]), "invalidPath"),
            (json!([{"op": "add", "value": "not an object"}]), "invalidValue"),
            (json!([{"op": "add", "value": {"a b": 1}}]), "invalidPath"),
            (json!([{"op": "add", "value": {ENTERPRISE: "x"}}]), "invalidValue"),
            (json!([{"op": "replace", "path": "emails[type eq \"work\"]", "value": "x"}]), "invalidValue"),
            (json!([{"op": "add", "path": "userName[type eq \"work\"]", "value": "x"}]), "invalidPath"),
        ] {
            let e = patch_err(&user(), ops.clone());
            assert_eq!(e.scim_type(), scim_type, "{ops}: {e}");
            assert_eq!(e.status(), 400);
        }
    }

    #[test]
    fn the_list_is_atomic_and_errors_name_the_operation() {
        let mut r = user();
        let ops: Vec<PatchOperation> = vec![
            PatchOperation::new("replace").path("title").value(json!("Changed")),
            PatchOperation::new("replace").path("id").value(json!("x")),
        ];
        let e = apply_patch(&mut r, &ops, case_exact_for_user).unwrap_err();
        assert_eq!((e.index(), e.scim_type()), (1, "mutability"));
        assert_eq!(r, user(), "a failed PATCH leaves the resource untouched");
    }

    #[test]
    fn a_resource_that_is_not_an_object_is_an_invalid_value() {
        let e = patch_err(&json!([1]), json!([{"op": "add", "path": "a", "value": 1}]));
        assert_eq!(e.scim_type(), "invalidValue");
    }
}

mod parser_never_panics {
    use super::*;
    use proptest::prelude::*;

    const TOKENS: &[&str] = &[
        "userName",
        "emails",
        "name.givenName",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        "urn:",
        ":",
        ".",
        "eq",
        "ne",
        "co",
        "sw",
        "ew",
        "gt",
        "ge",
        "lt",
        "le",
        "pr",
        "and",
        "or",
        "not",
        "(",
        ")",
        "[",
        "]",
        "\"",
        "\"x\"",
        "\"\\u00e9\"",
        "\"\\",
        "true",
        "false",
        "null",
        "1",
        "-2.5e3",
        "1e999",
        " ",
        "  ",
        "Zoë",
        "\u{0}",
        "$ref",
        "..",
        "a.b.c",
    ];

    fn soup() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|t| t.join(" "))
    }

    fn tight_soup() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|t| t.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn random_text(text in any::<String>()) {
            let _ = Filter::parse(&text);
            let _ = PatchPath::parse(&text);
            let _ = AttrPath::parse(&text);
            let _ = Projection::parse(Some(&text), Some(&text));
        }

        #[test]
        fn token_soup(text in prop_oneof![soup(), tight_soup()]) {
            let user = user();
            if let Ok(filter) = Filter::parse(&text) {
                let _ = filter.matches(&user, case_exact_for_user);
                // What parses prints back to the same filter.
                prop_assert_eq!(Filter::parse(&filter.to_string()), Ok(filter));
            }
            if let Err(e) = Filter::parse(&text) {
                prop_assert!(e.position <= text.chars().count());
            }
            let _ = PatchPath::parse(&text);
        }

        #[test]
        fn random_patches(
            ops in prop::collection::vec(
                (
                    prop::sample::select(&["add", "replace", "remove", "Add", "x"][..]),
                    prop::option::of(prop_oneof![soup(), tight_soup(), prop::sample::select(&[
                        "emails", "emails[type eq \"work\"].value", "name.givenName", "members[value eq \"1\"]",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "title", "id",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "emails.primary",
                    ][..]).prop_map(str::to_owned)]),
                    prop::option::of(prop_oneof![
                        Just(json!("x")), Just(json!(null)), Just(json!(true)), Just(json!([{"value": "a", "primary": true}])),
                        Just(json!({"givenName": "g", "emails": [{"value": "v"}]})), Just(json!([])), Just(json!({})),
                        Just(json!({ENTERPRISE: {"manager": {"value": "m"}}})),
                    ]),
                ),
                0..6,
            )
        ) {
            let ops: Vec<PatchOperation> = ops
                .into_iter()
                .map(|(op, path, value)| PatchOperation { op: op.to_owned(), path, value })
                .collect();
            for start in [user(), group(), json!({}), json!(null)] {
                let mut r = start.clone();
                if apply_patch(&mut r, &ops, case_exact_for_user).is_err() {
                    prop_assert_eq!(r, start);
                }
            }
        }
    }
}
