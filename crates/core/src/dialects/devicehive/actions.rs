//! DeviceHive's permissions: the `HiveAction` list a token carries (its JWT payload `a`), and the
//! body of `POST /token/create` / WebSocket `token/create` that names one.
//!
//! A request is allowed when the caller's token grants the one action its endpoint needs
//! (`ManageUser` for the user directory, `GetCurrentUser` / `UpdateCurrentUser` for `current`,
//! `ManageToken` for `token/create`); the user's role only narrows what a granted call may touch.
//! How a list grants (the vendor's `JwtTokenAuthenticationProvider`): a list holding `0` (`*`)
//! grants every known action, an empty list the client set, any other list exactly its actions.
//! An id that names no action makes the token unusable.

use serde_json::Value;

/// The vendor's `HiveAction`: id and name (`Constants`), in id order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// `*`: every action (administrators' tokens carry `[0]`).
    Any,
    /// No action: what `token/create` puts in a token when the request names none.
    None,
    GetNetwork,
    GetDevice,
    GetDeviceNotification,
    GetDeviceCommand,
    RegisterDevice,
    CreateDeviceCommand,
    UpdateDeviceCommand,
    CreateDeviceNotification,
    GetCurrentUser,
    UpdateCurrentUser,
    ManageUser,
    ManageConfiguration,
    ManageNetwork,
    ManageToken,
    ManagePlugin,
    GetDeviceType,
    ManageDeviceType,
}

impl Action {
    /// Every action, index = id.
    pub const ALL: [Action; 19] = [
        Action::Any,
        Action::None,
        Action::GetNetwork,
        Action::GetDevice,
        Action::GetDeviceNotification,
        Action::GetDeviceCommand,
        Action::RegisterDevice,
        Action::CreateDeviceCommand,
        Action::UpdateDeviceCommand,
        Action::CreateDeviceNotification,
        Action::GetCurrentUser,
        Action::UpdateCurrentUser,
        Action::ManageUser,
        Action::ManageConfiguration,
        Action::ManageNetwork,
        Action::ManageToken,
        Action::ManagePlugin,
        Action::GetDeviceType,
        Action::ManageDeviceType,
    ];

    /// What a client-role user's login token grants (`HiveAction.CLIENT_ACTIONS`).
    pub const CLIENT: [Action; 13] = [
        Action::GetNetwork,
        Action::GetDevice,
        Action::GetDeviceNotification,
        Action::GetDeviceCommand,
        Action::RegisterDevice,
        Action::CreateDeviceCommand,
        Action::UpdateDeviceCommand,
        Action::CreateDeviceNotification,
        Action::GetCurrentUser,
        Action::UpdateCurrentUser,
        Action::ManageToken,
        Action::ManagePlugin,
        Action::GetDeviceType,
    ];

    /// The administrators' additions (`HiveAction.ADMIN_ACTIONS`).
    pub const ADMIN: [Action; 4] =
        [Action::ManageUser, Action::ManageConfiguration, Action::ManageNetwork, Action::ManageDeviceType];

    pub fn id(self) -> i64 {
        self as i64
    }

    pub fn from_id(id: i64) -> Option<Action> {
        usize::try_from(id).ok().and_then(|i| Action::ALL.get(i)).copied()
    }

    /// The vendor's name (`ManageUser`, `*` for [`Action::Any`]); [`Action::None`] has none.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Action::Any => "*",
            Action::None => return None,
            Action::GetNetwork => "GetNetwork",
            Action::GetDevice => "GetDevice",
            Action::GetDeviceNotification => "GetDeviceNotification",
            Action::GetDeviceCommand => "GetDeviceCommand",
            Action::RegisterDevice => "RegisterDevice",
            Action::CreateDeviceCommand => "CreateDeviceCommand",
            Action::UpdateDeviceCommand => "UpdateDeviceCommand",
            Action::CreateDeviceNotification => "CreateDeviceNotification",
            Action::GetCurrentUser => "GetCurrentUser",
            Action::UpdateCurrentUser => "UpdateCurrentUser",
            Action::ManageUser => "ManageUser",
            Action::ManageConfiguration => "ManageConfiguration",
            Action::ManageNetwork => "ManageNetwork",
            Action::ManageToken => "ManageToken",
            Action::ManagePlugin => "ManagePlugin",
            Action::GetDeviceType => "GetDeviceType",
            Action::ManageDeviceType => "ManageDeviceType",
        })
    }

    /// By name, any case (`HiveAction.fromString`).
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name().is_some_and(|n| n.eq_ignore_ascii_case(name)))
    }
}

/// The ids a token issued at login carries: `[0]` for an administrator, the client set otherwise.
pub fn login_actions(admin: bool) -> Vec<i64> {
    if admin { vec![Action::Any.id()] } else { Action::CLIENT.iter().map(|a| a.id()).collect() }
}

/// What a token's action list grants. `None` (the claim absent) grants nothing; `Err` when an id
/// names no action: the token is not one the vendor's server would accept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grants(Vec<Action>);

impl Grants {
    pub fn from_ids(ids: Option<&[i64]>) -> Result<Grants, UnknownAction> {
        let Some(ids) = ids else {
            return Ok(Grants(Vec::new()));
        };
        let mut actions = if ids.contains(&Action::Any.id()) {
            Action::CLIENT.iter().chain(Action::ADMIN.iter()).copied().collect()
        } else if ids.is_empty() {
            Action::CLIENT.to_vec()
        } else {
            ids.iter().map(|id| Action::from_id(*id).ok_or(UnknownAction(*id))).collect::<Result<Vec<_>, _>>()?
        };
        actions.sort();
        actions.dedup();
        Ok(Grants(actions))
    }

    /// Every action (the configured admin token, which is no stored user).
    pub fn all() -> Grants {
        Grants::from_ids(Some(&[Action::Any.id()])).unwrap_or_default()
    }

    pub fn allows(&self, action: Action) -> bool {
        self.0.contains(&action)
    }

    /// Whether every action `other` grants, this grants too ([`Action::None`] grants nothing).
    pub fn covers(&self, other: &Grants) -> bool {
        other.0.iter().all(|a| *a == Action::None || self.allows(*a))
    }
}

/// A token's action id that is no `HiveAction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownAction(pub i64);

/// The body of `POST /token/create` (the vendor's `JwtUserPayloadView`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCreate {
    pub user_id: i64,
    /// Action ids, ascending, without repeats: named actions by id, unknown names and ids
    /// dropped (the vendor's compatibility rule), `[1]` (none) when the body names none.
    pub actions: Vec<i64>,
    /// `n`: network ids as the vendor stores them (strings); `None` when absent or null.
    pub network_ids: Option<Vec<String>>,
    /// `dt`: device type ids, likewise.
    pub device_type_ids: Option<Vec<String>>,
    /// Expiry of both tokens, milliseconds since the epoch; default lifetimes when absent.
    pub expiration: Option<i64>,
    /// Expiry of the refresh token only.
    pub refresh_expiration: Option<i64>,
}

/// Why a `token/create` body was refused (each a 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCreateError {
    /// Not an object, or `userId` missing or not an integer.
    UserId,
    /// `actions` holds something other than strings and integers.
    Actions,
    /// A malformed `networkIds`, `deviceTypeIds`, `expiration` or `refreshExpiration`.
    Field,
}

impl TokenCreateError {
    /// The vendor's message.
    pub fn message(self) -> &'static str {
        match self {
            TokenCreateError::Actions => "Actions list should contain only Strings or Integers",
            TokenCreateError::UserId | TokenCreateError::Field => "Invalid request parameters",
        }
    }
}

impl TokenCreate {
    pub fn parse(body: &Value) -> Result<TokenCreate, TokenCreateError> {
        let object = body.as_object().ok_or(TokenCreateError::UserId)?;
        let present = |k: &str| object.get(k).filter(|v| !v.is_null());
        let user_id = present("userId").and_then(Value::as_i64).ok_or(TokenCreateError::UserId)?;
        let actions = match present("actions") {
            None => vec![Action::None.id()],
            Some(Value::Array(items)) => {
                let mut ids = Vec::new();
                for item in items {
                    let action = match item {
                        Value::String(name) => Action::from_name(name),
                        Value::Number(n) => match n.as_i64() {
                            Some(id) => Action::from_id(id),
                            None => match n.as_f64() {
                                Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => Action::from_id(f as i64),
                                _ => return Err(TokenCreateError::Actions),
                            },
                        },
                        _ => return Err(TokenCreateError::Actions),
                    };
                    ids.extend(action.map(Action::id));
                }
                ids.sort_unstable();
                ids.dedup();
                ids
            }
            // A single name where a list belongs: read as a list of one, as a lenient reader does.
            Some(Value::String(name)) => Action::from_name(name).map(|a| vec![a.id()]).unwrap_or_default(),
            Some(_) => return Err(TokenCreateError::Actions),
        };
        let ids = |k: &str| -> Result<Option<Vec<String>>, TokenCreateError> {
            match present(k) {
                None => Ok(None),
                Some(Value::Array(items)) => {
                    let mut out: Vec<String> = Vec::with_capacity(items.len());
                    for item in items {
                        let id = match item {
                            Value::String(s) => s.clone(),
                            Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
                            _ => return Err(TokenCreateError::Field),
                        };
                        if !out.contains(&id) {
                            out.push(id);
                        }
                    }
                    Ok(Some(out))
                }
                Some(_) => Err(TokenCreateError::Field),
            }
        };
        let millis = |k: &str| -> Result<Option<i64>, TokenCreateError> {
            present(k).map(|v| v.as_i64().ok_or(TokenCreateError::Field)).transpose()
        };
        Ok(TokenCreate {
            user_id,
            actions,
            network_ids: ids("networkIds")?,
            device_type_ids: ids("deviceTypeIds")?,
            expiration: millis("expiration")?,
            refresh_expiration: millis("refreshExpiration")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_and_names_are_the_vendors() {
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(a.id(), i as i64);
            assert_eq!(Action::from_id(a.id()), Some(*a));
            if let Some(name) = a.name() {
                assert_eq!(Action::from_name(name), Some(*a));
            }
        }
        assert_eq!(Action::ManageUser.id(), 12);
        assert_eq!(Action::ManageToken.id(), 15);
        assert_eq!(Action::GetCurrentUser.id(), 10);
        assert_eq!(Action::from_name("manageuser"), Some(Action::ManageUser));
        assert_eq!(Action::from_name("*"), Some(Action::Any));
        assert_eq!(Action::from_name("Nope"), None);
        assert_eq!(Action::from_id(19), None);
        assert_eq!(Action::from_id(-1), None);
        assert_eq!(login_actions(true), vec![0]);
        assert_eq!(login_actions(false), vec![2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16, 17]);
    }

    #[test]
    fn grants_follow_the_vendors_reading_of_a_list() {
        let g = |ids: Option<&[i64]>| Grants::from_ids(ids);
        let admin = g(Some(&[0])).unwrap_or_default();
        assert!(admin.allows(Action::ManageUser) && admin.allows(Action::GetCurrentUser));
        assert!(!admin.allows(Action::None));
        let client = g(Some(&[])).unwrap_or_default();
        assert!(client.allows(Action::ManageToken) && !client.allows(Action::ManageUser));
        let custom = g(Some(&[12])).unwrap_or_default();
        assert!(custom.allows(Action::ManageUser) && !custom.allows(Action::GetCurrentUser));
        assert_eq!(g(None), Ok(Grants::default()));
        assert!(!g(None).unwrap_or_default().allows(Action::GetCurrentUser));
        assert_eq!(g(Some(&[12, 99])), Err(UnknownAction(99)));
        assert!(admin.covers(&custom) && !custom.covers(&admin) && client.covers(&client));
        assert!(custom.covers(&g(Some(&[1])).unwrap_or_default()), "NONE asks for nothing");
        assert_eq!(Grants::all(), admin);
    }

    #[test]
    fn token_create_bodies() {
        let p = |v: Value| TokenCreate::parse(&v);
        let full = p(json!({"userId": 7, "actions": ["ManageUser", 10, "unknown", 99, "manageuser"],
            "networkIds": [1, "2", 1], "deviceTypeIds": null, "expiration": 1_514_764_800_000_i64}));
        let expected = TokenCreate {
            user_id: 7,
            actions: vec![10, 12],
            network_ids: Some(vec!["1".to_owned(), "2".to_owned()]),
            device_type_ids: None,
            expiration: Some(1_514_764_800_000),
            refresh_expiration: None,
        };
        assert_eq!(full, Ok(expected));
        assert_eq!(p(json!({"userId": 7})).map(|t| t.actions), Ok(vec![1]), "none named: NONE");
        assert_eq!(p(json!({"userId": 7, "actions": ["*"]})).map(|t| t.actions), Ok(vec![0]));
        assert_eq!(p(json!({"userId": 7, "actions": [12.0]})).map(|t| t.actions), Ok(vec![12]));
        assert_eq!(p(json!({"userId": 7, "actions": "ManageToken"})).map(|t| t.actions), Ok(vec![15]));
        assert_eq!(p(json!({"userId": 7, "actions": [true]})), Err(TokenCreateError::Actions));
        assert_eq!(p(json!({"userId": 7, "actions": [1.5]})), Err(TokenCreateError::Actions));
        assert_eq!(p(json!({"actions": [0]})), Err(TokenCreateError::UserId));
        assert_eq!(p(json!({"userId": "7"})), Err(TokenCreateError::UserId));
        assert_eq!(p(json!([1])), Err(TokenCreateError::UserId));
        assert_eq!(p(json!({"userId": 7, "networkIds": [{}]})), Err(TokenCreateError::Field));
        assert_eq!(p(json!({"userId": 7, "expiration": "soon"})), Err(TokenCreateError::Field));
        assert_eq!(TokenCreateError::Actions.message(), "Actions list should contain only Strings or Integers");
    }
}
