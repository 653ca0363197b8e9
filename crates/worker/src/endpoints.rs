//! Each dialect's vendor paths, declared once: its route module (`routes::<dialect>`) answers at
//! them, and in proxy mode the upstream client (`upstream.rs`) calls an upstream of that dialect
//! at the same paths. A path segment here is also what a route matches (`[key, ARCHIVE]`).

use userbridge_core::Dialect;
use userbridge_core::canonical::Status;

/// learningcloud: the user collection and the actions on one user (`PUT {USERS}/{id}/{action}`).
pub mod learningcloud {
    pub const USERS: &str = "/integration/ws/management/rest/users";
    pub const ACTIVATE: &str = "activate";
    pub const DEACTIVATE: &str = "deactivate";
    pub const CHANGE_PASSWORD: &str = "changePassword";
    /// The list's page: `GET {USERS}?startIndex=&count=` (0-based).
    pub const START_INDEX: &str = "startIndex";
    pub const COUNT: &str = "count";
    /// Where its clients put the tenant token.
    pub const TOKEN_HEADER: &str = "X-Cloud-Auth-Token";
}

/// publisher: the user collection; a user is retired by `POST {USERS}/{key}/archive`.
pub mod publisher {
    pub const USERS: &str = "/api/2/users";
    pub const ARCHIVE: &str = "archive";
    /// The list's page: `GET {USERS}?offset=&limit=`.
    pub const OFFSET: &str = "offset";
    pub const LIMIT: &str = "limit";
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
    /// The user collection under the first root, and its count (a test checks they agree).
    pub const USERS: &str = "/api/rest/user";
    pub const COUNT_PATH: &str = "/count";
    /// `GET {USERS}`'s login filter and page.
    pub const LOGIN: &str = "login";
    pub const SKIP: &str = "skip";
    pub const TAKE: &str = "take";
}

/// SCIM 2.0: the service provider's root and its `Users` resource type.
pub mod scim {
    pub const ROOT: &str = "/scim/v2";
    pub const USERS: &str = "Users";
    /// `{ROOT}/{USERS}` (a test checks they agree).
    pub const USERS_PATH: &str = "/scim/v2/Users";
    pub const MEDIA_TYPE: &str = "application/scim+json";
}

/// How a dialect's server is called: its paths (above) and the declarative rest of its API: the
/// envelope a user travels in, the field its id is in, where each operation is and how a body is
/// wrapped. Its route module answers in this shape, and the upstream client (`upstream.rs`)
/// reads it instead of asking which dialect it speaks. What differs by more than data (which
/// writes a change needs, `plan.rs`; DeviceHive's token login, `upstream.rs`) stays code.
#[derive(Debug)]
pub struct Api {
    /// The user collection (DeviceHive's under its first root).
    pub users: &'static str,
    /// The member a user record is wrapped in (publisher: `{"user": {...}}`), if any.
    pub envelope: Option<&'static str>,
    /// The record's id field, inside the envelope.
    pub id_field: &'static str,
    /// Where a create's answer names the new user.
    pub created_id: CreatedId,
    /// Which answers of a write carry the stored record, saving a read.
    pub carries_record: Carries,
    /// Members of a read record that are the server's, not user data (removed before reading).
    pub server_fields: &'static [&'static str],
    /// How a user is found by username and by email, besides its id.
    pub by_username: Option<Find>,
    pub by_email: Option<Find>,
    /// The paged list of users; `Err`: the API has none, in the words the caller is told.
    pub list: Result<List, &'static str>,
    /// The user count: the path after the collection and the pointer in the answer.
    pub count: Option<(&'static str, &'static str)>,
    /// An update names the user by its id in the body, at the collection (primavera), rather
    /// than at the user's own path.
    pub update_by_body_id: bool,
    /// What an update sends (`plan.rs` says a change in it).
    pub update: Update,
    /// The members a partial update clears by sending `null` (DeviceHive `data`); elsewhere a
    /// partial update cannot clear a field, as the dialect's own callers cannot either.
    pub cleared_by_null: &'static [&'static str],
    /// The action (`POST {item}/{action}`) that archives a user.
    pub archive: Option<&'static str>,
    /// The actions (`PUT {item}/{action}`) that activate and deactivate a user.
    pub status_actions: Option<(&'static str, &'static str)>,
    /// The action (`PUT {item}/{action}`) that changes a password, and the body member it is in.
    pub password_action: Option<(&'static str, &'static str)>,
    /// How the API retires a user.
    pub delete: Delete,
    pub media_type: &'static str,
    /// Where a static credential goes.
    pub credential: Credential,
    /// The header naming the tenant, when one is configured.
    pub tenant_header: Option<&'static str>,
    /// A taken login is answered 403 with the vendor's words (DeviceHive), not 409.
    pub duplicate_is_403: bool,
    /// The API honours `If-Match` against its `ETag`s (only SCIM's promises to).
    pub honours_if_match: bool,
}

/// Where a create's answer names the new user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatedId {
    /// The record's id field ([`Api::envelope`], [`Api::id_field`]).
    Record,
    /// The last segment of the `Location` header, or of the body's `location` (learningcloud).
    Location,
}

/// Which answers of a write carry the stored record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carries {
    Never,
    /// Every answer but this status (SCIM: all but 204).
    Except(u16),
    /// Only this status (primavera: 201, its create).
    Only(u16),
}

impl Carries {
    pub fn by(self, status: u16) -> bool {
        match self {
            Carries::Never => false,
            Carries::Except(s) => status != s,
            Carries::Only(s) => status == s,
        }
    }
}

/// How a user is found by a key besides its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Find {
    /// The key is the user's path segment; the answer is the record.
    Item,
    /// `?{param}={key}` on the collection; the answer is an array, its first item the user.
    Query(&'static str),
    /// A SCIM filter `{attribute} eq "{key}"`; the answer is a list response.
    Filter(&'static str),
}

/// A page of users: `?{offset}={first + offset}&{limit}={limit}{extra}` on the collection, the
/// items at `items` in the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct List {
    pub offset: &'static str,
    pub limit: &'static str,
    /// The index of the first user (SCIM counts from 1).
    pub first: u64,
    pub extra: &'static str,
    pub items: &'static str,
}

/// What an API's update sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// The whole user (`PUT {item}`); a status or password change alone has its own action
    /// where the API has one.
    Full,
    /// A `PUT` of the changed fields (and those the update requires in every body).
    Partial,
    /// A SCIM PatchOp (`PATCH {item}`).
    Patch,
}

/// How an API retires a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delete {
    /// `DELETE {item}`.
    Item,
    /// `POST {item}/{action}`: publisher archives, its only way to retire a user.
    Archive(&'static str),
    /// None, in the words the caller is told.
    Unsupported(&'static str),
}

/// Where a static credential (`UPSTREAM_TOKEN`) goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    Bearer,
    /// A header of the vendor's own (learningcloud's `X-Cloud-Auth-Token`).
    Header(&'static str),
    /// A login for a bearer token the upstream issues (DeviceHive's `/token`).
    Login,
}

const JSON: &str = "application/json";

static LEARNINGCLOUD: Api = Api {
    users: learningcloud::USERS,
    envelope: None,
    id_field: "id",
    created_id: CreatedId::Location,
    carries_record: Carries::Never,
    server_fields: &["id", "links", "link"],
    by_username: Some(Find::Item),
    by_email: None,
    list: Ok(List { offset: learningcloud::START_INDEX, limit: learningcloud::COUNT, first: 0, extra: "", items: "" }),
    count: None,
    update_by_body_id: false,
    update: Update::Full,
    cleared_by_null: &[],
    archive: None,
    status_actions: Some((learningcloud::ACTIVATE, learningcloud::DEACTIVATE)),
    password_action: Some((learningcloud::CHANGE_PASSWORD, "newPassword")),
    delete: Delete::Item,
    media_type: JSON,
    credential: Credential::Header(learningcloud::TOKEN_HEADER),
    tenant_header: None,
    duplicate_is_403: false,
    honours_if_match: false,
};

static PUBLISHER: Api = Api {
    users: publisher::USERS,
    envelope: Some("user"),
    id_field: "id",
    created_id: CreatedId::Record,
    carries_record: Carries::Never,
    server_fields: &["id", "links", "link"],
    by_username: None,
    by_email: Some(Find::Item),
    list: Ok(List {
        offset: publisher::OFFSET,
        limit: publisher::LIMIT,
        first: 0,
        extra: "&fields=all",
        items: "/users/user",
    }),
    count: None,
    update_by_body_id: false,
    update: Update::Full,
    cleared_by_null: &[],
    archive: Some(publisher::ARCHIVE),
    status_actions: None,
    password_action: None,
    delete: Delete::Archive(publisher::ARCHIVE),
    media_type: JSON,
    credential: Credential::Bearer,
    tenant_header: None,
    duplicate_is_403: false,
    honours_if_match: false,
};

static PRIMAVERA: Api = Api {
    users: primavera::USERS,
    envelope: None,
    id_field: "userId",
    created_id: CreatedId::Record,
    carries_record: Carries::Only(201),
    server_fields: &["userId"],
    by_username: None,
    by_email: None,
    list: Err("primavera's API has no user list"),
    count: None,
    update_by_body_id: true,
    update: Update::Partial,
    cleared_by_null: &[],
    archive: None,
    status_actions: None,
    password_action: None,
    delete: Delete::Unsupported("primavera's API has no user delete"),
    media_type: JSON,
    credential: Credential::Bearer,
    tenant_header: Some("x-prime-tenant-code"),
    duplicate_is_403: false,
    honours_if_match: false,
};

static DEVICEHIVE: Api = Api {
    users: devicehive::USERS,
    envelope: None,
    id_field: "id",
    created_id: CreatedId::Record,
    carries_record: Carries::Never,
    server_fields: &["id", "lastLogin"],
    by_username: Some(Find::Query(devicehive::LOGIN)),
    by_email: None,
    list: Ok(List { offset: devicehive::SKIP, limit: devicehive::TAKE, first: 0, extra: "", items: "" }),
    count: Some((devicehive::COUNT_PATH, "/count")),
    update_by_body_id: false,
    update: Update::Partial,
    cleared_by_null: &["data"],
    archive: None,
    status_actions: None,
    password_action: None,
    delete: Delete::Item,
    media_type: JSON,
    credential: Credential::Login,
    tenant_header: None,
    duplicate_is_403: true,
    honours_if_match: false,
};

static SCIM: Api = Api {
    users: scim::USERS_PATH,
    envelope: None,
    id_field: "id",
    created_id: CreatedId::Record,
    carries_record: Carries::Except(204),
    server_fields: &["id", "meta"],
    by_username: Some(Find::Filter("userName")),
    by_email: Some(Find::Filter("emails.value")),
    list: Ok(List { offset: "startIndex", limit: "count", first: 1, extra: "", items: "/Resources" }),
    count: Some(("?count=0", "/totalResults")),
    update_by_body_id: false,
    update: Update::Patch,
    cleared_by_null: &[],
    archive: None,
    status_actions: None,
    password_action: None,
    delete: Delete::Item,
    media_type: scim::MEDIA_TYPE,
    credential: Credential::Bearer,
    tenant_header: None,
    duplicate_is_403: false,
    honours_if_match: true,
};

impl Api {
    /// The pointer to a record's id: its id field, inside the envelope.
    pub fn id_pointer(&self) -> String {
        match self.envelope {
            Some(envelope) => format!("/{envelope}/{}", self.id_field),
            None => format!("/{}", self.id_field),
        }
    }

    /// Whether a change of status to `status` has an action of its own: learningcloud's
    /// activate/deactivate, publisher's archive.
    pub fn has_status_action(&self, status: Status) -> bool {
        self.status_actions.is_some() || (status == Status::Archived && self.archive.is_some())
    }
}

/// The API of a `dialect` server.
pub fn api(dialect: Dialect) -> &'static Api {
    match dialect {
        Dialect::LearningCloud => &LEARNINGCLOUD,
        Dialect::Publisher => &PUBLISHER,
        Dialect::Primavera => &PRIMAVERA,
        Dialect::DeviceHive => &DEVICEHIVE,
        Dialect::Scim => &SCIM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_at_the_vendor_paths() {
        let users = |d| api(d).users;
        assert_eq!(users(Dialect::LearningCloud), "/integration/ws/management/rest/users");
        assert_eq!(users(Dialect::Publisher), "/api/2/users");
        assert_eq!(users(Dialect::Primavera), "/api/restapi/user");
        assert_eq!(users(Dialect::DeviceHive), "/api/rest/user");
        assert_eq!(users(Dialect::Scim), "/scim/v2/Users");
        assert_eq!(devicehive::USERS, format!("{}/{}", devicehive::ROOTS[0], devicehive::USER));
        assert_eq!(devicehive::COUNT_PATH, format!("/{}", devicehive::COUNT));
        assert_eq!(scim::USERS_PATH, format!("{}/{}", scim::ROOT, scim::USERS));
    }
}
