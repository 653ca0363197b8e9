//! The canonical half of a field row: where a wire field lives in the canonical user, and how
//! its value is converted on the way.
//!
//! A dialect declares each field once, as a [`Field`] row. The rows that carry a [`Canon`] drive
//! four things that used to be written by hand in every dialect module:
//!
//! * [`to_canonical`]: a (valid) body read into the canonical user;
//! * [`from_canonical`]: the canonical user written as a body;
//! * [`wire_pointer`] / [`canonical_pointer`]: a pointer in one translated into the other (the
//!   `lost` list, a proxy's upstream errors).
//!
//! What a row cannot say (learningcloud's role sections, primavera's licence delta, publisher's
//! links, SCIM's multi-valued attributes) stays as code in the dialect module, in
//! [`crate::DialectSpec::read_rules`] / [`crate::DialectSpec::write_rules`], named after the
//! vendor rule it implements.
//!
//! The canonical side is a [`Slot`]: a typed place in [`User`], read and written directly (no
//! detour through the user's JSON form), with the RFC 6901 pointer that names the same place in
//! that JSON form (`/name/given`, `/organization/id`, `/addresses/0/line1`) for loss reports and
//! pointer mapping. `slots_are_where_their_pointers_say` in this module's tests proves that each
//! slot's pointer and accessors agree with [`User`]'s serialized layout.

use crate::canonical::{
    Access, Address, EmailAddress, Image, Locale, Manager, Organization, Password, PhoneKind, Secretary, Status,
    TimeZone, User,
};
use crate::fields::Field;
use crate::formats;
use crate::report::Text;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Where a wire field lives in the canonical user, and the conversion on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Canon {
    /// The place in the canonical user. For [`Codec::Email`] it is [`Slot::Emails`], for
    /// [`Codec::Phone`] [`Slot::Phones`]: the list the single wire value is one element of.
    pub slot: Slot,
    pub codec: Codec,
}

impl Canon {
    pub const fn new(slot: Slot, codec: Codec) -> Self {
        Canon { slot, codec }
    }

    /// The slot's pointer into the canonical user's JSON form.
    pub const fn pointer(self) -> &'static str {
        self.slot.pointer()
    }
}

/// A wire literal in an enumeration: DeviceHive counts, learningcloud says yes or no, the others
/// spell words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lit {
    Str(&'static str),
    Int(i64),
    Bool(bool),
}

impl Lit {
    fn matches(self, v: &Value) -> bool {
        match self {
            Lit::Str(s) => v.as_str() == Some(s),
            Lit::Int(i) => v.as_i64() == Some(i),
            Lit::Bool(b) => v.as_bool() == Some(b),
        }
    }

    fn to_value(self) -> Value {
        match self {
            Lit::Str(s) => Value::from(s),
            Lit::Int(i) => Value::from(i),
            Lit::Bool(b) => Value::from(b),
        }
    }
}

/// A yes-or-no `active` flag (learningcloud `enabled`, SCIM `active`): every status but active
/// is a no.
pub static ACTIVE: &[(Lit, &str)] = &[
    (Lit::Bool(true), "active"),
    (Lit::Bool(false), "inactive"),
    (Lit::Bool(false), "locked_out"),
    (Lit::Bool(false), "archived"),
    (Lit::Bool(false), "suspended"),
];

/// How a wire value becomes its canonical value and back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// The value as it is.
    Same,
    /// A string whose empty value means "not given" (a DeviceHive update's empty password, a
    /// read record's empty username).
    NonEmpty,
    /// An enumeration: `(wire, canonical)` pairs. Reading takes the first pair whose wire
    /// literal matches; writing the first whose canonical value matches, so listing several
    /// canonical values for one literal narrows them (translation reports it).
    Enum(&'static [(Lit, &'static str)]),
    /// The dialect's single email address: the canonical user's primary address.
    Email,
    /// The dialect's single phone of a kind: the canonical user's first phone of that kind.
    Phone(PhoneKind),
    /// A language or locale, read with [`Locale::parse`] (an unknown one is dropped) and written
    /// in the dialect's style.
    Locale(LocaleStyle),
    /// An IANA time zone; one the table does not know is dropped.
    TimeZone,
    /// An email address held in a single canonical field (publisher's secretary).
    EmailAddress,
    /// Mapped by the dialect's rules (a multi-valued attribute whose entries change shape); the
    /// row still names the canonical home, for pointers.
    Rule,
}

/// How a dialect spells a locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocaleStyle {
    /// The bare language (`pt-BR` narrows to `pt`): learningcloud.
    Language,
    /// One of a closed list in underscore spelling (`pt_BR`), else its language when listed:
    /// primavera's twelve `userLocale` codes.
    OneOf(&'static [&'static str]),
    /// As held: SCIM.
    AsIs,
}

impl LocaleStyle {
    /// The dialect's spelling of a held locale (`None`: it has none).
    pub fn spell(self, l: &Locale) -> Option<String> {
        match self {
            LocaleStyle::AsIs => Some(l.as_str().to_owned()),
            LocaleStyle::Language => l.is_known().then(|| l.language().to_owned()),
            LocaleStyle::OneOf(list) => {
                let exact = l.as_str().replace('-', "_");
                if list.contains(&exact.as_str()) {
                    return Some(exact);
                }
                list.contains(&l.language()).then(|| l.language().to_owned())
            }
        }
    }
}

impl Codec {
    /// The canonical value of a present, non-null wire value (`None`: nothing to hold). Email and
    /// phone rows add to a list instead ([`to_canonical`]).
    fn read(self, wire: &Value) -> Option<Value> {
        match self {
            Codec::Same => Some(wire.clone()),
            Codec::NonEmpty => wire.as_str().filter(|s| !s.is_empty()).map(Value::from),
            Codec::Enum(pairs) => pairs.iter().find(|(w, _)| w.matches(wire)).map(|(_, c)| Value::from(*c)),
            Codec::Locale(_) => Locale::parse(wire.as_str()?).ok().map(|l| Value::from(String::from(l))),
            Codec::TimeZone => Some(wire.as_str()?).filter(|s| formats::is_timezone(s)).map(Value::from),
            Codec::EmailAddress => EmailAddress::try_from(wire.as_str()?).ok().map(|e| Value::from(String::from(e))),
            Codec::Email | Codec::Phone(_) | Codec::Rule => None,
        }
    }

    /// The wire value of a held canonical value (`None`: the dialect cannot say it).
    fn write(self, held: Value) -> Option<Value> {
        match self {
            Codec::Same | Codec::NonEmpty | Codec::EmailAddress => Some(held),
            Codec::Enum(pairs) => pairs.iter().find(|(_, c)| held.as_str() == Some(c)).map(|(w, _)| w.to_value()),
            Codec::Locale(style) => style.spell(&Locale::verbatim(held.as_str()?)).map(Value::from),
            Codec::TimeZone => Some(held).filter(|h| h.as_str().is_some_and(formats::is_timezone)),
            Codec::Email | Codec::Phone(_) | Codec::Rule => None,
        }
    }
}

/// The rows of a table that have a canonical home. Per-element patterns (`/items/*`) never have
/// one: an array row carries its elements (`rows_use_slots_their_codecs_can_hold` checks it).
fn mapped(rows: &[Field]) -> impl Iterator<Item = (&Field, Canon)> {
    rows.iter().filter_map(|f| f.to.map(|c| (f, c)))
}

/// The reference tokens of a pointer (`/a/b` → `a`, `b`; escapes left as they are), found byte by
/// byte: `split('/')` calls `memchr` per token, which costs more than these short pointers.
pub(crate) fn tokens(pointer: &str) -> impl Iterator<Item = &str> {
    let mut rest = pointer.strip_prefix('/');
    std::iter::from_fn(move || {
        let r = rest?;
        match r.bytes().position(|b| b == b'/') {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// The value at a field's wire pointer (no escapes: wire pointers are plain names).
fn at<'a>(body: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut v = body;
    for token in tokens(pointer) {
        v = crate::fields::member(v.as_object()?, token)?;
    }
    Some(v)
}

/// Reads a body (already validated and prepared) into the canonical user, row by row, straight
/// into its typed places. The dialect's [`crate::DialectSpec::read_rules`] finish the job.
pub fn to_canonical(rows: &[Field], body: &Value) -> User {
    let mut user = User::default();
    for (field, canon) in mapped(rows) {
        let Some(wire) = at(body, field.pointer).filter(|v| !v.is_null()) else { continue };
        match canon.codec {
            // Several rows add to one list (office and mobile phone).
            Codec::Email => {
                if let Some(address) = wire.as_str().and_then(|s| EmailAddress::try_from(s).ok()) {
                    user.set_email(address);
                }
            }
            Codec::Phone(kind) => {
                if let Some(number) = wire.as_str() {
                    user.push_phone(kind, number.to_owned());
                }
            }
            codec => {
                if let Some(value) = codec.read(wire) {
                    canon.slot.put(&mut user, value);
                }
            }
        }
    }
    user
}

/// What a dialect's rows keep of a user: each row's value written and read back, without
/// building the body ([`crate::DialectSpec::view`] adds the rules).
pub fn view(rows: &[Field], user: &User) -> User {
    let mut kept = User::default();
    for (_, canon) in mapped(rows) {
        match canon.codec {
            Codec::Email => {
                if let Some(email) = user.primary_email() {
                    kept.set_email(email.value.clone());
                }
            }
            Codec::Phone(kind) => {
                if let Some(phone) = user.phone(kind) {
                    kept.push_phone(kind, phone.value.clone());
                }
            }
            Codec::Rule => {}
            // Written as held and read back as written: the held value itself, copied as it is
            // typed for `Same`; a `NonEmpty` row reads the empty string as nothing.
            Codec::Same => canon.slot.copy(user, &mut kept),
            Codec::NonEmpty => match canon.slot.text(user) {
                Some(held) => {
                    if held.is_some_and(|s| !s.is_empty()) {
                        canon.slot.copy(user, &mut kept);
                    }
                }
                None => {
                    if let Some(held) = canon.slot.get(user).filter(|h| h.as_str().is_some_and(|s| !s.is_empty())) {
                        canon.slot.put(&mut kept, held);
                    }
                }
            },
            // Written as the pair's wire literal and read back as the first pair with that
            // literal: the canonical names are the dialect's own, so nothing is allocated.
            Codec::Enum(pairs) if let Some(held) = canon.slot.text(user) => {
                if let Some(name) = held.and_then(|held| enum_round_trip(pairs, held)) {
                    canon.slot.hold_static(&mut kept, name);
                }
            }
            // Written and read back if the table knows it: one lookup, not one each way.
            Codec::TimeZone => {
                if let Some(held) = canon.slot.get(user).and_then(|held| Codec::TimeZone.write(held)) {
                    canon.slot.put(&mut kept, held);
                }
            }
            codec => {
                let wire = canon.slot.get(user).and_then(|held| codec.write(held)).filter(|w| !w.is_null());
                if let Some(value) = wire.and_then(|w| codec.read(&w)) {
                    canon.slot.put(&mut kept, value);
                }
            }
        }
    }
    kept
}

/// The canonical name an enumeration row reads back for a held name: the first pair whose
/// literal is the one written for it (`None`: the dialect cannot say it).
fn enum_round_trip(pairs: &[(Lit, &'static str)], held: &str) -> Option<&'static str> {
    let (wire, _) = pairs.iter().find(|(_, c)| *c == held)?;
    pairs.iter().find(|(w, _)| w == wire).map(|(_, c)| *c)
}

/// Writes the canonical user as a body, row by row; what no row holds is left out (and found by
/// [`crate::translate`]).
pub fn from_canonical(rows: &[Field], user: &User) -> Value {
    let mut body = Value::Object(Map::new());
    for (field, canon) in mapped(rows) {
        let value = match canon.codec {
            Codec::Email => user.primary_email().map(|e| Value::from(e.value.as_str())),
            Codec::Phone(kind) => user.phone(kind).map(|p| Value::from(p.value.as_str())),
            Codec::Rule => None,
            Codec::Enum(pairs) if let Some(held) = canon.slot.text(user) => {
                held.and_then(|held| pairs.iter().find(|(_, c)| *c == held)).map(|(w, _)| w.to_value())
            }
            codec => canon.slot.get(user).and_then(|held| codec.write(held)),
        };
        let Some(value) = value else { continue };
        // A top-level member (most are): one search of the body, not a walk to a place.
        if let Some(key) = field.pointer.strip_prefix('/').filter(|k| !k.bytes().any(|b| b == b'/' || b == b'~'))
            && let Value::Object(map) = &mut body
        {
            map.insert(key.to_owned(), value);
        } else if let Some(place) = slot(&mut body, field.pointer) {
            *place = value;
        }
    }
    body
}

/// The wire pointer of a canonical pointer, through the rows: the row with the longest canonical
/// prefix wins and the rest of the pointer is appended. Emails and phones are placed by value:
/// any address is the dialect's one `email`; a phone goes to the row of its kind (else the work
/// phone's row).
pub fn wire_pointer(rows: &[Field], user: &User, canonical: &str) -> Option<Text> {
    Homes::of(rows).wire_pointer(user, canonical)
}

/// The rows of a table that have a canonical home, gathered once: a translation asks for the
/// wire pointer of every lost leaf, and a walk over a whole table (SCIM's 81 rows, most of them
/// without a home) per leaf was a fifth of a SCIM translation.
///
/// Each row's canonical pointer is looked up once here too: stored on the rows themselves it cost
/// the element's tables 8 bytes a row.
pub struct Homes<'r>(Vec<(&'r Field, Canon, &'static str)>);

impl<'r> Homes<'r> {
    pub fn of(rows: &'r [Field]) -> Self {
        // Sized once: a filter has no length to size the vector by, and grew it three times.
        let mut homes = Vec::with_capacity(rows.len());
        homes.extend(mapped(rows).map(|(field, canon)| (field, canon, canon.pointer())));
        Homes(homes)
    }

    /// [`wire_pointer`] through these rows.
    pub fn wire_pointer(&self, user: &User, canonical: &str) -> Option<Text> {
        let mapped = || self.0.iter().map(|&(field, canon, _)| (field, canon));
        if canonical.starts_with("/phones/")
            && let Some(i) = crate::dialects::index_after(canonical, "/phones")
        {
            let mut phones = mapped().filter(|(_, c)| matches!(c.codec, Codec::Phone(_)));
            if let Some(first) = phones.clone().next() {
                let kind = user.phones.get(i)?.kind;
                let row = phones
                    .clone()
                    .find(|(_, c)| c.codec == Codec::Phone(kind))
                    .or_else(|| phones.find(|(_, c)| c.codec == Codec::Phone(PhoneKind::Work)))
                    .unwrap_or(first);
                return Some(row.0.pointer.into());
            }
        }
        self.longest_home(canonical)
    }

    /// The row whose canonical home is the longest prefix of `canonical`, and the rest of the
    /// pointer appended to its wire pointer.
    fn longest_home(&self, canonical: &str) -> Option<Text> {
        // Compare bytes, and build the answer once.
        let mut best: Option<(&Field, usize)> = None;
        for &(field, canon, home) in &self.0 {
            let home = home.as_bytes();
            // The byte after the leading `/` tells most rows apart without a `memcmp` call.
            let fits = home.get(1) == canonical.as_bytes().get(1)
                && canonical.as_bytes().get(..home.len()).is_some_and(|prefix| crate::fields::same_bytes(prefix, home))
                && canonical.as_bytes().get(home.len()).is_none_or(|&next| next == b'/');
            if !fits {
                continue;
            }
            if matches!(canon.codec, Codec::Email | Codec::Phone(_)) {
                return Some(field.pointer.into());
            }
            if best.is_none_or(|(_, len)| home.len() > len) {
                best = Some((field, home.len()));
            }
        }
        best.map(|(f, len)| {
            // The row's own field (most losses): its pointer as declared, borrowed.
            if len == canonical.len() {
                return Text::from(f.pointer);
            }
            let mut wire = String::with_capacity(f.pointer.len() + canonical.len() - len);
            wire.push_str(f.pointer);
            wire.push_str(&canonical[len..]);
            wire.into()
        })
    }
}

/// The canonical pointer a wire pointer names: the inverse of [`wire_pointer`] for fields whose
/// place does not depend on values. A single email is the first address's value; a phone names
/// the phone list.
pub fn canonical_pointer(rows: &[Field], wire: &str) -> Option<String> {
    let mut best: Option<(&Field, Canon)> = None;
    for (field, canon) in mapped(rows) {
        let fits = wire == field.pointer || wire.strip_prefix(field.pointer).is_some_and(|rest| rest.starts_with('/'));
        if fits && best.is_none_or(|(b, _)| field.pointer.len() > b.pointer.len()) {
            best = Some((field, canon));
        }
    }
    let (field, canon) = best?;
    Some(match canon.codec {
        Codec::Email => "/emails/0/value".to_owned(),
        Codec::Phone(_) => "/phones".to_owned(),
        _ => format!("{}{}", canon.pointer(), &wire[field.pointer.len()..]),
    })
}

/// A place in the canonical user that a row can name. Each has the pointer of the same place in
/// the user's JSON form ([`Slot::pointer`]), and typed accessors ([`Slot::get`], [`Slot::put`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Id,
    Uid,
    ExternalId,
    LdapGuid,
    AuthSource,
    Username,
    Password,
    GivenName,
    FamilyName,
    MiddleName,
    HonorificPrefix,
    HonorificSuffix,
    FormattedName,
    DisplayName,
    NickName,
    ProfileUrl,
    Emails,
    Phones,
    Language,
    Locale,
    TimeZone,
    Status,
    ImageUrl,
    ImageData,
    ImageMimeType,
    JobTitle,
    UserType,
    Roles,
    Access,
    OrganizationName,
    OrganizationId,
    OrganizationAddressId,
    CompanyId,
    OfficeIds,
    Department,
    Division,
    CostCenter,
    EmployeeNumber,
    ManagerId,
    ManagerRef,
    ManagerName,
    SecretaryName,
    SecretaryEmail,
    Addresses,
    /// The first address's parts: a single-address dialect's address.
    AddressLine1,
    AddressLine2,
    AddressLocality,
    AddressPostalCode,
    AddressCountry,
    Location,
    Bio,
    Interests,
    Specialities,
    Links,
    Ims,
    Photos,
    Entitlements,
    ScimRoles,
    X509Certificates,
    ExtendedFields,
    Extra,
    Data,
    Products,
    GlobalProfileId,
    FederatedUser,
    IntroReviewed,
    AllDeviceTypesAvailable,
}

impl Slot {
    pub const ALL: [Slot; 67] = [
        Slot::Id,
        Slot::Uid,
        Slot::ExternalId,
        Slot::LdapGuid,
        Slot::AuthSource,
        Slot::Username,
        Slot::Password,
        Slot::GivenName,
        Slot::FamilyName,
        Slot::MiddleName,
        Slot::HonorificPrefix,
        Slot::HonorificSuffix,
        Slot::FormattedName,
        Slot::DisplayName,
        Slot::NickName,
        Slot::ProfileUrl,
        Slot::Emails,
        Slot::Phones,
        Slot::Language,
        Slot::Locale,
        Slot::TimeZone,
        Slot::Status,
        Slot::ImageUrl,
        Slot::ImageData,
        Slot::ImageMimeType,
        Slot::JobTitle,
        Slot::UserType,
        Slot::Roles,
        Slot::Access,
        Slot::OrganizationName,
        Slot::OrganizationId,
        Slot::OrganizationAddressId,
        Slot::CompanyId,
        Slot::OfficeIds,
        Slot::Department,
        Slot::Division,
        Slot::CostCenter,
        Slot::EmployeeNumber,
        Slot::ManagerId,
        Slot::ManagerRef,
        Slot::ManagerName,
        Slot::SecretaryName,
        Slot::SecretaryEmail,
        Slot::Addresses,
        Slot::AddressLine1,
        Slot::AddressLine2,
        Slot::AddressLocality,
        Slot::AddressPostalCode,
        Slot::AddressCountry,
        Slot::Location,
        Slot::Bio,
        Slot::Interests,
        Slot::Specialities,
        Slot::Links,
        Slot::Ims,
        Slot::Photos,
        Slot::Entitlements,
        Slot::ScimRoles,
        Slot::X509Certificates,
        Slot::ExtendedFields,
        Slot::Extra,
        Slot::Data,
        Slot::Products,
        Slot::GlobalProfileId,
        Slot::FederatedUser,
        Slot::IntroReviewed,
        Slot::AllDeviceTypesAvailable,
    ];

    /// The pointer of this place in the canonical user's JSON form (its `/v1` wire format).
    pub const fn pointer(self) -> &'static str {
        match self {
            Slot::Id => "/id",
            Slot::Uid => "/uid",
            Slot::ExternalId => "/external_id",
            Slot::LdapGuid => "/ldap_guid",
            Slot::AuthSource => "/auth_source",
            Slot::Username => "/username",
            Slot::Password => "/password",
            Slot::GivenName => "/name/given",
            Slot::FamilyName => "/name/family",
            Slot::MiddleName => "/name/middle",
            Slot::HonorificPrefix => "/name/honorific_prefix",
            Slot::HonorificSuffix => "/name/honorific_suffix",
            Slot::FormattedName => "/name/formatted",
            Slot::DisplayName => "/display_name",
            Slot::NickName => "/nick_name",
            Slot::ProfileUrl => "/profile_url",
            Slot::Emails => "/emails",
            Slot::Phones => "/phones",
            Slot::Language => "/language",
            Slot::Locale => "/locale",
            Slot::TimeZone => "/timezone",
            Slot::Status => "/status",
            Slot::ImageUrl => "/image/url",
            Slot::ImageData => "/image/inline/base64",
            Slot::ImageMimeType => "/image/inline/mime_type",
            Slot::JobTitle => "/job_title",
            Slot::UserType => "/user_type",
            Slot::Roles => "/roles",
            Slot::Access => "/access",
            Slot::OrganizationName => "/organization/name",
            Slot::OrganizationId => "/organization/id",
            Slot::OrganizationAddressId => "/organization/address_id",
            Slot::CompanyId => "/company_id",
            Slot::OfficeIds => "/office_ids",
            Slot::Department => "/department",
            Slot::Division => "/division",
            Slot::CostCenter => "/cost_center",
            Slot::EmployeeNumber => "/employee_number",
            Slot::ManagerId => "/manager/value",
            Slot::ManagerRef => "/manager/ref",
            Slot::ManagerName => "/manager/display_name",
            Slot::SecretaryName => "/secretary/name",
            Slot::SecretaryEmail => "/secretary/email",
            Slot::Addresses => "/addresses",
            Slot::AddressLine1 => "/addresses/0/line1",
            Slot::AddressLine2 => "/addresses/0/line2",
            Slot::AddressLocality => "/addresses/0/locality",
            Slot::AddressPostalCode => "/addresses/0/postal_code",
            Slot::AddressCountry => "/addresses/0/country",
            Slot::Location => "/location",
            Slot::Bio => "/bio",
            Slot::Interests => "/interests",
            Slot::Specialities => "/specialities",
            Slot::Links => "/links",
            Slot::Ims => "/ims",
            Slot::Photos => "/photos",
            Slot::Entitlements => "/entitlements",
            Slot::ScimRoles => "/scim_roles",
            Slot::X509Certificates => "/x509_certificates",
            Slot::ExtendedFields => "/extended_fields",
            Slot::Extra => "/extra",
            Slot::Data => "/data",
            Slot::Products => "/products",
            Slot::GlobalProfileId => "/global_profile_id",
            Slot::FederatedUser => "/federated_user",
            Slot::IntroReviewed => "/intro_reviewed",
            Slot::AllDeviceTypesAvailable => "/all_device_types_available",
        }
    }

    /// The held value, as JSON (`None`: nothing held). Lists a rule maps (emails, phones, the
    /// SCIM multi-valued attributes, products, links) are not read through a slot.
    pub fn get(self, u: &User) -> Option<Value> {
        if let Some(held) = self.plain_get(u) {
            return held;
        }
        match self {
            Slot::ImageUrl => match &u.image {
                Some(Image::Url(url)) => Some(Value::from(url.as_str())),
                _ => None,
            },
            Slot::ImageData => match &u.image {
                Some(Image::Inline { base64, .. }) => Some(Value::from(base64.as_str())),
                _ => None,
            },
            Slot::ImageMimeType => match &u.image {
                Some(Image::Inline { mime_type, .. }) => Some(Value::from(mime_type.as_str())),
                _ => None,
            },
            Slot::OrganizationName => u.organization.as_ref()?.name.held(),
            Slot::OrganizationId => u.organization.as_ref()?.id.held(),
            Slot::OrganizationAddressId => u.organization.as_ref()?.address_id.held(),
            Slot::ManagerId => u.manager.as_ref()?.value.held(),
            Slot::ManagerRef => u.manager.as_ref()?.reference.held(),
            Slot::ManagerName => u.manager.as_ref()?.display_name.held(),
            Slot::SecretaryName => u.secretary.as_ref()?.name.held(),
            Slot::SecretaryEmail => u.secretary.as_ref()?.email.held(),
            Slot::AddressLine1 => u.addresses.first()?.line1.held(),
            Slot::AddressLine2 => u.addresses.first()?.line2.held(),
            Slot::AddressLocality => u.addresses.first()?.locality.held(),
            Slot::AddressPostalCode => u.addresses.first()?.postal_code.held(),
            Slot::AddressCountry => u.addresses.first()?.country.held(),
            _ => None,
        }
    }

    /// Holds a value; one of the wrong shape for the place is not held.
    pub fn put(self, u: &mut User, v: Value) {
        let Err(v) = self.plain_put(u, v) else { return };
        match self {
            Slot::ImageUrl => {
                if let Value::String(url) = v {
                    u.image = Some(Image::Url(url));
                }
            }
            Slot::ImageData | Slot::ImageMimeType => {
                let Value::String(s) = v else { return };
                if !matches!(u.image, Some(Image::Inline { .. })) {
                    u.image = Some(Image::Inline { base64: String::new(), mime_type: String::new() });
                }
                if let Some(Image::Inline { base64, mime_type }) = &mut u.image {
                    *if self == Slot::ImageData { base64 } else { mime_type } = s;
                }
            }
            Slot::OrganizationName => u.organization.get_or_insert_with(Organization::default).name.hold(v),
            Slot::OrganizationId => u.organization.get_or_insert_with(Organization::default).id.hold(v),
            Slot::OrganizationAddressId => u.organization.get_or_insert_with(Organization::default).address_id.hold(v),
            Slot::ManagerId => u.manager.get_or_insert_with(Manager::default).value.hold(v),
            Slot::ManagerRef => u.manager.get_or_insert_with(Manager::default).reference.hold(v),
            Slot::ManagerName => u.manager.get_or_insert_with(Manager::default).display_name.hold(v),
            Slot::SecretaryName => u.secretary.get_or_insert_with(Secretary::default).name.hold(v),
            Slot::SecretaryEmail => u.secretary.get_or_insert_with(Secretary::default).email.hold(v),
            Slot::AddressLine1 => first(&mut u.addresses).line1.hold(v),
            Slot::AddressLine2 => first(&mut u.addresses).line2.hold(v),
            Slot::AddressLocality => first(&mut u.addresses).locality.hold(v),
            Slot::AddressPostalCode => first(&mut u.addresses).postal_code.hold(v),
            Slot::AddressCountry => first(&mut u.addresses).country.hold(v),
            _ => {}
        }
    }

    /// What [`Slot::get`] reads, borrowed, where the slot is a field held as text (`None`: it
    /// is not; use `get`).
    fn text(self, u: &User) -> Option<Option<&str>> {
        self.plain_text(u)
    }

    /// `put(u, Value::from(s))`, without the JSON string where the field is typed.
    fn hold_static(self, u: &mut User, s: &'static str) {
        if self.plain_hold_static(u, s).is_err() {
            self.put(u, Value::from(s));
        }
    }

    /// Holds in `to` what `from` holds here: `put(to, get(from))`, but a field of the user is
    /// cloned as it is typed, without the detour through JSON (a view copies most of a user).
    pub fn copy(self, from: &User, to: &mut User) {
        if !self.plain_copy(from, to)
            && let Some(held) = self.get(from)
        {
            self.put(to, held);
        }
    }
}

/// The slots that are one field of the user (or of its name), each named once: their JSON
/// accessors and their typed copy.
macro_rules! plain_slots {
    ($($slot:ident => $($field:ident).+),* $(,)?) => {
        impl Slot {
            /// `None`: not a plain slot.
            fn plain_get(self, u: &User) -> Option<Option<Value>> {
                Some(match self {
                    $(Slot::$slot => u.$($field).+.held(),)*
                    _ => return None,
                })
            }

            /// `Err`: not a plain slot; the value comes back.
            fn plain_put(self, u: &mut User, v: Value) -> Result<(), Value> {
                match self {
                    $(Slot::$slot => u.$($field).+.hold(v),)*
                    _ => return Err(v),
                }
                Ok(())
            }

            /// `None`: not a plain slot, or one not held as text.
            fn plain_text(self, u: &User) -> Option<Option<&str>> {
                match self {
                    $(Slot::$slot => u.$($field).+.text(),)*
                    _ => None,
                }
            }

            /// `Err`: not a plain slot.
            fn plain_hold_static(self, u: &mut User, s: &'static str) -> Result<(), ()> {
                match self {
                    $(Slot::$slot => u.$($field).+.hold_static(s),)*
                    _ => return Err(()),
                }
                Ok(())
            }

            /// `false`: not a plain slot.
            fn plain_copy(self, from: &User, to: &mut User) -> bool {
                match self {
                    $(Slot::$slot => to.$($field).+.copy_from(&from.$($field).+),)*
                    _ => return false,
                }
                true
            }
        }
    };
}

plain_slots!(
    Id => id,
    Uid => uid,
    ExternalId => external_id,
    LdapGuid => ldap_guid,
    AuthSource => auth_source,
    Username => username,
    Password => password,
    GivenName => name.given,
    FamilyName => name.family,
    MiddleName => name.middle,
    HonorificPrefix => name.honorific_prefix,
    HonorificSuffix => name.honorific_suffix,
    FormattedName => name.formatted,
    DisplayName => display_name,
    NickName => nick_name,
    ProfileUrl => profile_url,
    Language => language,
    Locale => locale,
    TimeZone => timezone,
    Status => status,
    JobTitle => job_title,
    UserType => user_type,
    Roles => roles,
    Access => access,
    CompanyId => company_id,
    OfficeIds => office_ids,
    Department => department,
    Division => division,
    CostCenter => cost_center,
    EmployeeNumber => employee_number,
    Location => location,
    Bio => bio,
    Interests => interests,
    Specialities => specialities,
    ExtendedFields => extended_fields,
    Extra => extra,
    Data => data,
    GlobalProfileId => global_profile_id,
    FederatedUser => federated_user,
    IntroReviewed => intro_reviewed,
    AllDeviceTypesAvailable => all_device_types_available
);

/// The first address, made when there is none.
fn first(addresses: &mut Vec<Address>) -> &mut Address {
    if addresses.is_empty() {
        addresses.push(Address::default());
    }
    &mut addresses[0]
}

/// A canonical field's type as a slot sees it: JSON in, JSON out.
trait Held {
    fn held(&self) -> Option<Value>;
    fn hold(&mut self, v: Value);
    /// The held text, borrowed, for a type held as a JSON string (`None`: not such a type): an
    /// enumeration row maps it without a JSON string each way.
    fn text(&self) -> Option<Option<&str>> {
        None
    }
    /// `hold` of a string the dialect declares (an enumeration's canonical name).
    fn hold_static(&mut self, s: &'static str) {
        self.hold(Value::from(s));
    }
    /// `hold(from.held())`, which the types below do without JSON.
    fn copy_from(&mut self, from: &Self) {
        if let Some(v) = from.held() {
            self.hold(v);
        }
    }
}

/// `copy_from` for an `Option` whose every `Some` is held as it is.
macro_rules! copy_some {
    () => {
        fn copy_from(&mut self, from: &Self) {
            if from.is_some() {
                self.clone_from(from);
            }
        }
    };
}

impl Held for Option<String> {
    copy_some!();
    fn text(&self) -> Option<Option<&str>> {
        Some(self.as_deref())
    }
    fn held(&self) -> Option<Value> {
        self.as_deref().map(Value::from)
    }
    fn hold(&mut self, v: Value) {
        if let Value::String(s) = v {
            *self = Some(s);
        }
    }
}

impl Held for Option<i64> {
    copy_some!();
    fn held(&self) -> Option<Value> {
        self.map(Value::from)
    }
    fn hold(&mut self, v: Value) {
        if let Some(i) = v.as_i64() {
            *self = Some(i);
        }
    }
}

impl Held for Option<bool> {
    copy_some!();
    fn held(&self) -> Option<Value> {
        self.map(Value::from)
    }
    fn hold(&mut self, v: Value) {
        if let Some(b) = v.as_bool() {
            *self = Some(b);
        }
    }
}

impl Held for Option<Value> {
    fn copy_from(&mut self, from: &Self) {
        if let Some(v) = from.as_ref().filter(|v| !v.is_null()) {
            *self = Some(v.clone());
        }
    }
    fn held(&self) -> Option<Value> {
        self.clone().filter(|v| !v.is_null())
    }
    fn hold(&mut self, v: Value) {
        *self = Some(v);
    }
}

/// The string newtypes of the canonical user.
macro_rules! held_string {
    ($($t:ty => $make:expr),* $(,)?) => {$(
        impl Held for Option<$t> {
            // A held value passed its check when it was made.
            copy_some!();
            fn text(&self) -> Option<Option<&str>> {
                Some(self.as_ref().map(|s| s.as_str()))
            }
            fn held(&self) -> Option<Value> {
                self.as_ref().map(|s| Value::from(s.as_str()))
            }
            fn hold(&mut self, v: Value) {
                if let Value::String(s) = v {
                    if let Some(made) = $make(s) {
                        *self = Some(made);
                    }
                }
            }
        }
    )*};
}

held_string!(
    Locale => |s| Some(Locale::verbatim(s)),
    TimeZone => |s| Some(TimeZone::verbatim(s)),
    EmailAddress => |s: String| EmailAddress::try_from(s).ok(),
);

impl Held for Option<Password> {
    copy_some!();
    fn text(&self) -> Option<Option<&str>> {
        Some(self.as_ref().map(Password::expose))
    }
    fn held(&self) -> Option<Value> {
        self.as_ref().map(|p| Value::from(p.expose()))
    }
    fn hold(&mut self, v: Value) {
        if let Value::String(s) = v {
            *self = Some(Password::new(s));
        }
    }
}

/// The canonical enumerations, by their snake_case names.
macro_rules! held_enum {
    ($($t:ty { $($variant:ident = $name:literal),* $(,)? })*) => {$(
        impl Held for Option<$t> {
            copy_some!();
            fn text(&self) -> Option<Option<&str>> {
                Some(self.map(|e| match e { $(<$t>::$variant => $name),* }))
            }
            fn hold_static(&mut self, s: &'static str) {
                match s {
                    $($name => *self = Some(<$t>::$variant),)*
                    _ => {}
                }
            }
            fn held(&self) -> Option<Value> {
                self.map(|e| Value::from(match e { $(<$t>::$variant => $name),* }))
            }
            fn hold(&mut self, v: Value) {
                match v.as_str() {
                    $(Some($name) => *self = Some(<$t>::$variant),)*
                    _ => {}
                }
            }
        }
    )*};
}

held_enum!(
    Status { Active = "active", Inactive = "inactive", LockedOut = "locked_out", Archived = "archived", Suspended = "suspended" }
    Access { Admin = "admin", Client = "client" }
);

impl Held for Vec<i64> {
    fn copy_from(&mut self, from: &Self) {
        if !from.is_empty() {
            self.clone_from(from);
        }
    }
    fn held(&self) -> Option<Value> {
        (!self.is_empty()).then(|| Value::from(self.clone()))
    }
    fn hold(&mut self, v: Value) {
        if let Value::Array(items) = v {
            *self = items.iter().filter_map(Value::as_i64).collect();
        }
    }
}

impl Held for BTreeMap<String, Vec<String>> {
    fn copy_from(&mut self, from: &Self) {
        if !from.is_empty() {
            self.clone_from(from);
        }
    }
    fn held(&self) -> Option<Value> {
        (!self.is_empty())
            .then(|| Value::Object(self.iter().map(|(k, list)| (k.clone(), Value::from(list.clone()))).collect()))
    }
    fn hold(&mut self, v: Value) {
        if let Value::Object(map) = v {
            *self = map
                .into_iter()
                .map(|(k, list)| {
                    let list =
                        list.as_array().map(|l| l.iter().filter_map(|r| r.as_str().map(str::to_owned)).collect());
                    (k, list.unwrap_or_default())
                })
                .collect();
        }
    }
}

impl Held for BTreeMap<String, Value> {
    fn copy_from(&mut self, from: &Self) {
        if !from.is_empty() {
            self.clone_from(from);
        }
    }
    fn held(&self) -> Option<Value> {
        (!self.is_empty()).then(|| Value::Object(self.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
    }
    fn hold(&mut self, v: Value) {
        if let Value::Object(map) = v {
            *self = map.into_iter().collect();
        }
    }
}

/// The place a pointer names in a JSON tree, creating objects (and arrays, for numeric tokens)
/// on the way; `None` when an existing value of another shape is in the way.
pub fn slot<'a>(root: &'a mut Value, pointer: &str) -> Option<&'a mut Value> {
    let mut at = root;
    for token in tokens(pointer) {
        let token: std::borrow::Cow<'_, str> = if token.bytes().any(|b| b == b'~') {
            token.replace("~1", "/").replace("~0", "~").into()
        } else {
            token.into()
        };
        if at.is_null() {
            *at = match token.parse::<usize>() {
                Ok(_) => Value::Array(Vec::new()),
                Err(_) => Value::Object(Map::new()),
            };
        }
        at = match at {
            Value::Object(map) => {
                if map.contains_key(token.as_ref()) {
                    map.get_mut(token.as_ref())?
                } else {
                    // Two searches, not three, where the member is new (most are: a body is
                    // written from nothing).
                    map.entry(token).or_insert(Value::Null)
                }
            }
            Value::Array(items) => {
                let i: usize = token.parse().ok()?;
                if items.len() <= i {
                    items.resize(i + 1, Value::Null);
                }
                &mut items[i]
            }
            _ => return None,
        };
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dialect;
    use crate::dialect::Op;
    use serde_json::json;

    /// One value of each shape a slot holds.
    fn samples() -> [Value; 8] {
        [
            json!("x"),
            json!("a@b.co"),
            json!(7),
            json!(true),
            json!("inactive"),
            json!("client"),
            json!([1]),
            json!({"k": ["a"]}),
        ]
    }

    /// Each slot's accessors reach the place its pointer names in the user's JSON form, so the
    /// pointers in loss reports and the typed reads and writes can never disagree.
    #[test]
    fn slots_are_where_their_pointers_say() {
        let samples = samples();
        let mut checked = 0;
        for slot in Slot::ALL {
            let held = samples.iter().find(|sample| {
                let mut u = User::default();
                slot.put(&mut u, (*sample).clone());
                slot.get(&u).as_ref() == Some(*sample)
            });
            let Some(sample) = held else {
                // Lists that rules map: no slot access, but the pointer is a top-level member.
                let mut u = serde_json::to_value(User::default()).unwrap_or_default();
                assert!(slot.get(&User::default()).is_none(), "{slot:?}");
                if let Some(m) = u.as_object_mut() {
                    m.insert(slot.pointer()[1..].to_owned(), json!([]));
                }
                assert!(serde_json::from_value::<User>(u).is_ok(), "{slot:?}: {}", slot.pointer());
                continue;
            };
            let mut u = User::default();
            slot.put(&mut u, sample.clone());
            let json = serde_json::to_value(&u).unwrap_or_default();
            assert_eq!(json.pointer(slot.pointer()), Some(sample), "{slot:?} is not at {}", slot.pointer());
            checked += 1;
        }
        assert!(checked > 50, "{checked}");
    }

    /// A typed copy holds exactly what the JSON detour would: for every slot, from a user that
    /// holds a value there, onto an empty user and onto one holding something else.
    #[test]
    fn a_copy_is_a_put_of_what_get_reads() {
        let samples = samples();
        for slot in Slot::ALL {
            for sample in &samples {
                let mut from = User::default();
                slot.put(&mut from, sample.clone());
                let mut other = User::default();
                slot.put(&mut other, json!("other"));
                for onto in [User::default(), other] {
                    let (mut copied, mut put) = (onto.clone(), onto.clone());
                    slot.copy(&from, &mut copied);
                    if let Some(held) = slot.get(&from) {
                        slot.put(&mut put, held);
                    }
                    assert_eq!(copied, put, "{slot:?} with {sample}");
                }
            }
            // Nothing held: a copy leaves the target as it is.
            let mut onto = User::default();
            slot.put(&mut onto, json!("x"));
            let before = onto.clone();
            slot.copy(&User::default(), &mut onto);
            assert_eq!(onto, before, "{slot:?}");
        }
    }

    /// Every row of every dialect names a slot its codec can use.
    #[test]
    fn rows_use_slots_their_codecs_can_hold() {
        for d in Dialect::ALL {
            for op in Op::ALL {
                for field in d.spec().fields(op).iter().filter(|f| f.pointer.contains("/*")) {
                    assert!(field.to.is_none(), "{d} {op} {}: an element row has no canonical home", field.pointer);
                }
                for (field, canon) in mapped(d.spec().fields(op)) {
                    let list = matches!(
                        canon.slot,
                        Slot::Emails
                            | Slot::Phones
                            | Slot::Addresses
                            | Slot::Links
                            | Slot::Ims
                            | Slot::Photos
                            | Slot::Entitlements
                            | Slot::ScimRoles
                            | Slot::X509Certificates
                            | Slot::Products
                    );
                    let fits = match canon.codec {
                        Codec::Email => canon.slot == Slot::Emails,
                        Codec::Phone(_) => canon.slot == Slot::Phones,
                        Codec::Rule => true,
                        _ => !list,
                    };
                    assert!(fits, "{d} {op} {}: {:?} via {:?}", field.pointer, canon.slot, canon.codec);
                }
            }
        }
    }

    #[test]
    fn slots_are_made_on_the_way() {
        let mut v = Value::Null;
        if let Some(p) = slot(&mut v, "/addresses/0/line1") {
            *p = Value::from("x");
        }
        assert_eq!(v, serde_json::json!({"addresses": [{"line1": "x"}]}));
    }
}
