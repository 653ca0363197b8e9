//! The canonical user: the union of what the five dialects can say (docs/dialects/README.md#field-matrix).
//!
//! Every dialect maps to and from this type; translation is `A → User → B`. Values that have a
//! format are newtypes that can only hold a valid value, so a `User` that exists is well-formed.
//! Everything is optional: which fields an operation requires is the dialect's business.

use crate::formats;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

macro_rules! checked_string {
    ($(#[$doc:meta])* $name:ident, $check:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidValue;
            fn try_from(s: String) -> Result<Self, InvalidValue> {
                let check: fn(&str) -> bool = $check;
                if check(&s) { Ok($name(s)) } else { Err(InvalidValue { what: $what }) }
            }
        }

        impl TryFrom<&str> for $name {
            type Error = InvalidValue;
            fn try_from(s: &str) -> Result<Self, InvalidValue> {
                $name::try_from(s.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// A value that failed its format check when building a canonical newtype.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {what}")]
pub struct InvalidValue {
    pub what: &'static str,
}

checked_string!(
    /// An email address (RFC 5321 dot-atom mailbox).
    EmailAddress,
    formats::is_email,
    "email address"
);
checked_string!(
    /// A locale or language tag, verbatim: SCIM types it as a plain string and identity providers
    /// send `en_US`, `en-US`, `zh-Hant-TW`. Dialects with a closed list check [`Locale::is_known`]
    /// and [`Locale::parse`] their own values (written with `-`, `pt-BR`).
    Locale,
    |_| true,
    "locale"
);
checked_string!(
    /// A time zone, verbatim: an IANA name (`Europe/Madrid`) is [`TimeZone::is_known`]; SCIM also
    /// stores what some HR sources send (`Pacific Standard Time`).
    TimeZone,
    |_| true,
    "IANA time zone"
);

impl Locale {
    /// A known locale (see [`formats::is_locale`]), `_` or `-` separated, normalized to `-`.
    pub fn parse(s: &str) -> Result<Locale, InvalidValue> {
        let s = s.replace('_', "-");
        if formats::is_locale(&s) { Ok(Locale(s)) } else { Err(InvalidValue { what: "locale" }) }
    }

    /// Any string, kept as given (SCIM `locale`, `preferredLanguage`).
    pub fn verbatim(s: impl Into<String>) -> Locale {
        Locale(s.into())
    }

    /// Whether this is a locale the closed-list dialects can know (`pt-BR`, `pt_BR`, `en`).
    pub fn is_known(&self) -> bool {
        formats::is_locale(&self.0)
    }

    /// Whether this is in the canonical form `/v1` accepts: known and written with `-`.
    pub fn is_canonical(&self) -> bool {
        self.is_known() && !self.0.contains('_')
    }

    /// The same locale written with `-` (`en_US` → `en-US`), for comparing two spellings.
    pub fn normalized(&self) -> String {
        self.0.replace('_', "-")
    }

    /// The language subtag (`pt` of `pt-BR` or `pt_BR`).
    pub fn language(&self) -> &str {
        self.0.split(['-', '_']).next().unwrap_or(&self.0)
    }
}

impl TimeZone {
    /// Any string, kept as given (SCIM `timezone`).
    pub fn verbatim(s: impl Into<String>) -> TimeZone {
        TimeZone(s.into())
    }

    /// Whether this is an IANA time-zone name (zone or link).
    pub fn is_known(&self) -> bool {
        formats::is_timezone(&self.0)
    }
}

/// A clear-text password on its way to being hashed or forwarded: never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn new(s: impl Into<String>) -> Self {
        Password(s.into())
    }
    /// The secret itself; call sites are easy to audit.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Account state. Dialects hold different subsets; translation reports the narrowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    /// Disabled by an administrator (learningcloud `enabled: false`, primavera `INACTIVE`,
    /// DeviceHive 2, publisher `disable`, SCIM `active: false`).
    Inactive,
    /// Locked after failed logins (DeviceHive 1).
    LockedOut,
    /// Publisher `archive`.
    Archived,
    /// Publisher `suspended`.
    Suspended,
}

/// DeviceHive's two roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Admin,
    Client,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Name {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle: Option<String>,
    /// "Dr" (publisher `name.title`, SCIM `honorificPrefix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_suffix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
}

impl Name {
    pub fn is_empty(&self) -> bool {
        *self == Name::default()
    }
}

/// One email address; single-address dialects take the primary one (else the first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Email {
    pub value: EmailAddress,
    /// SCIM `type` (`work`, `home`, `other`).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// SCIM `primary`: `Some(false)` is a client's explicit false, kept so it reads back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Work,
    Mobile,
    Home,
    Fax,
    Pager,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phone {
    pub value: String,
    #[serde(rename = "type")]
    pub kind: PhoneKind,
    /// SCIM `primary`: `Some(false)` is a client's explicit false, kept so it reads back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// A picture: a URL, or the bytes inline (base64) with their MIME type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Image {
    Url(String),
    Inline { base64: String, mime_type: String },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_id: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    /// SCIM address `type` (`work`, `home`).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// SCIM `primary` (the preferred mailing address): `Some(false)` is a client's explicit false, kept so it reads back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    Social,
    Custom,
    Messaging,
}

/// Publisher profile links (`sociallinks`, `customlinks`, `messaginglinks`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    #[serde(rename = "type")]
    pub kind: LinkKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProductName {
    Idea,
    Portfolio,
    Progress,
    Schedule,
    Tasks,
}

/// A primavera licence; `remove` is its update-time `action: "DELETE"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub name: ProductName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_product_id: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remove: bool,
}

/// A SCIM multi-valued attribute entry (`ims`, `photos`, `entitlements`, `roles`,
/// `x509Certificates`): kept whole so SCIM → SCIM loses nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiValue {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// SCIM `primary`: `Some(false)` is a client's explicit false, kept so it reads back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manager {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// SCIM `$ref`: the URI of the manager's own resource.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Secretary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailAddress>,
}

/// The canonical user (serialized in snake_case: this is also the `/v1` wire format).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    // --- identity -------------------------------------------------------------------------------
    /// Numeric id (publisher `id`, primavera `userId`, DeviceHive `id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// 32-hex id (learningcloud `id`, SCIM `id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Primavera `ldapGuid`: the id in LDAP/IDCS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ldap_guid: Option<String>,
    /// Where credentials are checked (learningcloud `authSource`, publisher `sourcetype`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_source: Option<String>,
    /// learningcloud `username`, DeviceHive `login`, SCIM `userName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Writes only; never returned by a read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Password>,

    // --- person ---------------------------------------------------------------------------------
    #[serde(default, skip_serializing_if = "Name::is_empty")]
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<Email>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
    /// Preferred language (learningcloud `language`, primavera `userLocale`, SCIM `preferredLanguage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Locale>,
    /// SCIM `locale` (formatting region), distinct from the language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Locale>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<TimeZone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,

    // --- work -----------------------------------------------------------------------------------
    /// Job title (publisher `jobtitle`, primavera `title`, SCIM `title`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// Primavera `userType`, SCIM `userType`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    /// learningcloud roles: section → roles.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, Vec<String>>,
    /// DeviceHive role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// Primavera `companyId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<i64>,
    /// Primavera `officeIds`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub office_ids: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<Manager>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secretary: Option<Secretary>,

    // --- places and profile ---------------------------------------------------------------------
    /// Structured postal addresses (publisher `location`, SCIM `addresses`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// Free-text location (learningcloud `location`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// learningcloud `aboutMe`, publisher `bio`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bio: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interests: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialities: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,

    // --- SCIM multi-valued attributes kept whole ------------------------------------------------
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ims: Vec<MultiValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<MultiValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entitlements: Vec<MultiValue>,
    /// SCIM `roles` (free strings), distinct from learningcloud's section map.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scim_roles: Vec<MultiValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub x509_certificates: Vec<MultiValue>,

    // --- free-form data -------------------------------------------------------------------------
    /// learningcloud `extendedFields`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extended_fields: BTreeMap<String, Value>,
    /// learningcloud `extra` (undocumented object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<Value>,
    /// DeviceHive `data` (any JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,

    // --- products and flags ---------------------------------------------------------------------
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<Product>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_profile_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub federated_user: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro_reviewed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_device_types_available: Option<bool>,
}

impl User {
    /// The address single-email dialects carry: the primary, else the first.
    pub fn primary_email(&self) -> Option<&Email> {
        self.emails.iter().find(|e| e.primary == Some(true)).or_else(|| self.emails.first())
    }

    /// The index of [`User::primary_email`] in `emails`.
    pub fn primary_email_index(&self) -> Option<usize> {
        self.emails.iter().position(|e| e.primary == Some(true)).or(if self.emails.is_empty() { None } else { Some(0) })
    }

    /// The first phone of a kind.
    pub fn phone(&self, kind: PhoneKind) -> Option<&Phone> {
        self.phones.iter().find(|p| p.kind == kind)
    }

    /// Sets the single address of a single-email dialect as the primary.
    pub fn set_email(&mut self, value: EmailAddress) {
        self.emails.push(Email { value, kind: None, primary: Some(true) });
    }

    pub fn push_phone(&mut self, kind: PhoneKind, value: String) {
        self.phones.push(Phone { value, kind, primary: None });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newtypes_refuse_bad_values() {
        assert!(EmailAddress::try_from("x@y.org").is_ok());
        assert!(EmailAddress::try_from("nope").is_err());
        assert!(TimeZone::verbatim("Europe/Madrid").is_known());
        assert!(!TimeZone::verbatim("Pacific Standard Time").is_known());
        assert_eq!(Locale::parse("pt_BR").map(|l| l.as_str().to_owned()), Ok("pt-BR".into()));
        assert!(Locale::parse("xx_YY").is_err());
    }

    #[test]
    fn locales_and_time_zones_are_kept_verbatim() {
        for s in ["en_US", "en-US", "zh-Hant-TW", "klingon", ""] {
            let u: User = serde_json::from_value(serde_json::json!({"locale": s, "language": s})).unwrap_or_default();
            assert_eq!(u.locale.as_ref().map(Locale::as_str), Some(s));
            assert_eq!(u.language.as_ref().map(Locale::as_str), Some(s));
        }
        assert!(Locale::verbatim("pt_BR").is_known() && !Locale::verbatim("pt_BR").is_canonical());
        assert!(Locale::verbatim("pt-BR").is_canonical());
        assert!(!Locale::verbatim("klingon").is_known());
        assert_eq!(Locale::verbatim("zh_Hant_TW").language(), "zh");
        assert_eq!(Locale::verbatim("en_US").normalized(), "en-US");
        let u: User =
            serde_json::from_value(serde_json::json!({"timezone": "Pacific Standard Time"})).unwrap_or_default();
        assert_eq!(u.timezone.as_ref().map(TimeZone::as_str), Some("Pacific Standard Time"));
    }

    #[test]
    fn deserializing_checks_formats() {
        let bad: Result<User, _> = serde_json::from_str(r#"{"emails":[{"value":"nope"}]}"#);
        assert!(bad.is_err());
        let good: Result<User, _> = serde_json::from_str(r#"{"emails":[{"value":"a@b.co"}],"timezone":"UTC"}"#);
        let explicit: Result<User, _> = serde_json::from_str(r#"{"emails":[{"value":"a@b.co","primary":false}]}"#);
        assert_eq!(explicit.ok().map(|u| u.emails[0].primary), Some(Some(false)), "an explicit false is held");
        assert!(good.is_ok());
    }

    #[test]
    fn password_is_never_printed() {
        let u = User { password: Some(Password::new("hunter22")), ..User::default() };
        assert!(!format!("{u:?}").contains("hunter22"));
    }

    #[test]
    fn empty_user_serializes_to_empty_object() {
        assert_eq!(serde_json::to_string(&User::default()).ok().as_deref(), Some("{}"));
    }
}
