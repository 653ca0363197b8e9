//! Primavera: the project-portfolio cloud's user API (docs/dialects/primavera.md).
//!
//! * create: `POST /api/restapi/user`, body [`CREATE`] (`ApiEntityUserInput`) → 201 + [`User`]
//! * update: `PUT /api/restapi/user`, body [`UPDATE`] (`ApiEntityApplicationUserInput`) → 204;
//!   the user is found by `userId`, else `ldapGuid` (there is no id in the path)
//! * view: `GET /api/restapi/user/{userId}` → 200 + [`User`]
//!
//! Create and update have **different limits** (email 255 vs 320, names 150 vs 100, phones 20 vs
//! 100, title 200 vs 25) and only update knows the `IDEA` product; the tables keep them apart.

use crate::canonical::{self, Locale, PhoneKind, Product, ProductName, Status};
use crate::dialect::{DialectSpec, Op};
use crate::dialects::index_after;
use crate::fields::{Field, Format};
use crate::mapping::{Codec, Lit, LocaleStyle, Slot};
use crate::merge::Mode;
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
                    message: v.message.to_string(),
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

/// `status` on update: everything that is not active is `INACTIVE` (inactive users cannot log in).
static STATUS: &[(Lit, &str)] = &[
    (Lit::Str("ACTIVE"), "active"),
    (Lit::Str("INACTIVE"), "inactive"),
    (Lit::Str("INACTIVE"), "locked_out"),
    (Lit::Str("INACTIVE"), "archived"),
    (Lit::Str("INACTIVE"), "suspended"),
];

/// [`USER_TYPES`] as a closed enumeration: a type the vendor does not know is not written.
static USER_TYPE: &[(Lit, &str)] = &[
    (Lit::Str("USER"), "USER"),
    (Lit::Str("COMPANY_RESTRICTED"), "COMPANY_RESTRICTED"),
    (Lit::Str("APPLICATION_ADMIN"), "APPLICATION_ADMIN"),
    (Lit::Str("IDEA_SUBMITTER"), "IDEA_SUBMITTER"),
];

/// `userLocale`: canonical `pt-BR` is `pt_BR`; a locale the vendor lacks falls back to its
/// language (`en-GB` → `en`) when that is one of the 12, which translation reports as narrowed.
const LOCALE: Codec = Codec::Locale(LocaleStyle::OneOf(LOCALES));

/// `POST /api/restapi/user` (`ApiEntityUserInput`).
pub static CREATE: &[Field] = &[
    // The company the user belongs to.
    Field::integer("/companyId", "company_id").required().to(Slot::CompanyId),
    Field::string("/email", "email").required().max(255).format(Format::Email).to_via(Slot::Emails, Codec::Email),
    Field::string("/firstName", "given_name").required().min(1).max(150).to(Slot::GivenName),
    Field::string("/lastName", "family_name").required().min(1).max(150).to(Slot::FamilyName),
    // The offices the user works in.
    Field::array("/officeIds", "office_ids").required().to(Slot::OfficeIds),
    Field::integer("/officeIds/*", "office_id"),
    Field::string("/userLocale", "language").required().allowed(LOCALES).to_via(Slot::Language, LOCALE),
    Field::string("/mobile", "mobile_phone").max(20).to_via(Slot::Phones, Codec::Phone(PhoneKind::Mobile)),
    Field::string("/phone", "work_phone").max(20).to_via(Slot::Phones, Codec::Phone(PhoneKind::Work)),
    // Job title.
    Field::string("/title", "job_title").max(200).to(Slot::JobTitle),
    // Licences to grant: `products_rule`.
    Field::array("/productNames", "products"),
    Field::string("/productNames/*", "product").allowed(CREATE_PRODUCTS),
    Field::string("/userType", "user_type").allowed(USER_TYPES).to_via(Slot::UserType, Codec::Enum(USER_TYPE)),
    // Global permission profile.
    Field::string("/globalProfileId", "global_profile_id").to(Slot::GlobalProfileId),
    // Default false.
    Field::boolean("/federatedUser", "federated_user").to(Slot::FederatedUser),
    // Default true: a request option, not user data ([`reuses_existing_user`]).
    Field::boolean("/useExistingUser", "use_existing_user").option(),
];

/// `PUT /api/restapi/user` (`ApiEntityApplicationUserInput`): the user is found by `userId`,
/// else `ldapGuid`; absent optional fields keep their value.
pub static UPDATE: &[Field] = &[
    Field::integer("/userId", "id").to(Slot::Id),
    // The id in LDAP/IDCS.
    Field::string("/ldapGuid", "ldap_guid").min(1).max(255).to(Slot::LdapGuid),
    Field::string("/email", "email").required().max(320).format(Format::Email).to_via(Slot::Emails, Codec::Email),
    Field::string("/firstName", "given_name").required().min(1).max(100).to(Slot::GivenName),
    Field::string("/lastName", "family_name").required().min(1).max(100).to(Slot::FamilyName),
    Field::string("/mobile", "mobile_phone").max(100).to_via(Slot::Phones, Codec::Phone(PhoneKind::Mobile)),
    Field::string("/phone", "work_phone").max(100).to_via(Slot::Phones, Codec::Phone(PhoneKind::Work)),
    Field::string("/status", "status").max(20).allowed(STATUSES).to_via(Slot::Status, Codec::Enum(STATUS)),
    Field::string("/title", "job_title").max(25).to(Slot::JobTitle),
    Field::string("/userLocale", "language").allowed(LOCALES).to_via(Slot::Language, LOCALE),
    // The licence delta: `products_rule`.
    Field::array("/userProducts", "products"),
    Field::object("/userProducts/*", "product"),
    Field::string("/userProducts/*/productName", "product").allowed(UPDATE_PRODUCTS),
    Field::integer("/userProducts/*/productId", "product_id"),
    Field::integer("/userProducts/*/userProductId", "user_product_id"),
    Field::string("/userProducts/*/action", "product_action").allowed(&["DELETE"]),
    Field::string("/userType", "user_type").allowed(USER_TYPES).to_via(Slot::UserType, Codec::Enum(USER_TYPE)),
];

/// Whether a create body asks to answer the existing user when its email is taken (the vendor's
/// default) rather than fail. A request option: it is read from the body, never stored.
pub fn reuses_existing_user(create: &Value) -> bool {
    create.get("useExistingUser") != Some(&Value::Bool(false))
}

/// The dialect.
pub struct Primavera;

impl DialectSpec for Primavera {
    fn name(&self) -> &'static str {
        "primavera"
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

    /// Licences: create grants `productNames`; update's `userProducts` is a delta whose
    /// `action: "DELETE"` removes one ([`apply_products`]).
    fn read_rules(&self, op: Op, body: &Value, u: &mut canonical::User) {
        let items = match op {
            Op::Create => body.get("productNames"),
            Op::Update => body.get("userProducts"),
        };
        let Some(Value::Array(items)) = items else { return };
        u.products = items
            .iter()
            .filter_map(|item| match op {
                Op::Create => Some(Product {
                    name: product_name(item.as_str()?)?,
                    product_id: None,
                    user_product_id: None,
                    remove: false,
                }),
                Op::Update => Some(Product {
                    name: product_name(item.get("productName")?.as_str()?)?,
                    product_id: item.get("productId").and_then(Value::as_i64),
                    user_product_id: item.get("userProductId").and_then(Value::as_i64),
                    remove: item.get("action").and_then(Value::as_str) == Some("DELETE"),
                }),
            })
            .collect();
    }

    /// Create cannot grant `IDEA` nor remove a licence; update says both.
    fn write_rules(&self, op: Op, u: &canonical::User, body: &mut Value) {
        let products: Vec<Value> = match op {
            Op::Create => u
                .products
                .iter()
                .filter(|p| !p.remove && p.name != ProductName::Idea)
                .map(|p| Value::from(product_wire(p.name)))
                .collect(),
            Op::Update => u
                .products
                .iter()
                .map(|p| {
                    let mut item = serde_json::Map::new();
                    item.insert("productName".into(), Value::from(product_wire(p.name)));
                    if let Some(id) = p.product_id {
                        item.insert("productId".into(), Value::from(id));
                    }
                    if let Some(id) = p.user_product_id {
                        item.insert("userProductId".into(), Value::from(id));
                    }
                    if p.remove {
                        item.insert("action".into(), Value::from("DELETE"));
                    }
                    Value::Object(item)
                })
                .collect(),
        };
        if let (Value::Object(body), false) = (body, products.is_empty()) {
            let key = if op == Op::Create { "productNames" } else { "userProducts" };
            body.insert(key.into(), Value::Array(products));
        }
    }

    /// What `write_rules` then `read_rules` keep, typed: create's names only, without `IDEA`
    /// or removals; update's whole delta.
    fn view_rules(&self, op: Op, u: &canonical::User, kept: &mut canonical::User) {
        let products: Vec<Product> = match op {
            Op::Create => u
                .products
                .iter()
                .filter(|p| !p.remove && p.name != ProductName::Idea)
                .map(|p| Product { name: p.name, product_id: None, user_product_id: None, remove: false })
                .collect(),
            Op::Update => u.products.clone(),
        };
        if !products.is_empty() {
            kept.products = products;
        }
    }

    /// Absent fields keep their value.
    fn update_mode(&self) -> Mode {
        Mode::Overlay
    }

    /// `userProducts` is a delta over the current licences.
    fn update_rules(
        &self,
        stored: &canonical::User,
        incoming: &canonical::User,
        _: &Value,
        next: &mut canonical::User,
    ) {
        if !incoming.products.is_empty() {
            next.products = apply_products(&stored.products, &incoming.products);
        }
    }

    fn wire_pointer_rules(&self, op: Op, _u: &canonical::User, canonical: &str) -> Option<String> {
        let i = index_after(canonical, "/products")?;
        Some(match op {
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
        })
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

/// The vendor's spelling of a held language ([`LOCALE`]).
fn wire_locale(l: &Locale) -> Option<String> {
    LocaleStyle::OneOf(LOCALES).spell(l)
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
