//! Translation across all 25 dialect pairs, for create and update, on each dialect's full fixture.
//!
//! The loss list is checked at the wire level, independently of how `translate` computes it:
//! the source body goes A → B → A, and every leaf of the original either comes back equal or lies
//! under a `lost` pointer; and every `lost` pointer names something that really did not come back.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use serde_json::Value;
use userbridge_core::{Dialect, Op, Translation};

fn fixture(d: Dialect, op: Op) -> Value {
    common::fixture(d.as_str(), &format!("{op}.json"))
}

/// `(pointer, leaf)` for every scalar, empty object and empty array of a body.
fn leaves(v: &Value, pointer: String, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, c) in m {
                leaves(c, format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(xs) if !xs.is_empty() => {
            for (i, c) in xs.iter().enumerate() {
                leaves(c, format!("{pointer}/{i}"), out);
            }
        }
        _ => out.push((pointer, v.clone())),
    }
}

/// A → B → A without validating B's body (it may lack B's required fields: that is `unmet`).
fn round_trip(from: Dialect, to: Dialect, op: Op, t: &Translation) -> Value {
    let (body, _) = to.spec().prepare(op, &t.body);
    let user = to.spec().to_canonical(op, &body).unwrap();
    from.spec().from_canonical(op, &user)
}

/// The leaf came back, at its place or (for array elements, whose order a single-valued target
/// may change) as an equal element of the same array.
fn survives(original: &Value, back: &Value, pointer: &str) -> bool {
    if back.pointer(pointer) == original.pointer(pointer) {
        return true;
    }
    let tokens: Vec<&str> = pointer.split('/').collect();
    (1..tokens.len()).rev().filter(|&i| tokens[i].parse::<usize>().is_ok()).any(|i| {
        let array = tokens[..i].join("/");
        let element = tokens[..=i].join("/");
        match (back.pointer(&array), original.pointer(&element)) {
            (Some(Value::Array(items)), Some(el)) => items.contains(el),
            _ => false,
        }
    })
}

fn covered(lost: &[userbridge_core::Lost], pointer: &str) -> bool {
    lost.iter().any(|l| pointer == l.pointer || pointer.starts_with(&format!("{}/", l.pointer)))
}

/// Every problem of one pair, as lines (empty = the pair is exact).
fn check_pair(from: Dialect, to: Dialect, op: Op) -> Vec<String> {
    let mut problems = Vec::new();
    let source = fixture(from, op);
    let t = match userbridge_core::translate(from, to, op, &source) {
        Ok(t) => t,
        Err(r) => return vec![format!("{from}→{to} {op}: source fixture invalid: {:?}", r.errors)],
    };
    // A dialect's own request options (primavera's `useExistingUser`) go to its own dialect
    // only, without a canonical home: an identity translation is read back as it is.
    let back = if from == to { t.body.clone() } else { round_trip(from, to, op, &t) };
    let mut all = Vec::new();
    leaves(&source, String::new(), &mut all);
    for (pointer, _) in &all {
        // SCIM `schemas` is derived from content: the enterprise URN is listed iff enterprise
        // attributes are present, and those attributes are themselves checked here.
        if from == Dialect::Scim && pointer.starts_with("/schemas/") {
            continue;
        }
        if !(survives(&source, &back, pointer) || covered(&t.lost, pointer)) {
            problems.push(format!("{from}→{to} {op}: {pointer} neither survived nor is listed as lost"));
        }
    }
    for l in &t.lost {
        if source.pointer(&l.pointer).is_none() {
            problems.push(format!("{from}→{to} {op}: lost pointer {} is not in the source", l.pointer));
        }
        let under = |p: &String| p == &l.pointer || p.starts_with(&format!("{}/", l.pointer));
        if all.iter().filter(|(p, _)| under(p)).all(|(p, _)| survives(&source, &back, p)) {
            problems.push(format!("{from}→{to} {op}: {} is listed as lost but came back", l.pointer));
        }
    }
    if from == to {
        if !t.lost.is_empty() {
            problems.push(format!("{from}→{from} {op} must lose nothing: {:?}", t.lost));
        }
        if t.body != source {
            problems.push(format!("{from}→{from} {op} must be the identity"));
        }
    }
    problems
}

fn check_all(op: Op) {
    let problems: Vec<String> = Dialect::ALL
        .into_iter()
        .flat_map(|from| Dialect::ALL.into_iter().flat_map(move |to| check_pair(from, to, op)))
        .collect();
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn create_all_pairs() {
    check_all(Op::Create);
}

#[test]
fn update_all_pairs() {
    check_all(Op::Update);
}

#[test]
fn invalid_source_gives_its_report() {
    let err =
        userbridge_core::translate(Dialect::Primavera, Dialect::Scim, Op::Update, &serde_json::json!({"userId": 1}))
            .err()
            .unwrap();
    assert!(err.errors.iter().any(|v| v.pointer == "/email"));
}

#[test]
fn missing_target_requirements_are_unmet_not_invented() {
    // Primavera create needs companyId and officeIds, which SCIM has no field for.
    let t =
        userbridge_core::translate(Dialect::Scim, Dialect::Primavera, Op::Create, &fixture(Dialect::Scim, Op::Create))
            .unwrap();
    assert!(t.body.get("companyId").is_none() && t.body.get("officeIds").is_none());
    let unmet: Vec<(&str, &str)> = t.unmet.iter().map(|v| (v.pointer.as_str(), v.code.as_str())).collect();
    assert!(unmet.contains(&("/companyId", "required")) && unmet.contains(&("/officeIds", "required")), "{unmet:?}");
}

/// A dialect's view (what its rows and rules keep of a user, computed without building a body)
/// is exactly the user written as its body and read back, for every fixture's user seen through
/// every dialect, and for those users seen through a second dialect first (what translation does).
#[test]
fn views_equal_the_written_and_read_body() {
    for op in Op::ALL {
        for from in Dialect::ALL {
            let user = userbridge_core::to_canonical(from, op, &fixture(from, op)).unwrap();
            for through in Dialect::ALL {
                let seen = through.spec().view(op, &user);
                for to in Dialect::ALL {
                    for u in [&user, &seen] {
                        let spec = to.spec();
                        let body = spec.from_canonical(op, u);
                        let read = spec.to_canonical(op, &spec.prepare(op, &body).0).unwrap();
                        assert_eq!(spec.view(op, u), read, "{from} → {through} → {to} {op}");
                    }
                }
            }
        }
    }
}
