//! Primavera: the project-portfolio cloud's user API (docs/dialects/primavera.md).
//!
//! * create: `POST /api/restapi/user`, body [`CreateUser`] (`ApiEntityUserInput`) → 201 + [`User`]
//! * update: `PUT /api/restapi/user`, body [`UpdateUser`] (`ApiEntityApplicationUserInput`) → 204;
//!   the user is found by `userId`, else `ldapGuid` (there is no id in the path)
//! * view: `GET /api/restapi/user/{userId}` → 200 + [`User`]
//!
//! Create and update have **different limits** (email 255 vs 320, names 150 vs 100, phones 20 vs
//! 100, title 200 vs 25) and only update knows the `IDEA` product; the tables keep them apart.

use crate::canonical::{self, EmailAddress, Locale, PhoneKind, Product, ProductName, Status};
use crate::dialect::{Dialect, DialectSpec, Op, deserialize, map_pointer, unmap_pointer};
use crate::dialects::index_after;
use crate::fields::{Field, Format};
use crate::report::{Code, Report, Violation};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The 12 `userLocale` codes the vendor accepts.
pub const LOCALES: &[&str] = &["pt_BR", "nl", "en", "fr", "de", "it", "ja", "ko", "ru", "zh_CN", "es", "zh_TW"];
pub const USER_TYPES: &[&str] = &["USER", "COMPANY_RESTRICTED", "APPLICATION_ADMIN", "IDEA_SUBMITTER"];
pub const STATUSES: &[&str] = &["ACTIVE", "INACTIVE"];
/// Products on create (`productNames`).
pub const CREATE_PRODUCTS: &[&str] = &["PORTFOLIO", "PROGRESS", "SCHEDULE", "TASKS"];
/// Products on update (`userProducts[].productName`): `IDEA` is update-only.
pub const UPDATE_PRODUCTS: &[&str] = &["IDEA", "PORTFOLIO", "PROGRESS", "SCHEDULE", "TASKS"];

/// `POST /api/restapi/user` body (`ApiEntityUserInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUser {
    /// Required. The company the user belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<i64>,
    /// Required, ≤ 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Required, ≤ 150 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Required, ≤ 150 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Required: the offices the user works in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office_ids: Option<Vec<i64>>,
    /// Required: one of [`LOCALES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_locale: Option<String>,
    /// ≤ 20 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// ≤ 20 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Job title, ≤ 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Licences to grant: [`CREATE_PRODUCTS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_names: Option<Vec<String>>,
    /// One of [`USER_TYPES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    /// Global permission profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_profile_id: Option<String>,
    /// Default false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub federated_user: Option<bool>,
    /// Default true: reuse an existing user with the same email instead of failing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_existing_user: Option<bool>,
}

impl CreateUser {
    /// The six required fields; everything else starts unset.
    pub fn new(
        company_id: i64,
        email: impl Into<String>,
        first_name: impl Into<String>,
        last_name: impl Into<String>,
        office_ids: Vec<i64>,
        user_locale: impl Into<String>,
    ) -> Self {
        CreateUser {
            company_id: Some(company_id),
            email: Some(email.into()),
            first_name: Some(first_name.into()),
            last_name: Some(last_name.into()),
            office_ids: Some(office_ids),
            user_locale: Some(user_locale.into()),
            ..CreateUser::default()
        }
    }
}

/// One licence change on update (`ApiEntityUserProductInput`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProductInput {
    /// One of [`UPDATE_PRODUCTS`]; needed for `action: "DELETE"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// Licence id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_product_id: Option<i64>,
    /// Only `"DELETE"`: removes this licence. Absent: adds or keeps it (the list is a delta).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

/// `PUT /api/restapi/user` body (`ApiEntityApplicationUserInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateUser {
    /// System id; identifies the user (else `ldapGuid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// Id in LDAP/IDCS, 1–255 characters; identifies the user when `userId` is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ldap_guid: Option<String>,
    /// Required, ≤ 320 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Required, ≤ 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Required, ≤ 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// ≤ 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// ≤ 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// `ACTIVE` or `INACTIVE` (≤ 20); inactive users cannot log in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Job title, ≤ 25 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// One of [`LOCALES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_locale: Option<String>,
    /// Licence delta.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_products: Option<Vec<UserProductInput>>,
    /// One of [`USER_TYPES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
}

/// A licence as read back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProduct {
    pub product_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_product_id: Option<i64>,
}

/// The read representation (`ApiEntityUser`): create's 201 body and `GET /user/{userId}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub user_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ldap_guid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_locale: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub office_ids: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_products: Vec<UserProduct>,
}

/// One field error in [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    /// The wire field name (`firstName`, `userProducts[0].action`).
    pub field: String,
    pub code: String,
    pub message: String,
}

/// Error body: `400 {"message", "errors": [{"field","code","message"}]}`, userbridge's own (the vendor
/// documents none; docs/dialects/primavera.md#errors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ErrorBody {
    /// The vendor's "invalid input" answer carrying every violation of a report.
    pub fn from_report(report: &Report) -> Self {
        ErrorBody {
            message: "Invalid input for the user service.".into(),
            errors: report
                .errors
                .iter()
                .map(|v| FieldError {
                    field: field_name(&v.pointer),
                    code: v.code.as_str().into(),
                    message: v.message.clone(),
                })
                .collect(),
        }
    }
}

/// `/userProducts/0/action` → `userProducts[0].action`: the vendor's field notation.
fn field_name(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        if token.chars().all(|c| c.is_ascii_digit()) && !token.is_empty() {
            out.push('[');
            out.push_str(token);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token.replace("~1", "/").replace("~0", "~"));
        }
    }
    out
}

pub static CREATE: &[Field] = &[
    Field::integer("/companyId", "company_id").required(),
    Field::string("/email", "email").required().max(255).format(Format::Email),
    Field::string("/firstName", "given_name").required().min(1).max(150),
    Field::string("/lastName", "family_name").required().min(1).max(150),
    Field::array("/officeIds", "office_ids").required(),
    Field::integer("/officeIds/*", "office_id"),
    Field::string("/userLocale", "language").required().allowed(LOCALES),
    Field::string("/mobile", "mobile_phone").max(20),
    Field::string("/phone", "work_phone").max(20),
    Field::string("/title", "job_title").max(200),
    Field::array("/productNames", "products"),
    Field::string("/productNames/*", "product").allowed(CREATE_PRODUCTS),
    Field::string("/userType", "user_type").allowed(USER_TYPES),
    Field::string("/globalProfileId", "global_profile_id"),
    Field::boolean("/federatedUser", "federated_user"),
    Field::boolean("/useExistingUser", "use_existing_user"),
];

pub static UPDATE: &[Field] = &[
    Field::integer("/userId", "id"),
    Field::string("/ldapGuid", "ldap_guid").min(1).max(255),
    Field::string("/email", "email").required().max(320).format(Format::Email),
    Field::string("/firstName", "given_name").required().min(1).max(100),
    Field::string("/lastName", "family_name").required().min(1).max(100),
    Field::string("/mobile", "mobile_phone").max(100),
    Field::string("/phone", "work_phone").max(100),
    Field::string("/status", "status").max(20).allowed(STATUSES),
    Field::string("/title", "job_title").max(25),
    Field::string("/userLocale", "language").allowed(LOCALES),
    Field::array("/userProducts", "products"),
    Field::object("/userProducts/*", "product"),
    Field::string("/userProducts/*/productName", "product").allowed(UPDATE_PRODUCTS),
    Field::integer("/userProducts/*/productId", "product_id"),
    Field::integer("/userProducts/*/userProductId", "user_product_id"),
    Field::string("/userProducts/*/action", "product_action").allowed(&["DELETE"]),
    Field::string("/userType", "user_type").allowed(USER_TYPES),
];

/// Canonical prefix → wire pointer, for fields whose place does not depend on values.
static CREATE_POINTERS: &[(&str, &str)] = &[
    ("/company_id", "/companyId"),
    ("/emails/0/value", "/email"),
    ("/emails/0/primary", "/email"),
    ("/emails/0/type", "/email"),
    ("/name/given", "/firstName"),
    ("/name/family", "/lastName"),
    ("/office_ids", "/officeIds"),
    ("/language", "/userLocale"),
    ("/job_title", "/title"),
    ("/user_type", "/userType"),
    ("/global_profile_id", "/globalProfileId"),
    ("/federated_user", "/federatedUser"),
    ("/use_existing_user", "/useExistingUser"),
];

static UPDATE_POINTERS: &[(&str, &str)] = &[
    ("/id", "/userId"),
    ("/ldap_guid", "/ldapGuid"),
    ("/emails/0/value", "/email"),
    ("/emails/0/primary", "/email"),
    ("/emails/0/type", "/email"),
    ("/name/given", "/firstName"),
    ("/name/family", "/lastName"),
    ("/status", "/status"),
    ("/job_title", "/title"),
    ("/language", "/userLocale"),
    ("/user_type", "/userType"),
];

/// The dialect.
pub struct Primavera;

impl DialectSpec for Primavera {
    fn id(&self) -> Dialect {
        Dialect::Primavera
    }

    fn fields(&self, op: Op) -> &'static [Field] {
        match op {
            Op::Create => CREATE,
            Op::Update => UPDATE,
        }
    }

    fn check(&self, op: Op, input: &Value, report: &mut Report) {
        if op == Op::Update {
            // The user is found by one of the two unique keys.
            if input.get("userId").is_none_or(Value::is_null) && input.get("ldapGuid").is_none_or(Value::is_null) {
                report.push(
                    Violation::new("/userId", Code::Required)
                        .param("alternatives", serde_json::json!(["userId", "ldapGuid"])),
                );
            }
            // "A valid productName value must be provided to perform deletion."
            if let Some(Value::Array(items)) = input.get("userProducts") {
                for (i, item) in items.iter().enumerate() {
                    let deletes = item.get("action").and_then(Value::as_str) == Some("DELETE");
                    if deletes && item.get("productName").is_none_or(Value::is_null) {
                        report.push(Violation::new(format!("/userProducts/{i}/productName"), Code::Required));
                    }
                }
            }
        }
    }

    fn to_canonical(&self, op: Op, input: &Value) -> Result<canonical::User, Report> {
        let mut u = canonical::User::default();
        let (email, phone, mobile) = match op {
            Op::Create => {
                let w: CreateUser = deserialize(input)?;
                u.company_id = w.company_id;
                u.office_ids = w.office_ids.unwrap_or_default();
                u.name.given = w.first_name;
                u.name.family = w.last_name;
                u.language = locale(w.user_locale.as_deref());
                u.job_title = w.title;
                u.user_type = w.user_type;
                u.global_profile_id = w.global_profile_id;
                u.federated_user = w.federated_user;
                u.use_existing_user = w.use_existing_user;
                u.products = w
                    .product_names
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|n| product_name(n))
                    .map(|name| Product { name, product_id: None, user_product_id: None, remove: false })
                    .collect();
                (w.email, w.phone, w.mobile)
            }
            Op::Update => {
                let w: UpdateUser = deserialize(input)?;
                u.id = w.user_id;
                u.ldap_guid = w.ldap_guid;
                u.name.given = w.first_name;
                u.name.family = w.last_name;
                u.status = w.status.as_deref().and_then(|s| match s {
                    "ACTIVE" => Some(Status::Active),
                    "INACTIVE" => Some(Status::Inactive),
                    _ => None,
                });
                u.job_title = w.title;
                u.language = locale(w.user_locale.as_deref());
                u.user_type = w.user_type;
                u.products = w
                    .user_products
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| {
                        Some(Product {
                            name: product_name(p.product_name.as_deref()?)?,
                            product_id: p.product_id,
                            user_product_id: p.user_product_id,
                            remove: p.action.as_deref() == Some("DELETE"),
                        })
                    })
                    .collect();
                (w.email, w.phone, w.mobile)
            }
        };
        if let Some(e) = email.and_then(|e| EmailAddress::try_from(e).ok()) {
            u.set_email(e);
        }
        if let Some(p) = phone {
            u.push_phone(PhoneKind::Work, p);
        }
        if let Some(m) = mobile {
            u.push_phone(PhoneKind::Mobile, m);
        }
        Ok(u)
    }

    fn from_canonical(&self, op: Op, u: &canonical::User) -> Value {
        let email = u.primary_email().map(|e| e.value.to_string());
        let phone = u.phone(PhoneKind::Work).map(|p| p.value.clone());
        let mobile = u.phone(PhoneKind::Mobile).map(|p| p.value.clone());
        let user_locale = u.language.as_ref().and_then(wire_locale);
        let user_type = u.user_type.clone().filter(|t| USER_TYPES.contains(&t.as_str()));
        let body = match op {
            Op::Create => serde_json::to_value(CreateUser {
                company_id: u.company_id,
                email,
                first_name: u.name.given.clone(),
                last_name: u.name.family.clone(),
                office_ids: (!u.office_ids.is_empty()).then(|| u.office_ids.clone()),
                user_locale,
                mobile,
                phone,
                title: u.job_title.clone(),
                product_names: non_empty(
                    u.products
                        .iter()
                        .filter(|p| !p.remove && p.name != ProductName::Idea)
                        .map(|p| product_wire(p.name).to_owned())
                        .collect(),
                ),
                user_type,
                global_profile_id: u.global_profile_id.clone(),
                federated_user: u.federated_user,
                use_existing_user: u.use_existing_user,
            }),
            Op::Update => serde_json::to_value(UpdateUser {
                user_id: u.id,
                ldap_guid: u.ldap_guid.clone(),
                email,
                first_name: u.name.given.clone(),
                last_name: u.name.family.clone(),
                mobile,
                phone,
                status: u.status.map(|s| match s {
                    Status::Active => "ACTIVE".to_owned(),
                    Status::Inactive | Status::LockedOut | Status::Archived | Status::Suspended => {
                        "INACTIVE".to_owned()
                    }
                }),
                title: u.job_title.clone(),
                user_locale,
                user_products: non_empty(
                    u.products
                        .iter()
                        .map(|p| UserProductInput {
                            product_name: Some(product_wire(p.name).to_owned()),
                            product_id: p.product_id,
                            user_product_id: p.user_product_id,
                            action: p.remove.then(|| "DELETE".to_owned()),
                        })
                        .collect(),
                ),
                user_type,
            }),
        };
        body.unwrap_or(Value::Null)
    }

    fn canonical_pointer(&self, op: Op, wire: &str) -> Option<String> {
        match wire {
            "/phone" | "/mobile" => Some("/phones".into()),
            _ => unmap_pointer(if op == Op::Create { CREATE_POINTERS } else { UPDATE_POINTERS }, wire),
        }
    }

    fn wire_pointer(&self, op: Op, u: &canonical::User, canonical: &str) -> Option<String> {
        if let Some(i) = index_after(canonical, "/phones") {
            return match u.phones.get(i)?.kind {
                PhoneKind::Mobile => Some("/mobile".into()),
                _ => Some("/phone".into()),
            };
        }
        if let Some(i) = index_after(canonical, "/products") {
            return Some(match op {
                Op::Create => format!("/productNames/{i}"),
                Op::Update => {
                    let leaf = canonical.rsplit('/').next().unwrap_or_default();
                    let wire = match leaf {
                        "product_id" => "productId",
                        "user_product_id" => "userProductId",
                        "remove" => "action",
                        _ => "productName",
                    };
                    format!("/userProducts/{i}/{wire}")
                }
            });
        }
        map_pointer(if op == Op::Create { CREATE_POINTERS } else { UPDATE_POINTERS }, canonical)
    }
}

/// The read representation (`ApiEntityUser`) of a stored user: what `GET /user/{userId}` and
/// create's 201 answer. Status defaults to `ACTIVE` (a user nobody disabled can log in).
pub fn read(u: &canonical::User) -> User {
    User {
        user_id: u.id.unwrap_or_default(),
        ldap_guid: u.ldap_guid.clone(),
        company_id: u.company_id,
        email: u.primary_email().map(|e| e.value.to_string()),
        first_name: u.name.given.clone(),
        last_name: u.name.family.clone(),
        mobile: u.phone(PhoneKind::Mobile).map(|p| p.value.clone()),
        phone: u.phone(PhoneKind::Work).map(|p| p.value.clone()),
        status: Some(if u.status.is_none_or(|s| s == Status::Active) { "ACTIVE" } else { "INACTIVE" }.to_owned()),
        title: u.job_title.clone(),
        user_locale: u.language.as_ref().and_then(wire_locale),
        user_type: u.user_type.clone().filter(|t| USER_TYPES.contains(&t.as_str())),
        office_ids: u.office_ids.clone(),
        user_products: u
            .products
            .iter()
            .filter(|p| !p.remove)
            .map(|p| UserProduct {
                product_name: product_wire(p.name).to_owned(),
                product_id: p.product_id,
                user_product_id: p.user_product_id,
            })
            .collect(),
    }
}

/// Applies an update's `userProducts` delta to the current licences: `action: "DELETE"` removes
/// the licences of that product, any other entry adds the product or refreshes its ids.
pub fn apply_products(current: &[Product], delta: &[Product]) -> Vec<Product> {
    let mut out: Vec<Product> = current.iter().filter(|p| !p.remove).cloned().collect();
    for change in delta {
        if change.remove {
            out.retain(|p| p.name != change.name);
        } else if let Some(existing) = out.iter_mut().find(|p| p.name == change.name) {
            existing.product_id = change.product_id.or(existing.product_id);
            existing.user_product_id = change.user_product_id.or(existing.user_product_id);
        } else {
            out.push(Product { remove: false, ..change.clone() });
        }
    }
    out
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

fn locale(s: Option<&str>) -> Option<Locale> {
    Locale::parse(s?).ok()
}

/// Canonical `pt-BR` → `pt_BR`; a locale the vendor lacks falls back to its language (`en-GB` →
/// `en`) when that is one of the 12, which translation reports as narrowed.
fn wire_locale(l: &Locale) -> Option<String> {
    let exact = l.as_str().replace('-', "_");
    if LOCALES.contains(&exact.as_str()) {
        return Some(exact);
    }
    LOCALES.contains(&l.language()).then(|| l.language().to_owned())
}

fn product_name(s: &str) -> Option<ProductName> {
    serde_json::from_value(Value::String(s.to_owned())).ok()
}

fn product_wire(p: ProductName) -> &'static str {
    match p {
        ProductName::Idea => "IDEA",
        ProductName::Portfolio => "PORTFOLIO",
        ProductName::Progress => "PROGRESS",
        ProductName::Schedule => "SCHEDULE",
        ProductName::Tasks => "TASKS",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_follow_the_vendor_notation() {
        assert_eq!(field_name("/userProducts/0/action"), "userProducts[0].action");
        assert_eq!(field_name("/firstName"), "firstName");
    }

    #[test]
    fn read_shows_what_primavera_holds() {
        let u: canonical::User = serde_json::from_value(serde_json::json!({
            "id": 9, "username": "x", "status": "locked_out", "language": "zh-TW", "user_type": "ROBOT",
            "products": [{"name": "TASKS"}, {"name": "IDEA", "remove": true}],
        }))
        .unwrap_or_default();
        let r = read(&u);
        assert_eq!(r.user_id, 9);
        assert_eq!(r.status.as_deref(), Some("INACTIVE"));
        assert_eq!(r.user_locale.as_deref(), Some("zh_TW"));
        assert_eq!(r.user_type, None, "a type the vendor does not know is left out");
        assert_eq!(r.user_products.iter().map(|p| p.product_name.as_str()).collect::<Vec<_>>(), ["TASKS"]);
        assert_eq!(read(&canonical::User::default()).status.as_deref(), Some("ACTIVE"));
    }

    #[test]
    fn product_deltas_add_refresh_and_remove() {
        let p = |name, id: Option<i64>, remove| Product { name, product_id: id, user_product_id: None, remove };
        let current = [p(ProductName::Tasks, Some(1), false), p(ProductName::Schedule, None, false)];
        let out = apply_products(
            &current,
            &[
                p(ProductName::Schedule, None, true),
                p(ProductName::Tasks, Some(2), false),
                p(ProductName::Idea, None, false),
            ],
        );
        assert_eq!(out, vec![p(ProductName::Tasks, Some(2), false), p(ProductName::Idea, None, false)]);
        assert_eq!(apply_products(&current, &[p(ProductName::Portfolio, None, true)]), current.to_vec());
    }

    #[test]
    fn wire_locale_narrows_to_language() {
        let l = |s: &str| Locale::parse(s).ok().and_then(|l| wire_locale(&l));
        assert_eq!(l("pt_BR").as_deref(), Some("pt_BR"));
        assert_eq!(l("en-GB").as_deref(), Some("en"));
        assert_eq!(l("sv"), None);
    }
}
