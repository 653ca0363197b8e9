//! DeviceHive rules, one module per rule, each with valid and invalid cases.
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_round_trip, check, fixture, with};
use serde_json::{Value, json};
use userbridge_core::{Dialect::DeviceHive, Op};

fn create() -> Value {
    fixture("devicehive", "create.json")
}
fn update() -> Value {
    fixture("devicehive", "update.json")
}
fn report(op: Op, body: &Value) -> userbridge_core::Report {
    userbridge_core::validate(DeviceHive, op, body)
}

mod fixtures {
    use super::*;

    #[test]
    fn full_payloads_are_valid() {
        for (op, body) in [(Op::Create, create()), (Op::Update, update())] {
            let r = report(op, &body);
            assert_eq!(common::errors(&r), vec![], "{op}");
            assert!(r.ignored.is_empty(), "{op}: {:?}", r.ignored);
        }
    }

    #[test]
    fn full_payloads_round_trip() {
        assert_round_trip(DeviceHive, Op::Create, &create());
        assert_round_trip(DeviceHive, Op::Update, &update());
    }

    #[test]
    fn every_error_at_once_snapshot() {
        let body = json!({
            "id": 7, "login": "jd", "password": "12345", "role": 2, "status": 3,
            "introReviewed": "yes", "allDeviceTypesAvailable": null, "data": {"free": ["form"]},
            "networks": [1]
        });
        insta::assert_json_snapshot!(report(Op::Create, &body).sorted());
    }
}

mod required {
    use super::*;

    #[test]
    fn create_required_invalid() {
        assert_eq!(
            check(DeviceHive, Op::Create, &json!({"data": {}})),
            [("/login".to_owned(), "required"), ("/password".to_owned(), "required"), ("/role".to_owned(), "required")]
        );
    }

    #[test]
    fn create_required_valid() {
        let body = json!({"login": "jane", "password": "secret", "role": 1});
        assert_eq!(check(DeviceHive, Op::Create, &body), vec![]);
    }

    #[test]
    fn update_is_partial_valid() {
        assert_eq!(check(DeviceHive, Op::Update, &json!({})), vec![]);
        assert_eq!(check(DeviceHive, Op::Update, &json!({"data": null})), vec![]);
        // The vendor's Python client saves with exactly these three.
        assert_eq!(check(DeviceHive, Op::Update, &json!({"role": 1, "status": 0, "data": {"a": 1}})), vec![]);
    }
}

mod login {
    use super::*;

    #[test]
    fn login_valid() {
        for l in ["abc", "jane.doe@acme-iot.example", "user_01-x", &"l".repeat(128)] {
            assert_eq!(check(DeviceHive, Op::Create, &with(create(), "login", Some(json!(l)))), vec![], "{l}");
        }
    }

    #[test]
    fn too_short_invalid() {
        let r = report(Op::Create, &with(create(), "login", Some(json!("jd"))));
        assert_eq!(common::errors(&r), vec![("/login".into(), "too_short")]);
        assert_eq!(r.errors[0].params["min"], 3);
    }

    #[test]
    fn too_long_invalid() {
        let r = report(Op::Update, &json!({"login": "l".repeat(129)}));
        assert_eq!(common::errors(&r), vec![("/login".into(), "too_long")]);
        assert_eq!(r.errors[0].params["max"], 128);
    }

    #[test]
    fn pattern_invalid() {
        for l in ["jane doe", "jöhn", "jane+doe", "jane/doe"] {
            let r = report(Op::Update, &json!({ "login": l }));
            assert_eq!(common::errors(&r), vec![("/login".into(), "invalid_pattern")], "{l}");
            assert_eq!(r.errors[0].params["pattern"], "^[\\w@.-]+$");
        }
    }
}

mod password {
    use super::*;

    #[test]
    fn any_characters_valid() {
        for p in ["secret", "pässwörd mit leerzeichen", "🔑🔑🔑🔑🔑🔑", &"p".repeat(128)] {
            assert_eq!(check(DeviceHive, Op::Create, &with(create(), "password", Some(json!(p)))), vec![], "{p}");
        }
    }

    #[test]
    fn length_invalid() {
        let short = report(Op::Create, &with(create(), "password", Some(json!("12345"))));
        assert_eq!(common::errors(&short), vec![("/password".into(), "too_short")]);
        assert_eq!(short.errors[0].params["min"], 6);
        let long = report(Op::Create, &with(create(), "password", Some(json!("p".repeat(129)))));
        assert_eq!(common::errors(&long), vec![("/password".into(), "too_long")]);
        assert_eq!(long.errors[0].params["max"], 128);
    }

    #[test]
    fn update_short_invalid() {
        let r = report(Op::Update, &json!({"password": "abc"}));
        assert_eq!(common::errors(&r), vec![("/password".into(), "too_short")]);
        assert_eq!(r.errors[0].params["min"], 6);
        assert_eq!(
            check(DeviceHive, Op::Update, &json!({"password": "p".repeat(129)})),
            vec![("/password".into(), "too_long")]
        );
    }

    #[test]
    fn update_empty_means_unchanged_valid() {
        let body = json!({"password": ""});
        assert_eq!(check(DeviceHive, Op::Update, &body), vec![]);
        let user = userbridge_core::to_canonical(DeviceHive, Op::Update, &body).unwrap();
        assert!(user.password.is_none());
        // On create there is nothing to keep: empty is too short.
        assert_eq!(
            check(DeviceHive, Op::Create, &with(create(), "password", Some(json!("")))),
            vec![("/password".into(), "too_short")]
        );
    }

    #[test]
    fn is_write_only() {
        let field = userbridge_core::fields(DeviceHive, Op::Create).iter().find(|f| f.pointer == "/password").unwrap();
        assert!(field.write_only);
    }
}

mod role_and_status {
    use super::*;

    #[test]
    fn role_valid() {
        for r in [0, 1] {
            assert_eq!(check(DeviceHive, Op::Create, &with(create(), "role", Some(json!(r)))), vec![], "{r}");
        }
    }

    #[test]
    fn role_invalid() {
        let r = report(Op::Create, &with(create(), "role", Some(json!(2))));
        assert_eq!(common::errors(&r), vec![("/role".into(), "not_allowed_value")]);
        assert_eq!(r.errors[0].params["allowed"], json!([0, 1]));
        assert_eq!(
            check(DeviceHive, Op::Create, &with(create(), "role", Some(json!("1")))),
            vec![("/role".into(), "invalid_type")]
        );
        assert_eq!(
            check(DeviceHive, Op::Create, &with(create(), "role", Some(json!(1.0)))),
            vec![("/role".into(), "invalid_type")]
        );
    }

    #[test]
    fn status_valid() {
        for s in [0, 1, 2] {
            assert_eq!(check(DeviceHive, Op::Update, &json!({ "status": s })), vec![], "{s}");
        }
    }

    #[test]
    fn status_invalid() {
        // The vendor's validator lets 3 through and then fails with a 500: refuse it up front.
        let r = report(Op::Update, &json!({"status": 3}));
        assert_eq!(common::errors(&r), vec![("/status".into(), "not_allowed_value")]);
        assert_eq!(r.errors[0].params["allowed"], json!([0, 1, 2]));
    }
}

mod flags_and_data {
    use super::*;

    #[test]
    fn data_takes_any_json_valid() {
        for d in
            [json!([1, "two"]), json!("text"), json!(3.5), json!(u64::MAX), json!(true), json!({"deep": {"x": [{}]}})]
        {
            let r = report(Op::Update, &json!({ "data": d }));
            assert!(r.is_valid(), "{d}");
            assert!(r.ignored.is_empty(), "nothing inside data is ignored: {:?}", r.ignored);
        }
    }

    #[test]
    fn booleans_invalid() {
        let body = json!({"introReviewed": "true", "allDeviceTypesAvailable": 1});
        let r = report(Op::Update, &body);
        assert_eq!(
            common::errors(&r),
            vec![("/introReviewed".into(), "invalid_type"), ("/allDeviceTypesAvailable".into(), "invalid_type")]
        );
        assert_eq!(r.errors[0].params["expected"], "boolean");
    }

    #[test]
    fn booleans_valid() {
        assert_eq!(
            check(DeviceHive, Op::Update, &json!({"introReviewed": false, "allDeviceTypesAvailable": true})),
            vec![]
        );
    }
}

mod id {
    use super::*;

    #[test]
    fn id_on_create_invalid() {
        let r = report(Op::Create, &with(create(), "id", Some(json!(42))));
        assert_eq!(common::errors(&r), vec![("/id".into(), "not_allowed_field")]);
        assert!(r.ignored.is_empty(), "refused, so not merely ignored: {:?}", r.ignored);
    }

    #[test]
    fn null_id_on_create_valid() {
        assert_eq!(check(DeviceHive, Op::Create, &with(create(), "id", Some(Value::Null))), vec![]);
    }

    #[test]
    fn id_on_update_valid() {
        assert_eq!(check(DeviceHive, Op::Update, &json!({"id": 42})), vec![]);
        assert_eq!(check(DeviceHive, Op::Update, &json!({"id": "42"})), vec![("/id".into(), "invalid_type")]);
    }
}

mod ignored {
    use super::*;

    #[test]
    fn unknown_fields_are_listed() {
        let body = with(with(update(), "networks", Some(json!([1, 2]))), "allowedNetworkIds", Some(json!([1])));
        let r = report(Op::Update, &body);
        assert!(r.is_valid());
        assert_eq!(r.ignored, ["/allowedNetworkIds", "/networks"]);
    }
}

mod mapping {
    use super::*;
    use userbridge_core::canonical::{Access, Status};

    #[test]
    fn role_and_status_values() {
        for (role, access) in [(0, Access::Admin), (1, Access::Client)] {
            let u = userbridge_core::to_canonical(DeviceHive, Op::Update, &json!({ "role": role })).unwrap();
            assert_eq!(u.access, Some(access));
        }
        for (status, canonical) in [(0, Status::Active), (1, Status::LockedOut), (2, Status::Inactive)] {
            let u = userbridge_core::to_canonical(DeviceHive, Op::Update, &json!({ "status": status })).unwrap();
            assert_eq!(u.status, Some(canonical));
        }
    }

    #[test]
    fn fields_land_where_the_canonical_user_expects() {
        let u = userbridge_core::to_canonical(DeviceHive, Op::Update, &update()).unwrap();
        assert_eq!(u.id, Some(42));
        assert_eq!(u.username.as_deref(), Some("jane.doe"));
        assert_eq!(u.password.as_ref().map(|p| p.expose()), Some("n3w-Secret!"));
        assert_eq!(u.data, Some(json!({"dashboards": ["temperature", "humidity"], "theme": "dark"})));
        assert_eq!(u.intro_reviewed, Some(true));
        assert_eq!(u.all_device_types_available, Some(false));
    }

    #[test]
    fn statuses_it_lacks_become_disabled() {
        let mut u = userbridge_core::to_canonical(DeviceHive, Op::Update, &update()).unwrap();
        for s in [Status::Archived, Status::Suspended, Status::Inactive] {
            u.status = Some(s);
            assert_eq!(userbridge_core::from_canonical(DeviceHive, Op::Update, &u)["status"], 2, "{s:?}");
        }
    }

    #[test]
    fn id_is_written_on_update_only() {
        let u = userbridge_core::to_canonical(DeviceHive, Op::Update, &update()).unwrap();
        assert!(userbridge_core::from_canonical(DeviceHive, Op::Create, &u).get("id").is_none());
        assert_eq!(userbridge_core::from_canonical(DeviceHive, Op::Update, &u)["id"], 42);
    }
}

mod translation {
    use super::*;
    use userbridge_core::{Dialect, LossReason};

    #[test]
    fn to_primavera_loses_data_and_login() {
        let t = userbridge_core::translate(DeviceHive, Dialect::Primavera, Op::Update, &update()).unwrap();
        let lost: Vec<&str> = t.lost.iter().map(|l| l.pointer.as_str()).collect();
        for p in [
            "/login",
            "/password",
            "/role",
            "/data/theme",
            "/data/dashboards/0",
            "/introReviewed",
            "/allDeviceTypesAvailable",
        ] {
            assert!(lost.contains(&p), "{p} not in {lost:?}");
        }
        // Held: the id and the status.
        assert!(!lost.contains(&"/id") && !lost.contains(&"/status"), "{lost:?}");
        assert_eq!(t.body["userId"], 42);
        assert_eq!(t.body["status"], "INACTIVE");
        let unmet: Vec<&str> = t.unmet.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(unmet, ["/email", "/firstName", "/lastName"]);
    }

    #[test]
    fn locked_out_narrows_to_inactive() {
        let t = userbridge_core::translate(
            DeviceHive,
            Dialect::Primavera,
            Op::Update,
            &with(update(), "status", Some(json!(1))),
        )
        .unwrap();
        let status = t.lost.iter().find(|l| l.pointer == "/status").unwrap();
        assert_eq!(status.reason, LossReason::Narrowed);
        assert_eq!(status.canonical, "/status");
        assert_eq!(status.target_value, Some(json!("inactive")));
    }

    #[test]
    fn to_learningcloud_keeps_login_and_status() {
        let t = userbridge_core::translate(DeviceHive, Dialect::LearningCloud, Op::Create, &create()).unwrap();
        assert_eq!(t.body["username"], "jane.doe@acme-iot.example");
        assert_eq!(t.body["password"], "Thermo-Stat 42!");
        assert_eq!(t.body["enabled"], true);
        let lost: Vec<&str> = t.lost.iter().map(|l| l.pointer.as_str()).collect();
        assert!(lost.contains(&"/role") && lost.contains(&"/data/site/city"), "{lost:?}");
        assert!(!lost.contains(&"/login") && !lost.contains(&"/status"), "{lost:?}");
    }
}

mod messages {
    use super::*;
    use userbridge_core::dialects::devicehive::{
        AccessToken, CreatedUser, ErrorBody, RefreshRequest, TokenPair, TokenRequest, User, UserIdRef,
        UserWithNetworks, WsRequest, WsResponse, WsStatus,
    };

    #[test]
    fn seed_user_update_message() {
        let value = fixture("devicehive", "ws_user_update.json");
        let req: WsRequest = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(req.action, "user/update");
        assert_eq!(req.request_id, Some(json!("req-7f3a")));
        assert_eq!(req.user_id, Some(UserIdRef::Number(42)));
        assert_eq!(serde_json::to_value(&req).unwrap(), value);
        let user = req.user.unwrap();
        assert_eq!(check(DeviceHive, Op::Update, &user), vec![]);
        let canonical = userbridge_core::to_canonical(DeviceHive, Op::Update, &user).unwrap();
        assert_eq!(canonical.username.as_deref(), Some("jane.doe"));
    }

    #[test]
    fn user_id_current_keyword() {
        let req: WsRequest =
            serde_json::from_value(json!({"action": "user/update", "userId": "current", "user": {"data": {}}}))
                .unwrap();
        assert_eq!(req.user_id, Some(UserIdRef::Current));
        assert!(serde_json::from_value::<WsRequest>(json!({"action": "user/update", "userId": "me"})).is_err());
    }

    #[test]
    fn responses() {
        let ok = WsResponse::success("user/update", Some(json!("req-7f3a")));
        assert_eq!(
            serde_json::to_value(&ok).unwrap(),
            json!({"action": "user/update", "requestId": "req-7f3a", "status": "success"})
        );
        let err = WsResponse::error("user/update", Some(json!(7)), 404, "User with id = 42 not found");
        let v = serde_json::to_value(&err).unwrap();
        assert_eq!(
            v,
            json!({
                "action": "user/update", "requestId": 7, "status": "error", "code": 404,
                "error": "User with id = 42 not found"
            })
        );
        assert_eq!(serde_json::from_value::<WsResponse>(v).unwrap(), err);
        let got = WsResponse::success("user/get", None).with("user", json!({"id": 42}));
        let v = serde_json::to_value(&got).unwrap();
        assert_eq!(v, json!({"action": "user/get", "status": "success", "user": {"id": 42}}));
        let back: WsResponse = serde_json::from_value(v).unwrap();
        assert_eq!(back.status, WsStatus::Success);
        assert_eq!(back.payload["user"]["id"], 42);
    }

    #[test]
    fn read_user_writes_every_key() {
        let value = fixture("devicehive", "get.json");
        let u: User = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&u).unwrap(), value);
        let with_networks: UserWithNetworks =
            serde_json::from_value(json!({"id": 1, "login": "admin", "role": 0, "status": 0,
                "lastLogin": "2024-05-01T08:30:00.000",
                "data": null, "introReviewed": true, "allDeviceTypesAvailable": true,
                "networks": [{"id": 3, "name": "Depot", "description": null}]}))
            .unwrap();
        assert_eq!(with_networks.user.last_login.as_deref(), Some("2024-05-01T08:30:00.000"));
        assert_eq!(with_networks.networks[0].name, "Depot");
        let created = serde_json::to_value(CreatedUser { id: 43, ..CreatedUser::default() }).unwrap();
        assert_eq!(
            created,
            json!({
                "id": 43, "lastLogin": null, "data": null, "introReviewed": null,
                "allDeviceTypesAvailable": null
            })
        );
    }

    #[test]
    fn errors_and_tokens() {
        assert_eq!(
            serde_json::to_value(ErrorBody::new(
                403,
                "User with such login already exists. Please, select another one"
            ))
            .unwrap(),
            json!({
                "error": 403,
                "message": "User with such login already exists. Please, select another one"
            })
        );
        let invalid = ErrorBody::invalid(&report(Op::Create, &json!({"login": "jane", "password": "secret"})));
        assert_eq!(invalid.error, 400);
        assert!(invalid.message.ends_with("Validation failed: /role is required"), "{}", invalid.message);
        let req: TokenRequest = serde_json::from_value(json!({"login": "jane", "password": "secret"})).unwrap();
        assert_eq!(req.password.expose(), "secret");
        let pair = TokenPair { access_token: "a.b.c".into(), refresh_token: "d.e.f".into() };
        assert_eq!(serde_json::to_value(&pair).unwrap(), json!({"accessToken": "a.b.c", "refreshToken": "d.e.f"}));
        let refresh: RefreshRequest = serde_json::from_value(json!({"refreshToken": "d.e.f"})).unwrap();
        assert_eq!(refresh.refresh_token, "d.e.f");
        let access = AccessToken { access_token: "g.h.i".into() };
        assert_eq!(serde_json::to_value(&access).unwrap(), json!({"accessToken": "g.h.i"}));
    }
}
