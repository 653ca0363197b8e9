//! SCIM 2.0 Users: the standard identity providers speak (RFC 7643 schema, RFC 7644 protocol).
//!
//! * create: `POST /scim/v2/Users`, a User resource ([`CREATE`]) → 201 + the resource
//! * replace: `PUT /scim/v2/Users/{id}`, the resource → 200 + the resource (`userName` required again)
//! * patch: `PATCH /scim/v2/Users/{id}`, body [`PatchOp`] → 200 + the resource (or 204)
//! * get: `GET /scim/v2/Users/{id}` → 200 + the resource; delete: `DELETE …/{id}` → 204
//! * query: `GET /scim/v2/Users?filter=…` or `POST /scim/v2/Users/.search` with [`SearchRequest`]
//!   → 200 + [`ListResponse`]
//! * errors: [`Error`], with a [`ScimType`] that fixes the HTTP status
//!
//! Create and PUT share one field table. Attribute names are case-insensitive (RFC 7643 §2.1):
//! [`Scim::prepare`] rewrites every key to the schema's spelling first, so the table, the
//! pointers in reports and the mappings only ever see one spelling. `id`, `meta` and `groups` are
//! read-only: a request may carry them (a client often PUTs back what it read) and they are
//! ignored, as RFC 7644 §3.5.1 says, and listed under `ignored`.

use crate::canonical::{self, Address, Email, EmailAddress, Image, MultiValue, Phone, PhoneKind};
use crate::dialect::{DialectSpec, Op};
use crate::dialects::index_after;
use crate::fields::{Field, Format, Kind};
use crate::mapping::{ACTIVE, Codec, Slot};
use crate::report::{Code, Report, Violation};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::fmt;

/// The core User schema (RFC 7643 §4.1).
pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The enterprise User extension (RFC 7643 §4.3); also the key of its attributes in a body.
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// RFC 7644 §3.4.2.
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// RFC 7644 §3.4.3.
pub const SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
/// RFC 7644 §3.5.2.
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// RFC 7644 §3.12.
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The schemas a User body may name.
pub const USER_SCHEMAS: &[&str] = &[USER, ENTERPRISE_USER];
/// Attributes the service sets; a request's values are ignored.
pub const READ_ONLY: &[&str] = &["id", "meta", "groups"];
/// Multi-valued attributes with a `primary` flag that may be true on one entry only.
pub const MULTI_VALUED: &[&str] =
    &["emails", "phoneNumbers", "ims", "photos", "addresses", "entitlements", "roles", "x509Certificates"];

/// An `emails` entry. `display` is not carried: the schema calls it read-only and the canonical
/// user has no place for it, so a request's `display` is listed as ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Canonical values `work`, `home`, `other`; any string is accepted (they are suggestions).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// A `phoneNumbers` entry (`display` as for [`EmailEntry`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber {
    /// Ideally RFC 3966 (`tel:+1-201-555-0123`); not enforced, IdPs send what users typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `work`, `home`, `mobile`, `fax`, `pager`, `other`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// An entry of `ims`, `photos`, `entitlements`, `roles` or `x509Certificates`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiValued {
    /// `photos`: an `http(s)` URL; `x509Certificates`: base64 DER (the RFC's own example wraps
    /// it in lines, so it is not checked as strict base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// An `addresses` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressEntry {
    /// The full mailing address for display; may contain newlines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    /// House number, street and extended lines; may contain newlines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 is recommended; the RFC's own example says "USA", so not enforced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `work`, `home`, `other`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// A `groups` entry: read-only, the service derives it from group membership.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, rename = "$ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// `direct` or `indirect`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// `meta`: read-only resource metadata; `version` is the ETag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// RFC 3339 date-time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The entity tag (`W/"3694e05e9dff591"`), compared with `If-Match`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A page of query results (RFC 7644 §3.4.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    pub schemas: Vec<String>,
    /// Matches in the whole result set, not just this page.
    pub total_results: u64,
    /// 1-based index of the first resource of this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_per_page: Option<u64>,
    #[serde(rename = "Resources", default)]
    pub resources: Vec<T>,
}

impl<T> ListResponse<T> {
    pub fn new(resources: Vec<T>, total_results: u64, start_index: u64) -> Self {
        ListResponse {
            schemas: vec![LIST_RESPONSE.to_owned()],
            total_results,
            start_index: Some(start_index),
            items_per_page: Some(resources.len() as u64),
            resources,
        }
    }
}

/// A PATCH operation's verb. Matched case-insensitively: Azure AD sends `Replace`, `Add`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchOpKind {
    Add,
    Remove,
    Replace,
}

impl<'de> Deserialize<'de> for PatchOpKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: Cow<'de, str> = Deserialize::deserialize(d)?;
        match s.to_ascii_lowercase().as_str() {
            "add" => Ok(PatchOpKind::Add),
            "remove" => Ok(PatchOpKind::Remove),
            "replace" => Ok(PatchOpKind::Replace),
            _ => Err(serde::de::Error::unknown_variant(&s, &["add", "remove", "replace"])),
        }
    }
}

/// One operation of a [`PatchOp`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchOperation {
    pub op: PatchOpKind,
    /// An attribute path (`emails[type eq "work"].value`); optional for `add` and `replace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// A PATCH body (RFC 7644 §3.5.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchOp {
    pub schemas: Vec<String>,
    #[serde(rename = "Operations")]
    pub operations: Vec<PatchOperation>,
}

impl PatchOp {
    pub fn new(operations: Vec<PatchOperation>) -> Self {
        PatchOp { schemas: vec![PATCH_OP.to_owned()], operations }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Ascending,
    Descending,
}

/// A query sent as `POST …/.search` (RFC 7644 §3.4.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    pub schemas: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_attributes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<SortOrder>,
    /// 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

impl SearchRequest {
    pub fn new(filter: impl Into<String>) -> Self {
        SearchRequest {
            schemas: vec![SEARCH_REQUEST.to_owned()],
            filter: Some(filter.into()),
            ..SearchRequest::default()
        }
    }
}

/// The detail error keywords of RFC 7644 §3.12, each with its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ScimType {
    InvalidFilter,
    TooMany,
    Uniqueness,
    Mutability,
    InvalidSyntax,
    InvalidPath,
    NoTarget,
    InvalidValue,
    InvalidVers,
    Sensitive,
}

impl ScimType {
    pub const ALL: [ScimType; 10] = [
        ScimType::InvalidFilter,
        ScimType::TooMany,
        ScimType::Uniqueness,
        ScimType::Mutability,
        ScimType::InvalidSyntax,
        ScimType::InvalidPath,
        ScimType::NoTarget,
        ScimType::InvalidValue,
        ScimType::InvalidVers,
        ScimType::Sensitive,
    ];

    /// The wire keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::TooMany => "tooMany",
            ScimType::Uniqueness => "uniqueness",
            ScimType::Mutability => "mutability",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidPath => "invalidPath",
            ScimType::NoTarget => "noTarget",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidVers => "invalidVers",
            ScimType::Sensitive => "sensitive",
        }
    }

    /// 409 for `uniqueness` (RFC 7644 §3.3), 403 for `sensitive` (§7.5.2, erratum 6893), else 400.
    pub fn http_status(self) -> u16 {
        match self {
            ScimType::Uniqueness => 409,
            ScimType::Sensitive => 403,
            _ => 400,
        }
    }

    /// The RFC's description, the default `detail`.
    pub fn description(self) -> &'static str {
        match self {
            ScimType::InvalidFilter => {
                "The specified filter syntax was invalid, or the specified attribute and filter comparison combination is not supported."
            }
            ScimType::TooMany => {
                "The specified filter yields many more results than the server is willing to calculate or process."
            }
            ScimType::Uniqueness => "One or more of the attribute values are already in use or are reserved.",
            ScimType::Mutability => {
                "The attempted modification is not compatible with the target attribute's mutability or current state."
            }
            ScimType::InvalidSyntax => {
                "The request body message structure was invalid or did not conform to the request schema."
            }
            ScimType::InvalidPath => "The \"path\" attribute was invalid or malformed.",
            ScimType::NoTarget => {
                "The specified \"path\" did not yield an attribute or attribute value that could be operated on."
            }
            ScimType::InvalidValue => {
                "A required value was missing, or the value specified was not compatible with the operation or attribute type, or resource schema."
            }
            ScimType::InvalidVers => "The specified SCIM protocol version is not supported.",
            ScimType::Sensitive => {
                "The specified request cannot be completed, due to the passing of sensitive information in a request URI."
            }
        }
    }
}

impl fmt::Display for ScimType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error answer (RFC 7644 §3.12). `status` is the HTTP status as a string, as the RFC says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Error {
    pub schemas: Vec<String>,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim_type: Option<ScimType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Error {
    /// An error without a `scimType` (404, 412, 500…).
    pub fn new(status: u16, detail: impl Into<String>) -> Self {
        Error {
            schemas: vec![ERROR.to_owned()],
            status: status.to_string(),
            scim_type: None,
            detail: Some(detail.into()),
        }
    }

    /// The error of a detail keyword, with its status and the RFC's description.
    pub fn of(scim_type: ScimType) -> Self {
        Error { scim_type: Some(scim_type), ..Error::new(scim_type.http_status(), scim_type.description()) }
    }

    /// A 400 for a rejected body: `invalidSyntax` when it could not be read, else `invalidValue`;
    /// the detail names every violation by pointer.
    pub fn from_report(report: &Report) -> Self {
        let syntax = report.errors.iter().any(|v| v.code == Code::Syntax);
        let kind = if syntax { ScimType::InvalidSyntax } else { ScimType::InvalidValue };
        let detail: Vec<String> = report
            .errors
            .iter()
            .map(|v| if v.pointer.is_empty() { v.message.to_string() } else { format!("{}: {}", v.pointer, v.message) })
            .collect();
        Error { detail: Some(detail.join("; ")), ..Error::of(kind) }
    }

    /// The HTTP status to answer with (500 if `status` is not a number).
    pub fn http_status(&self) -> u16 {
        self.status.parse().unwrap_or(500)
    }
}

const EXT_EMPLOYEE_NUMBER: &str = "/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/employeeNumber";
const EXT_COST_CENTER: &str = "/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/costCenter";
const EXT_ORGANIZATION: &str = "/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/organization";
const EXT_DIVISION: &str = "/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/division";
const EXT_DEPARTMENT: &str = "/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/department";
const EXT_MANAGER: &str = "/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager";

/// Create and replace (PUT) take the same resource. Entries of multi-valued attributes need a
/// `value`: RFC 7643's schema marks it optional, but an entry without one says nothing the
/// service could store, so it is refused rather than dropped.
pub static CREATE: &[Field] = &[
    Field::array("/schemas", "schemas").required(),
    Field::string("/schemas/*", "schema"),
    Field::string("/externalId", "external_id").to(Slot::ExternalId),
    // Unique (case-insensitively) across users.
    Field::string("/userName", "username").required().min(1).to(Slot::Username),
    Field::object("/name", "name"),
    // The full name for display ("Ms. Barbara J Jensen, III").
    Field::string("/name/formatted", "formatted_name").to(Slot::FormattedName),
    Field::string("/name/familyName", "family_name").to(Slot::FamilyName),
    Field::string("/name/givenName", "given_name").to(Slot::GivenName),
    Field::string("/name/middleName", "middle_name").to(Slot::MiddleName),
    Field::string("/name/honorificPrefix", "honorific_prefix").to(Slot::HonorificPrefix),
    Field::string("/name/honorificSuffix", "honorific_suffix").to(Slot::HonorificSuffix),
    Field::string("/displayName", "display_name").to(Slot::DisplayName),
    Field::string("/nickName", "nick_name").to(Slot::NickName),
    Field::string("/profileUrl", "profile_url").format(Format::Url).to(Slot::ProfileUrl),
    // Job title ("Vice President").
    Field::string("/title", "job_title").to(Slot::JobTitle),
    // Relationship to the organization ("Employee", "Contractor"): free text.
    Field::string("/userType", "user_type").to(Slot::UserType),
    // Plain strings (RFC 7643 §4.1.1), stored verbatim: IdPs send `en_US`, `zh-Hant-TW`, and
    // Windows zone names from some HR sources.
    Field::string("/preferredLanguage", "language").to(Slot::Language),
    Field::string("/locale", "locale").to(Slot::Locale),
    Field::string("/timezone", "timezone").to(Slot::TimeZone),
    Field::boolean("/active", "status").to_via(Slot::Status, Codec::Enum(ACTIVE)),
    // Write-only: never returned.
    Field::string("/password", "password").write_only().to(Slot::Password),
    // The multi-valued attributes: `read_rules` / `write_rules`.
    Field::array("/emails", "emails").to_via(Slot::Emails, Codec::Rule),
    Field::object("/emails/*", "email"),
    Field::string("/emails/*/value", "email").required().format(Format::Email),
    Field::string("/emails/*/type", "email_type"),
    Field::boolean("/emails/*/primary", "primary"),
    Field::array("/phoneNumbers", "phones").to_via(Slot::Phones, Codec::Rule),
    Field::object("/phoneNumbers/*", "phone"),
    Field::string("/phoneNumbers/*/value", "phone").required().min(1),
    Field::string("/phoneNumbers/*/type", "phone_type"),
    Field::boolean("/phoneNumbers/*/primary", "primary"),
    Field::array("/ims", "ims").to_via(Slot::Ims, Codec::Rule),
    Field::object("/ims/*", "im"),
    Field::string("/ims/*/value", "im").required().min(1),
    Field::string("/ims/*/display", "display"),
    Field::string("/ims/*/type", "im_type"),
    Field::boolean("/ims/*/primary", "primary"),
    Field::array("/photos", "photos").to_via(Slot::Photos, Codec::Rule),
    Field::object("/photos/*", "photo"),
    Field::string("/photos/*/value", "image_url").required().format(Format::Url),
    Field::string("/photos/*/display", "display"),
    Field::string("/photos/*/type", "photo_type"),
    Field::boolean("/photos/*/primary", "primary"),
    Field::array("/addresses", "addresses").to_via(Slot::Addresses, Codec::Rule),
    Field::object("/addresses/*", "address"),
    Field::string("/addresses/*/formatted", "formatted_address"),
    Field::string("/addresses/*/streetAddress", "address_line1"),
    Field::string("/addresses/*/locality", "locality"),
    Field::string("/addresses/*/region", "region"),
    Field::string("/addresses/*/postalCode", "postal_code"),
    Field::string("/addresses/*/country", "country"),
    Field::string("/addresses/*/type", "address_type"),
    Field::boolean("/addresses/*/primary", "primary"),
    Field::array("/entitlements", "entitlements").to_via(Slot::Entitlements, Codec::Rule),
    Field::object("/entitlements/*", "entitlement"),
    Field::string("/entitlements/*/value", "entitlement").required().min(1),
    Field::string("/entitlements/*/display", "display"),
    Field::string("/entitlements/*/type", "entitlement_type"),
    Field::boolean("/entitlements/*/primary", "primary"),
    Field::array("/roles", "roles").to_via(Slot::ScimRoles, Codec::Rule),
    Field::object("/roles/*", "role"),
    Field::string("/roles/*/value", "role").required().min(1),
    Field::string("/roles/*/display", "display"),
    Field::string("/roles/*/type", "role_type"),
    Field::boolean("/roles/*/primary", "primary"),
    Field::array("/x509Certificates", "certificates").to_via(Slot::X509Certificates, Codec::Rule),
    Field::object("/x509Certificates/*", "certificate"),
    Field::string("/x509Certificates/*/value", "certificate").required().min(1),
    Field::string("/x509Certificates/*/display", "display"),
    Field::string("/x509Certificates/*/type", "certificate_type"),
    Field::boolean("/x509Certificates/*/primary", "primary"),
    Field::object("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "enterprise"),
    Field::string(EXT_EMPLOYEE_NUMBER, "employee_number").to(Slot::EmployeeNumber),
    Field::string(EXT_COST_CENTER, "cost_center").to(Slot::CostCenter),
    Field::string(EXT_ORGANIZATION, "organization_name").to(Slot::OrganizationName),
    Field::string(EXT_DIVISION, "division").to(Slot::Division),
    Field::string(EXT_DEPARTMENT, "department").to(Slot::Department),
    Field::object(EXT_MANAGER, "manager"),
    // The manager's `id`.
    Field::string("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/value", "manager_id")
        .to(Slot::ManagerId),
    // The URI of the manager's User resource.
    Field::string("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/$ref", "manager_url")
        .to(Slot::ManagerRef),
    // Read-only in the schema; kept because clients send what they read.
    Field::string("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/displayName", "manager_name")
        .to(Slot::ManagerName),
];

/// PUT replaces the resource: the same attributes and the same required ones.
pub static UPDATE: &[Field] = CREATE;

/// The dialect.
pub struct Scim;

impl DialectSpec for Scim {
    fn name(&self) -> &'static str {
        "scim"
    }

    fn fields(&self, op: Op) -> &'static [Field] {
        match op {
            Op::Create => CREATE,
            Op::Update => UPDATE,
        }
    }

    /// Rewrites attribute names to the schema's spelling at every level, and the strings
    /// "True"/"False" (any case) to booleans where the schema says boolean: some identity
    /// providers send `"active": "False"`; and a bare string manager (Entra) to `{"value": …}`. A name given twice in different cases keeps the
    /// schema's spelling for one (the exact spelling if present) and leaves the other as sent,
    /// so it shows up under `ignored`.
    fn prepare<'a>(&self, op: Op, input: &'a Value) -> (Cow<'a, Value>, &'static str) {
        // Most bodies are spelled as the schema spells them: they are used as they are, and only
        // one that needs a rewrite is copied (the copy cost more than parsing the body).
        if !input.is_object() || !needs_normalizing(input, &mut String::new(), self.fields(op)) {
            return (Cow::Borrowed(input), "");
        }
        let mut body = input.clone();
        normalize(&mut body, &mut String::new(), self.fields(op));
        (Cow::Owned(body), "")
    }

    fn check(&self, _op: Op, input: &Value, report: &mut Report) {
        check_schemas(input, report);
        check_primary(input, report);
    }

    /// The multi-valued attributes, and the read-only `id` (kept when it is a string, so a
    /// resource read back keeps it).
    fn read_rules(&self, _op: Op, body: &Value, u: &mut canonical::User) {
        u.uid = body.get("id").and_then(Value::as_str).map(str::to_owned);
        u.emails = entries::<EmailEntry>(body, "emails")
            .filter_map(|e| {
                Some(Email { value: EmailAddress::try_from(e.value?).ok()?, kind: e.kind, primary: e.primary })
            })
            .collect();
        u.phones = entries::<PhoneNumber>(body, "phoneNumbers")
            .filter_map(|p| Some(Phone { value: p.value?, kind: phone_kind(p.kind.as_deref()), primary: p.primary }))
            .collect();
        u.addresses = entries::<AddressEntry>(body, "addresses").map(address_to_canonical).collect();
        u.ims = multi(body, "ims");
        u.photos = multi(body, "photos");
        u.entitlements = multi(body, "entitlements");
        u.scim_roles = multi(body, "roles");
        u.x509_certificates = multi(body, "x509Certificates");
        // Single-picture dialects get the primary photo (else the first); `photos` stays whole,
        // and writing SCIM back uses `photos`, so SCIM → SCIM is exact.
        u.image =
            u.photos.iter().find(|p| p.primary == Some(true)).or(u.photos.first()).map(|p| Image::Url(p.value.clone()));
    }

    fn write_rules(&self, _op: Op, u: &canonical::User, body: &mut Value) {
        let Value::Object(map) = body else { return };
        let mut put = |key: &str, items: Vec<Value>| {
            if !items.is_empty() {
                map.insert(key.to_owned(), Value::Array(items));
            }
        };
        let email = |e: &Email| {
            json!(EmailEntry { value: Some(e.value.to_string()), kind: e.kind.clone(), primary: e.primary })
        };
        put("emails", u.emails.iter().map(email).collect());
        let phone = |p: &Phone| {
            json!(PhoneNumber {
                value: Some(p.value.clone()),
                kind: Some(phone_type(p.kind).to_owned()),
                primary: p.primary
            })
        };
        put("phoneNumbers", u.phones.iter().map(phone).collect());
        put("addresses", u.addresses.iter().map(|a| json!(address_to_wire(a))).collect());
        put("ims", wire_multi(&u.ims));
        // A dialect with one picture URL (learningcloud, publisher) becomes one photo.
        put(
            "photos",
            match (&u.photos[..], &u.image) {
                ([], Some(Image::Url(url))) => vec![json!({"value": url, "type": "photo"})],
                (photos, _) => wire_multi(photos),
            },
        );
        put("entitlements", wire_multi(&u.entitlements));
        put("roles", wire_multi(&u.scim_roles));
        put("x509Certificates", wire_multi(&u.x509_certificates));
        if let Some(id) = &u.uid {
            map.insert("id".into(), Value::from(id.as_str()));
        }
        let mut schemas = vec![Value::from(USER)];
        if map.get(ENTERPRISE_USER).is_some_and(|e| e.as_object().is_some_and(|e| !e.is_empty())) {
            schemas.push(Value::from(ENTERPRISE_USER));
        }
        map.insert("schemas".into(), Value::Array(schemas));
    }

    /// `write_rules` then `read_rules`, typed: every entry comes back as it is, except that a
    /// phone's kind and an address's lines go through their wire spellings, and a lone picture
    /// URL becomes the one photo.
    fn view_rules(&self, _op: Op, u: &canonical::User, kept: &mut canonical::User) {
        kept.uid = u.uid.clone();
        kept.emails = u.emails.clone();
        kept.phones =
            u.phones.iter().map(|p| Phone { kind: phone_kind(Some(phone_type(p.kind))), ..p.clone() }).collect();
        kept.addresses = u.addresses.iter().map(|a| address_to_canonical(address_to_wire(a))).collect();
        kept.ims = u.ims.clone();
        kept.photos = match (&u.photos[..], &u.image) {
            ([], Some(Image::Url(url))) => {
                vec![MultiValue { value: url.clone(), display: None, kind: Some("photo".into()), primary: None }]
            }
            (photos, _) => photos.to_vec(),
        };
        kept.entitlements = u.entitlements.clone();
        kept.scim_roles = u.scim_roles.clone();
        kept.x509_certificates = u.x509_certificates.clone();
        kept.image = kept
            .photos
            .iter()
            .find(|p| p.primary == Some(true))
            .or(kept.photos.first())
            .map(|p| Image::Url(p.value.clone()));
    }

    fn wire_pointer_rules(&self, _op: Op, u: &canonical::User, canonical: &str) -> Option<String> {
        if canonical == "/uid" {
            return Some("/id".into());
        }
        if let Some(i) = index_after(canonical, "/addresses") {
            let leaf = canonical.split('/').nth(3).unwrap_or_default();
            let wire = match leaf {
                "line1" | "line2" => "streetAddress",
                "postal_code" => "postalCode",
                "" => return Some(format!("/addresses/{i}")),
                other => other,
            };
            return Some(format!("/addresses/{i}/{wire}"));
        }
        if canonical == "/image" || canonical.starts_with("/image/") {
            let i = u.photos.iter().position(|p| p.primary == Some(true)).unwrap_or(0);
            return Some(format!("/photos/{i}/value"));
        }
        None
    }
}

/// The entries of a multi-valued attribute that read as `T` (an entry of another shape cannot
/// come from a valid body; from an upstream's record it is skipped, not fatal).
fn entries<'a, T: Deserialize<'a>>(body: &'a Value, key: &str) -> impl Iterator<Item = T> + 'a {
    let items = match body.get(key) {
        Some(Value::Array(items)) => &items[..],
        _ => &[],
    };
    items.iter().filter_map(|item| T::deserialize(item).ok())
}

/// Rewrites keys to the table's spelling under `shape` and coerces boolean strings, recursing
/// only into attributes the table defines (unknown members are left as sent).
fn normalize(value: &mut Value, shape: &mut String, fields: &[Field]) {
    let Value::Object(map) = value else { return };
    // Most clients spell every name as the schema does: only the other keys are looked up
    // case-insensitively (a full scan of the table per key made SCIM 50x slower to validate).
    // An exact spelling wins over a variant, and of two variants the first is renamed; what is
    // left under a variant name is reported as ignored by the validator.
    let variants: Vec<String> = map.keys().filter(|k| child_field(fields, shape, k).is_none()).cloned().collect();
    for key in variants {
        let Some(name) = schema_name(fields, shape, &key) else {
            continue;
        };
        if !map.contains_key(name)
            && let Some(v) = map.remove(&key)
        {
            map.insert(name.to_owned(), v);
        }
    }
    for (key, child) in map.iter_mut() {
        let len = shape.len();
        match child_field(fields, shape, key).map(|f| f.kind) {
            Some(Kind::Object) => {
                shape.push('/');
                shape.push_str(key);
                // Entra sends the manager as the bare id: read it as `{"value": id}`.
                if shape == EXT_MANAGER
                    && let Value::String(id) = child
                {
                    *child = json!({ "value": std::mem::take(id) });
                }
                normalize(child, shape, fields);
            }
            Some(Kind::Boolean) => coerce_bool(child),
            Some(Kind::Array) => {
                if let Value::Array(items) = child {
                    shape.push('/');
                    shape.push_str(key);
                    shape.push_str("/*");
                    for item in items {
                        normalize(item, shape, fields);
                    }
                }
            }
            _ => {}
        }
        shape.truncate(len);
    }
}

/// Whether [`normalize`] would change anything: a name in another spelling, a boolean sent as a
/// string, or a bare string manager. Walks the same members, without writing.
fn needs_normalizing(value: &Value, shape: &mut String, fields: &[Field]) -> bool {
    let Value::Object(map) = value else { return false };
    for (key, child) in map {
        let Some(field) = child_field(fields, shape, key) else {
            if schema_name(fields, shape, key).is_some() {
                return true;
            }
            continue;
        };
        let len = shape.len();
        let changes = match field.kind {
            Kind::Object => {
                shape.push('/');
                shape.push_str(key);
                (shape == EXT_MANAGER && child.is_string()) || needs_normalizing(child, shape, fields)
            }
            Kind::Boolean => {
                child.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"))
            }
            Kind::Array => {
                shape.push('/');
                shape.push_str(key);
                shape.push_str("/*");
                child.as_array().is_some_and(|items| items.iter().any(|item| needs_normalizing(item, shape, fields)))
            }
            _ => false,
        };
        shape.truncate(len);
        if changes {
            return true;
        }
    }
    false
}

/// The field whose pointer is exactly `shape/key` (read-only top-level names count as known).
fn child_field<'f>(fields: &'f [Field], shape: &str, key: &str) -> Option<&'f Field> {
    static READ_ONLY_FIELD: Field = Field::any("", "read_only");
    if shape.is_empty() && READ_ONLY.contains(&key) {
        return Some(&READ_ONLY_FIELD);
    }
    let len = shape.len() + 1 + key.len();
    fields.iter().find(|f| {
        f.pointer.len() == len
            && f.pointer.starts_with(shape)
            && f.pointer.as_bytes()[shape.len()] == b'/'
            && &f.pointer[shape.len() + 1..] == key
    })
}

/// The schema's spelling of `key` as a member of `shape`, if the schema has it. The table's
/// pointers need no RFC 6901 escaping (no `~` or `/` in SCIM names), so tokens compare as is.
fn schema_name(fields: &[Field], shape: &str, key: &str) -> Option<&'static str> {
    let read_only = if shape.is_empty() { READ_ONLY } else { &[] }.iter().copied();
    fields
        .iter()
        .filter_map(|f| f.pointer.strip_prefix(shape)?.strip_prefix('/').filter(|t| !t.contains('/')))
        .chain(read_only)
        .find(|name| name.eq_ignore_ascii_case(key))
}

fn coerce_bool(v: &mut Value) {
    if let Value::String(s) = v {
        if s.eq_ignore_ascii_case("true") {
            *v = Value::Bool(true);
        } else if s.eq_ignore_ascii_case("false") {
            *v = Value::Bool(false);
        }
    }
}

/// Adds the enterprise extension's URN to `schemas` when the resource holds its attributes and
/// does not name it: a PATCH that adds the first extension attribute changes the resource's
/// schemas, which is the server's business (RFC 7644 §3.5.2).
pub fn declare_extensions(resource: &mut Value) {
    let Value::Object(map) = resource else { return };
    let holds = map
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case(ENTERPRISE_USER) && v.as_object().is_some_and(|o| !o.is_empty()));
    if !holds {
        return;
    }
    match map.get_mut("schemas") {
        Some(Value::Array(items)) if !names_schema(items, ENTERPRISE_USER) => items.push(Value::from(ENTERPRISE_USER)),
        _ => {}
    }
}

fn names_schema(items: &[Value], urn: &str) -> bool {
    items.iter().any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)))
}

/// `schemas` must name the core User schema, and the enterprise extension when its attributes
/// are present (RFC 7643 §3); a schema this service does not know is refused (`invalidValue`).
fn check_schemas(input: &Value, report: &mut Report) {
    let Some(Value::Array(items)) = crate::fields::member_of(input, "schemas") else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        if let Some(s) = item.as_str()
            && !USER_SCHEMAS.iter().any(|k| k.eq_ignore_ascii_case(s))
        {
            report.push(
                Violation::new(format!("/schemas/{i}"), Code::NotAllowedValue).param("allowed", json!(USER_SCHEMAS)),
            );
        }
    }
    if !names_schema(items, USER) {
        report.push(Violation::new("/schemas", Code::MissingValue).param("allowed", json!([USER])));
    }
    if crate::fields::member_of(input, ENTERPRISE_USER).is_some_and(|v| !v.is_null())
        && !names_schema(items, ENTERPRISE_USER)
    {
        report.push(Violation::new("/schemas", Code::MissingValue).param("allowed", json!([ENTERPRISE_USER])));
    }
}

/// "The primary attribute value 'true' MUST appear no more than once" (RFC 7643 §2.4): every
/// later `primary: true` is a `duplicate`, with a pointer to the first.
fn check_primary(input: &Value, report: &mut Report) {
    for attr in MULTI_VALUED {
        let Some(Value::Array(items)) = crate::fields::member_of(input, attr) else {
            continue;
        };
        // The first one's index: its pointer is written only for a duplicate.
        let mut first: Option<usize> = None;
        for (i, item) in items.iter().enumerate() {
            if crate::fields::member_of(item, "primary") != Some(&Value::Bool(true)) {
                continue;
            }
            match first {
                None => first = Some(i),
                Some(f) => report.push(
                    Violation::new(format!("/{attr}/{i}/primary"), Code::Duplicate)
                        .param("first", format!("/{attr}/{f}/primary")),
                ),
            }
        }
    }
}

fn phone_kind(t: Option<&str>) -> PhoneKind {
    let t = t.unwrap_or_default();
    [
        ("work", PhoneKind::Work),
        ("mobile", PhoneKind::Mobile),
        ("home", PhoneKind::Home),
        ("fax", PhoneKind::Fax),
        ("pager", PhoneKind::Pager),
    ]
    .into_iter()
    .find(|(name, _)| name.eq_ignore_ascii_case(t))
    .map_or(PhoneKind::Other, |(_, k)| k)
}

fn phone_type(k: PhoneKind) -> &'static str {
    match k {
        PhoneKind::Work => "work",
        PhoneKind::Mobile => "mobile",
        PhoneKind::Home => "home",
        PhoneKind::Fax => "fax",
        PhoneKind::Pager => "pager",
        PhoneKind::Other => "other",
    }
}

fn multi(body: &Value, key: &str) -> Vec<MultiValue> {
    entries::<MultiValued>(body, key)
        .filter_map(|m| Some(MultiValue { value: m.value?, display: m.display, kind: m.kind, primary: m.primary }))
        .collect()
}

fn wire_multi(items: &[MultiValue]) -> Vec<Value> {
    items
        .iter()
        .map(|m| {
            json!(MultiValued {
                value: Some(m.value.clone()),
                display: m.display.clone(),
                kind: m.kind.clone(),
                primary: m.primary,
            })
        })
        .collect()
}

/// `streetAddress` may hold several lines; the first is `line1`, the rest `line2`, so a
/// two-line address (publisher `addressline1`/`addressline2`) survives the trip.
fn address_to_canonical(a: AddressEntry) -> Address {
    let (line1, line2) = match a.street_address {
        Some(s) => match s.split_once('\n') {
            Some((l1, l2)) => (Some(l1.to_owned()), Some(l2.to_owned())),
            None => (Some(s), None),
        },
        None => (None, None),
    };
    Address {
        line1,
        line2,
        locality: a.locality,
        region: a.region,
        postal_code: a.postal_code,
        country: a.country,
        formatted: a.formatted,
        kind: a.kind,
        primary: a.primary,
    }
}

fn address_to_wire(a: &Address) -> AddressEntry {
    let street_address = match (&a.line1, &a.line2) {
        (Some(l1), Some(l2)) => Some(format!("{l1}\n{l2}")),
        (Some(l), None) | (None, Some(l)) => Some(l.clone()),
        (None, None) => None,
    };
    AddressEntry {
        formatted: a.formatted.clone(),
        street_address,
        locality: a.locality.clone(),
        region: a.region.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
        kind: a.kind.clone(),
        primary: a.primary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scim_types_know_their_status() {
        for t in ScimType::ALL {
            let expected = match t {
                ScimType::Uniqueness => 409,
                ScimType::Sensitive => 403,
                _ => 400,
            };
            assert_eq!(t.http_status(), expected);
            assert_eq!(serde_json::to_value(t).ok(), Some(Value::from(t.as_str())));
            assert_eq!(Error::of(t).http_status(), expected);
        }
    }

    #[test]
    fn schema_names_are_found_case_insensitively() {
        assert_eq!(schema_name(CREATE, "", "USERNAME"), Some("userName"));
        assert_eq!(schema_name(CREATE, "", "ID"), Some("id"));
        assert_eq!(schema_name(CREATE, "/emails/*", "Primary"), Some("primary"));
        assert_eq!(schema_name(CREATE, "/name", "userName"), None);
        assert_eq!(
            schema_name(CREATE, "", "urn:ietf:params:scim:schemas:extension:Enterprise:2.0:user"),
            Some(ENTERPRISE_USER)
        );
    }

    #[test]
    fn extension_attributes_declare_their_schema() {
        let mut r = json!({"schemas": [USER], ENTERPRISE_USER: {"department": "x"}});
        declare_extensions(&mut r);
        assert_eq!(r["schemas"], json!([USER, ENTERPRISE_USER]));
        declare_extensions(&mut r);
        assert_eq!(r["schemas"], json!([USER, ENTERPRISE_USER]), "named once");
        let mut empty = json!({"schemas": [USER], ENTERPRISE_USER: {}});
        declare_extensions(&mut empty);
        assert_eq!(empty["schemas"], json!([USER]));
        let mut odd = json!({"schemas": "x", ENTERPRISE_USER: {"a": 1}});
        declare_extensions(&mut odd);
        assert_eq!(odd["schemas"], "x", "a malformed schemas is left for validation");
    }

    #[test]
    fn only_a_body_that_needs_a_rewrite_is_copied() {
        let spelled = json!({"schemas": [USER], "userName": "a", "active": true, "emails": [{"value": "a@b.co"}],
            ENTERPRISE_USER: {"manager": {"value": "m"}}});
        assert!(matches!(Scim.prepare(Op::Create, &spelled).0, Cow::Borrowed(_)));
        for variant in [
            json!({"schemas": [USER], "USERNAME": "a"}),
            json!({"schemas": [USER], "userName": "a", "active": "False"}),
            json!({"schemas": [USER], "userName": "a", "emails": [{"Value": "a@b.co"}]}),
            json!({"schemas": [USER], "userName": "a", ENTERPRISE_USER: {"manager": "m"}}),
        ] {
            let (body, _) = Scim.prepare(Op::Create, &variant);
            assert!(matches!(body, Cow::Owned(_)), "{variant}");
            assert_ne!(*body, variant, "the rewrite changed it");
        }
    }

    #[test]
    fn street_address_lines() {
        let a =
            address_to_canonical(AddressEntry { street_address: Some("a\nb\nc".into()), ..AddressEntry::default() });
        assert_eq!((a.line1.as_deref(), a.line2.as_deref()), (Some("a"), Some("b\nc")));
        assert_eq!(address_to_wire(&a).street_address.as_deref(), Some("a\nb\nc"));
    }
}
