//! A proxy names an upstream's required field in the caller's terms: wire → canonical → wire.

use userbridge_core::{Dialect, Op, User};

/// Every required field of every dialect has a canonical home, so a required field a caller could
/// not send is reported under a name every other dialect can map (or, where it has no such field,
/// at least canonically).
#[test]
fn every_required_field_maps_to_a_canonical_field() {
    for dialect in Dialect::ALL {
        for op in Op::ALL {
            for field in userbridge_core::fields(dialect, op).iter().filter(|f| f.required) {
                let spec = dialect.spec();
                let canonical = spec.canonical_pointer(op, field.pointer);
                // Protocol, not user data: SCIM's `schemas`, publisher's `{"user": …}` envelope.
                if matches!((dialect, field.pointer), (Dialect::Scim, "/schemas") | (Dialect::Publisher, "/user")) {
                    continue;
                }
                assert!(canonical.is_some(), "{dialect} {op} {} has no canonical home", field.pointer);
            }
        }
    }
}

/// The inverse agrees with the forward mapping on every field whose place does not depend on
/// values.
#[test]
fn canonical_pointer_inverts_wire_pointer() {
    let user = User::default();
    for (dialect, wire, canonical) in [
        (Dialect::LearningCloud, "/surname", "/name/family"),
        (Dialect::LearningCloud, "/email", "/emails/0/value"),
        (Dialect::Primavera, "/lastName", "/name/family"),
        (Dialect::Publisher, "/user/name/firstname", "/name/given"),
        (Dialect::DeviceHive, "/login", "/username"),
        (Dialect::Scim, "/name/familyName", "/name/family"),
        (Dialect::Scim, "/emails/1/value", "/emails/1/value"),
    ] {
        let spec = dialect.spec();
        assert_eq!(spec.canonical_pointer(Op::Create, wire).as_deref(), Some(canonical), "{dialect} {wire}");
        if wire != "/email" {
            assert_eq!(spec.wire_pointer(Op::Create, &user, canonical).as_deref(), Some(wire), "{dialect} {canonical}");
        }
    }
    assert_eq!(Dialect::DeviceHive.spec().canonical_pointer(Op::Create, "/nope"), None);
}
