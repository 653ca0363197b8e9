//! Each dialect's vendor paths, declared once: its route module (`routes::<dialect>`) answers at
//! them, and in proxy mode the upstream client (`upstream.rs`) calls an upstream of that dialect
//! at the same paths. A path segment here is also what a route matches (`[key, ARCHIVE]`).

use userbridge_core::Dialect;

/// learningcloud: the user collection and the actions on one user (`PUT {USERS}/{id}/{action}`).
pub mod learningcloud {
    pub const USERS: &str = "/integration/ws/management/rest/users";
    pub const ACTIVATE: &str = "activate";
    pub const DEACTIVATE: &str = "deactivate";
    pub const CHANGE_PASSWORD: &str = "changePassword";
}

/// publisher: the user collection; a user is retired by `POST {USERS}/{key}/archive`.
pub mod publisher {
    pub const USERS: &str = "/api/2/users";
    pub const ARCHIVE: &str = "archive";
}

/// primavera: create and update at the collection, a read at `{USERS}/{userId}`.
pub mod primavera {
    pub const USERS: &str = "/api/restapi/user";
}

/// DeviceHive: two REST roots (the usual proxy path, which an upstream is called at, and the
/// vendor's own context), each with `user…` and `token…` below it, and the WebSocket at two paths.
pub mod devicehive {
    pub const ROOTS: [&str; 2] = ["/api/rest", "/dh/rest"];
    pub const WEBSOCKETS: [&str; 2] = ["/api/websocket", "/dh/websocket"];
    pub const USER: &str = "user";
    pub const COUNT: &str = "count";
    pub const CURRENT: &str = "current";
    pub const TOKEN: &str = "token";
    pub const REFRESH: &str = "refresh";
    pub const CREATE: &str = "create";
}

/// SCIM 2.0: the service provider's root and its `Users` resource type.
pub mod scim {
    pub const ROOT: &str = "/scim/v2";
    pub const USERS: &str = "Users";
}

/// The user collection of a `dialect` server at its vendor's path (DeviceHive's under its first
/// root): what an upstream of that dialect is called at.
pub fn users(dialect: Dialect) -> String {
    match dialect {
        Dialect::LearningCloud => learningcloud::USERS.to_owned(),
        Dialect::Publisher => publisher::USERS.to_owned(),
        Dialect::Primavera => primavera::USERS.to_owned(),
        Dialect::DeviceHive => format!("{}/{}", devicehive::ROOTS[0], devicehive::USER),
        Dialect::Scim => format!("{}/{}", scim::ROOT, scim::USERS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_at_the_vendor_paths() {
        assert_eq!(users(Dialect::LearningCloud), "/integration/ws/management/rest/users");
        assert_eq!(users(Dialect::Publisher), "/api/2/users");
        assert_eq!(users(Dialect::Primavera), "/api/restapi/user");
        assert_eq!(users(Dialect::DeviceHive), "/api/rest/user");
        assert_eq!(users(Dialect::Scim), "/scim/v2/Users");
    }
}
