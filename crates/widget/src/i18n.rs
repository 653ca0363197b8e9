//! The widget's texts: error messages by violation `code` (with `{param}` placeholders), field
//! labels by the core's label key, and the form's own words, in English and Spanish.
//!
//! Keys are flat strings, the same ones a page passes in the element's `messages` property to
//! override or add languages:
//!
//! * `required`, `too_long`, … — an error code; `{max}`, `{allowed}`… are its params;
//! * `label.given_name` — a field label (the core's `label` key);
//! * `section.management`, `role.groupadmin` — learningcloud role sections and roles;
//! * `value.status.active` — one value of an enumeration, by the field's label key;
//! * `ui.submit_create`, `ui.saving`, … — the form's own words.
//!
//! Lookup: the page's `messages`, then the built-in table of the language, then English, then a
//! fallback (the core's English message for codes, the key itself made readable for labels).

use serde_json::{Map, Value};

/// Built-in languages.
pub const LANGUAGES: [&str; 2] = ["en", "es"];

/// The texts for one element: a language plus the page's overrides.
#[derive(Debug, Default, Clone)]
pub struct Texts {
    table: &'static str,
    custom: Vec<(String, String)>,
}

impl Texts {
    /// Texts for a language tag (`es`, `es-MX`, `EN`); unknown languages fall back to English.
    pub fn new(lang: &str) -> Self {
        let primary = lang.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        let table = if primary == "es" { ES } else { EN };
        Texts { table, custom: Vec::new() }
    }

    /// The page's overrides.
    pub fn custom(&self) -> &[(String, String)] {
        &self.custom
    }

    /// Replaces the page's overrides.
    pub fn set_custom(&mut self, custom: Vec<(String, String)>) {
        self.custom = custom;
    }

    /// The text for `key`, if any table has it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.custom
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .or_else(|| find(self.table, key))
            .or_else(|| find(EN, key))
    }

    /// A UI text (`ui.<key>`), with `{name}` placeholders filled from `args`.
    pub fn ui(&self, key: &str, args: &[(&str, &str)]) -> String {
        let template = self.get(&format!("ui.{key}")).unwrap_or(key);
        fill(template, |name| args.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
    }

    /// The label of a field by its core label key.
    pub fn label(&self, key: &str) -> String {
        self.get(&format!("label.{key}")).map_or_else(|| readable(key), str::to_owned)
    }

    /// The display text of one enumeration value (`value.<label>.<value>`), else the value.
    pub fn value(&self, label: &str, value: &str) -> String {
        self.get(&format!("value.{label}.{value}")).unwrap_or(value).to_owned()
    }

    /// A prefixed name (`section.training`, `role.admin`), else the name made readable.
    pub fn named(&self, prefix: &str, name: &str) -> String {
        self.get(&format!("{prefix}.{name}")).map_or_else(|| readable(name), str::to_owned)
    }

    /// The message for a violation: the template of its code filled with its params, else the
    /// given English default (a code this widget does not know, e.g. from a newer server).
    pub fn message(&self, code: &str, params: &Map<String, Value>, default: &str) -> String {
        match self.get(code) {
            Some(template) => fill(template, |name| params.get(name).map(display)),
            None if !default.is_empty() => default.to_owned(),
            None => readable(code),
        }
    }
}

/// Builds a text table: one `key\tvalue\n` line per entry, in one string. A `&[(&str, &str)]`
/// would add 16 bytes of addresses per entry to the module's data (5.4 KiB for the two languages),
/// which gzip barely shrinks: the single string saves 1.6 KiB gzip.
macro_rules! texts {
    ($(($key:literal, $value:literal $(,)?)),* $(,)?) => {
        concat!($($key, "\t", $value, "\n"),*)
    };
}

/// The entries of a text table.
fn entries(table: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    table.lines().filter_map(|line| line.split_once('\t'))
}

fn find(table: &'static str, key: &str) -> Option<&'static str> {
    entries(table).find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// Replaces `{name}` with `lookup(name)`; unknown names and lone braces stay as written.
pub fn fill(template: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some((head, after)) = rest.split_once('{') {
        out.push_str(head);
        out.push('{');
        rest = after;
        let Some((name, tail)) = after.split_once('}') else { break };
        if name.is_empty() || name.contains('{') {
            continue;
        }
        if let Some(value) = lookup(name) {
            out.pop();
            out.push_str(&value);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// A param as text: strings bare, arrays joined with ", ".
pub fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// `given_name` → `Given name`: the last resort for a label nobody translated.
pub fn readable(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for (i, c) in key.chars().enumerate() {
        match c {
            '_' | '-' => out.push(' '),
            // ASCII only: Unicode case tables would cost ~10 KiB of wasm for label keys.
            c if i == 0 => out.push(c.to_ascii_uppercase()),
            c => out.push(c),
        }
    }
    out
}

/// English.
static EN: &str = texts![
    // The form.
    ("ui.title_create", "Create user"),
    ("ui.title_update", "Edit user"),
    ("ui.submit_create", "Create user"),
    ("ui.submit_update", "Save changes"),
    ("ui.required_note", "Fields marked * are required."),
    ("ui.summary", "Please check these fields ({count}):"),
    ("ui.server", "The server did not accept the request: {title}"),
    ("ui.network", "Could not reach the server. Nothing was lost: your input is still here; try again."),
    ("ui.loading", "Loading user…"),
    ("ui.saving", "Saving…"),
    ("ui.saved", "Saved."),
    ("ui.unknown_dialect", "Unknown dialect: {dialect}"),
    ("ui.add", "Add {item}"),
    ("ui.remove", "Remove {item}"),
    ("ui.none", "(not set)"),
    ("ui.list_hint", "Separate values with commas."),
    ("ui.json_hint", "A JSON value."),
    ("ui.form", "Form"),
    // Errors by code; params in braces.
    ("syntax", "Not valid JSON (line {line}, column {column})."),
    ("required", "This field is required."),
    ("invalid_type", "Must be of type {expected}."),
    ("too_short", "Use at least {min} characters."),
    ("too_long", "Use at most {max} characters."),
    ("too_small", "Must be at least {min}."),
    ("too_large", "Must be at most {max}."),
    ("not_allowed_value", "Must be one of: {allowed}."),
    ("not_allowed_field", "Not allowed here."),
    ("invalid_email", "Enter a valid email address."),
    ("invalid_locale", "Enter a locale such as en or pt_BR."),
    ("invalid_language", "Enter a two-letter language code such as en."),
    ("invalid_timezone", "Enter a time zone such as Europe/Madrid."),
    ("invalid_url", "Enter an absolute {scheme} URL."),
    ("invalid_base64", "Must be valid base64."),
    ("invalid_mime_type", "Must be a MIME type of kind {kind}."),
    ("invalid_pattern", "Must match the pattern {pattern}."),
    ("one_of", "Give exactly one of: {fields}."),
    ("missing_value", "Select at least one of: {allowed}."),
    ("duplicate", "This value is already taken."),
    ("mismatch", "Must match {other}."),
    // Field labels by the core's label key.
    ("label.access", "Access"),
    ("label.address", "Address"),
    ("label.address_line1", "Address line 1"),
    ("label.address_line2", "Address line 2"),
    ("label.address_type", "Address type"),
    ("label.addresses", "Addresses"),
    ("label.all_device_types_available", "All device types available"),
    ("label.auth_source", "Authentication source"),
    ("label.bio", "About"),
    ("label.certificate", "Certificate"),
    ("label.certificate_type", "Certificate type"),
    ("label.certificates", "X.509 certificates"),
    ("label.company_id", "Company id"),
    ("label.cost_center", "Cost center"),
    ("label.country", "Country"),
    ("label.custom_links", "Custom links"),
    ("label.data", "Data"),
    ("label.department", "Department"),
    ("label.display", "Display text"),
    ("label.display_name", "Display name"),
    ("label.division", "Division"),
    ("label.email", "Email"),
    ("label.email_type", "Email type"),
    ("label.emails", "Emails"),
    ("label.employee_number", "Employee number"),
    ("label.enterprise", "Enterprise"),
    ("label.entitlement", "Entitlement"),
    ("label.entitlement_type", "Entitlement type"),
    ("label.entitlements", "Entitlements"),
    ("label.extended_fields", "Extended fields"),
    ("label.external_id", "External id"),
    ("label.extra", "Extra"),
    ("label.family_name", "Last name"),
    ("label.federated_user", "Federated user"),
    ("label.formatted_address", "Formatted address"),
    ("label.formatted_name", "Full name"),
    ("label.given_name", "First name"),
    ("label.global_profile_id", "Global profile id"),
    ("label.honorific_prefix", "Title (prefix)"),
    ("label.honorific_suffix", "Suffix"),
    ("label.id", "Id"),
    ("label.im", "Instant messaging"),
    ("label.im_type", "Messaging type"),
    ("label.image", "Picture"),
    ("label.image_data", "Picture data (base64)"),
    ("label.image_mime_type", "Picture type"),
    ("label.image_url", "Picture URL"),
    ("label.ims", "Instant messaging"),
    ("label.interests", "Interests"),
    ("label.intro_reviewed", "Introduction reviewed"),
    ("label.job_title", "Job title"),
    ("label.language", "Language"),
    ("label.ldap_guid", "LDAP GUID"),
    ("label.link", "Links (JSON)"),
    ("label.locale", "Locale"),
    ("label.locality", "City"),
    ("label.location", "Location"),
    ("label.manager", "Manager"),
    ("label.manager_id", "Manager id"),
    ("label.manager_name", "Manager name"),
    ("label.manager_url", "Manager URL"),
    ("label.messaging_links", "Messaging links"),
    ("label.middle_name", "Middle name"),
    ("label.mobile_phone", "Mobile phone"),
    ("label.name", "Name"),
    ("label.nick_name", "Nickname"),
    ("label.office_id", "Office id"),
    ("label.office_ids", "Office ids"),
    ("label.organization", "Organisation"),
    ("label.organization_address_id", "Organisation address id"),
    ("label.organization_id", "Organisation id"),
    ("label.organization_name", "Organisation"),
    ("label.password", "Password"),
    ("label.phone", "Phone"),
    ("label.phone_type", "Phone type"),
    ("label.phones", "Phone numbers"),
    ("label.photo", "Photo"),
    ("label.photo_type", "Photo type"),
    ("label.photos", "Photos"),
    ("label.postal_code", "Postal code"),
    ("label.primary", "Primary"),
    ("label.product", "Product"),
    ("label.product_action", "Product action"),
    ("label.product_id", "Product id"),
    ("label.products", "Products"),
    ("label.profile_url", "Profile URL"),
    ("label.region", "Region"),
    ("label.role", "Role"),
    ("label.role_type", "Role type"),
    ("label.roles", "Roles"),
    ("label.schema", "Schema"),
    ("label.schemas", "Schemas"),
    ("label.secretary_email", "Secretary email"),
    ("label.secretary_name", "Secretary name"),
    ("label.social_links", "Social links"),
    ("label.specialities", "Specialities"),
    ("label.status", "Status"),
    ("label.active", "Active"),
    ("label.timezone", "Time zone"),
    ("label.use_existing_user", "Use existing user"),
    ("label.user", "User"),
    ("label.user_product_id", "User product id"),
    ("label.user_type", "User type"),
    ("label.username", "Username"),
    ("label.work_phone", "Work phone"),
    // learningcloud role sections and roles.
    ("section.management", "Management"),
    ("section.training", "Training"),
    ("section.social", "Social"),
    ("section.play", "Play"),
    ("section.talent", "Talent"),
    ("section.content", "Content"),
    ("role.user", "User"),
    ("role.groupadmin", "Group administrator"),
    ("role.admin", "Administrator"),
    ("role.trainer", "Trainer"),
    ("role.author", "Author"),
    ("role.validator", "Validator"),
    ("role.employee", "Employee"),
    ("role.manager", "Manager"),
    ("role.reviewer", "Reviewer"),
    ("role.projectowner", "Project owner"),
    // Enumeration values by label key.
    ("value.access.0", "Administrator"),
    ("value.access.1", "Client"),
    ("value.status.0", "Active"),
    ("value.status.1", "Locked out"),
    ("value.status.2", "Disabled"),
    ("value.status.active", "Active"),
    ("value.status.archive", "Archived"),
    ("value.status.disable", "Disabled"),
    ("value.status.suspended", "Suspended"),
    ("value.status.ACTIVE", "Active"),
    ("value.status.INACTIVE", "Inactive"),
];

/// Spanish (the learning platform's vendor is Spanish-speaking).
static ES: &str = texts![
    ("ui.title_create", "Crear usuario"),
    ("ui.title_update", "Editar usuario"),
    ("ui.submit_create", "Crear usuario"),
    ("ui.submit_update", "Guardar cambios"),
    ("ui.required_note", "Los campos marcados con * son obligatorios."),
    ("ui.summary", "Revisa estos campos ({count}):"),
    ("ui.server", "El servidor no aceptó la solicitud: {title}"),
    (
        "ui.network",
        "No se pudo contactar con el servidor. No se ha perdido nada: tus datos siguen aquí; inténtalo de nuevo.",
    ),
    ("ui.loading", "Cargando usuario…"),
    ("ui.saving", "Guardando…"),
    ("ui.saved", "Guardado."),
    ("ui.unknown_dialect", "Dialecto desconocido: {dialect}"),
    ("ui.add", "Añadir {item}"),
    ("ui.remove", "Quitar {item}"),
    ("ui.none", "(sin valor)"),
    ("ui.list_hint", "Separa los valores con comas."),
    ("ui.json_hint", "Un valor JSON."),
    ("ui.form", "Formulario"),
    ("syntax", "JSON no válido (línea {line}, columna {column})."),
    ("required", "Este campo es obligatorio."),
    ("invalid_type", "Debe ser de tipo {expected}."),
    ("too_short", "Usa al menos {min} caracteres."),
    ("too_long", "Usa como máximo {max} caracteres."),
    ("too_small", "Debe ser como mínimo {min}."),
    ("too_large", "Debe ser como máximo {max}."),
    ("not_allowed_value", "Debe ser uno de: {allowed}."),
    ("not_allowed_field", "No se permite aquí."),
    ("invalid_email", "Introduce una dirección de correo válida."),
    ("invalid_locale", "Introduce una configuración regional como es o pt_BR."),
    ("invalid_language", "Introduce un código de idioma de dos letras, como es."),
    ("invalid_timezone", "Introduce una zona horaria como Europe/Madrid."),
    ("invalid_url", "Introduce una URL {scheme} absoluta."),
    ("invalid_base64", "Debe ser base64 válido."),
    ("invalid_mime_type", "Debe ser un tipo MIME de clase {kind}."),
    ("invalid_pattern", "Debe cumplir el patrón {pattern}."),
    ("one_of", "Indica exactamente uno de: {fields}."),
    ("missing_value", "Selecciona al menos uno de: {allowed}."),
    ("duplicate", "Este valor ya está en uso."),
    ("mismatch", "Debe coincidir con {other}."),
    ("label.access", "Acceso"),
    ("label.address", "Dirección"),
    ("label.address_line1", "Dirección, línea 1"),
    ("label.address_line2", "Dirección, línea 2"),
    ("label.address_type", "Tipo de dirección"),
    ("label.addresses", "Direcciones"),
    ("label.all_device_types_available", "Todos los tipos de dispositivo disponibles"),
    ("label.auth_source", "Origen de autenticación"),
    ("label.bio", "Sobre mí"),
    ("label.certificate", "Certificado"),
    ("label.certificate_type", "Tipo de certificado"),
    ("label.certificates", "Certificados X.509"),
    ("label.company_id", "Id de empresa"),
    ("label.cost_center", "Centro de coste"),
    ("label.country", "País"),
    ("label.custom_links", "Enlaces personalizados"),
    ("label.data", "Datos"),
    ("label.department", "Departamento"),
    ("label.display", "Texto visible"),
    ("label.display_name", "Nombre visible"),
    ("label.division", "División"),
    ("label.email", "Correo electrónico"),
    ("label.email_type", "Tipo de correo"),
    ("label.emails", "Correos electrónicos"),
    ("label.employee_number", "Número de empleado"),
    ("label.enterprise", "Empresa"),
    ("label.entitlement", "Derecho"),
    ("label.entitlement_type", "Tipo de derecho"),
    ("label.entitlements", "Derechos"),
    ("label.extended_fields", "Campos extendidos"),
    ("label.external_id", "Id externo"),
    ("label.extra", "Extra"),
    ("label.family_name", "Apellidos"),
    ("label.federated_user", "Usuario federado"),
    ("label.formatted_address", "Dirección completa"),
    ("label.formatted_name", "Nombre completo"),
    ("label.given_name", "Nombre"),
    ("label.global_profile_id", "Id de perfil global"),
    ("label.honorific_prefix", "Tratamiento"),
    ("label.honorific_suffix", "Sufijo"),
    ("label.id", "Id"),
    ("label.im", "Mensajería instantánea"),
    ("label.im_type", "Tipo de mensajería"),
    ("label.image", "Imagen"),
    ("label.image_data", "Datos de la imagen (base64)"),
    ("label.image_mime_type", "Tipo de imagen"),
    ("label.image_url", "URL de la imagen"),
    ("label.ims", "Mensajería instantánea"),
    ("label.interests", "Intereses"),
    ("label.intro_reviewed", "Introducción revisada"),
    ("label.job_title", "Cargo"),
    ("label.language", "Idioma"),
    ("label.ldap_guid", "GUID de LDAP"),
    ("label.link", "Enlaces (JSON)"),
    ("label.locale", "Configuración regional"),
    ("label.locality", "Ciudad"),
    ("label.location", "Ubicación"),
    ("label.manager", "Responsable"),
    ("label.manager_id", "Id del responsable"),
    ("label.manager_name", "Nombre del responsable"),
    ("label.manager_url", "URL del responsable"),
    ("label.messaging_links", "Enlaces de mensajería"),
    ("label.middle_name", "Segundo nombre"),
    ("label.mobile_phone", "Teléfono móvil"),
    ("label.name", "Nombre"),
    ("label.nick_name", "Apodo"),
    ("label.office_id", "Id de oficina"),
    ("label.office_ids", "Ids de oficina"),
    ("label.organization", "Organización"),
    ("label.organization_address_id", "Id de dirección de la organización"),
    ("label.organization_id", "Id de organización"),
    ("label.organization_name", "Organización"),
    ("label.password", "Contraseña"),
    ("label.phone", "Teléfono"),
    ("label.phone_type", "Tipo de teléfono"),
    ("label.phones", "Teléfonos"),
    ("label.photo", "Foto"),
    ("label.photo_type", "Tipo de foto"),
    ("label.photos", "Fotos"),
    ("label.postal_code", "Código postal"),
    ("label.primary", "Principal"),
    ("label.product", "Producto"),
    ("label.product_action", "Acción sobre el producto"),
    ("label.product_id", "Id de producto"),
    ("label.products", "Productos"),
    ("label.profile_url", "URL del perfil"),
    ("label.region", "Región"),
    ("label.role", "Rol"),
    ("label.role_type", "Tipo de rol"),
    ("label.roles", "Roles"),
    ("label.schema", "Esquema"),
    ("label.schemas", "Esquemas"),
    ("label.secretary_email", "Correo de secretaría"),
    ("label.secretary_name", "Nombre de secretaría"),
    ("label.social_links", "Redes sociales"),
    ("label.specialities", "Especialidades"),
    ("label.status", "Estado"),
    ("label.active", "Activo"),
    ("label.timezone", "Zona horaria"),
    ("label.use_existing_user", "Usar usuario existente"),
    ("label.user", "Usuario"),
    ("label.user_product_id", "Id de producto del usuario"),
    ("label.user_type", "Tipo de usuario"),
    ("label.username", "Nombre de usuario"),
    ("label.work_phone", "Teléfono del trabajo"),
    ("section.management", "Gestión"),
    ("section.training", "Formación"),
    ("section.social", "Social"),
    ("section.play", "Play"),
    ("section.talent", "Talento"),
    ("section.content", "Contenidos"),
    ("role.user", "Usuario"),
    ("role.groupadmin", "Administrador de grupo"),
    ("role.admin", "Administrador"),
    ("role.trainer", "Formador"),
    ("role.author", "Autor"),
    ("role.validator", "Validador"),
    ("role.employee", "Empleado"),
    ("role.manager", "Gestor"),
    ("role.reviewer", "Revisor"),
    ("role.projectowner", "Responsable de proyecto"),
    ("value.access.0", "Administrador"),
    ("value.access.1", "Cliente"),
    ("value.status.0", "Activo"),
    ("value.status.1", "Bloqueado"),
    ("value.status.2", "Desactivado"),
    ("value.status.active", "Activo"),
    ("value.status.archive", "Archivado"),
    ("value.status.disable", "Desactivado"),
    ("value.status.suspended", "Suspendido"),
    ("value.status.ACTIVE", "Activo"),
    ("value.status.INACTIVE", "Inactivo"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use userbridge_core::{Dialect, Op};

    #[test]
    fn placeholders_are_filled_from_params() {
        let t = Texts::new("en");
        let params = json!({"max": 25}).as_object().cloned().unwrap_or_default();
        assert_eq!(t.message("too_long", &params, ""), "Use at most 25 characters.");
        let params = json!({"allowed": ["a", "b"]}).as_object().cloned().unwrap_or_default();
        assert_eq!(Texts::new("es-ES").message("not_allowed_value", &params, ""), "Debe ser uno de: a, b.");
    }

    #[test]
    fn unknown_codes_and_languages_fall_back() {
        let t = Texts::new("de");
        assert_eq!(t.message("brand_new", &Map::new(), "is odd"), "is odd");
        assert_eq!(t.label("given_name"), "First name");
        assert_eq!(t.label("shoe_size"), "Shoe size");
        assert_eq!(fill("{a} {b} {", |n| (n == "a").then(|| "1".to_owned())), "1 {b} {");
    }

    #[test]
    fn custom_messages_win() {
        let mut t = Texts::new("en");
        t.set_custom(vec![("required".into(), "Pflichtfeld".into()), ("label.email".into(), "E-Mail".into())]);
        assert_eq!(t.message("required", &Map::new(), ""), "Pflichtfeld");
        assert_eq!(t.label("email"), "E-Mail");
        assert_eq!(t.ui("saved", &[]), "Saved.");
    }

    /// A text with a tab or a line break would split its table's line.
    #[test]
    fn tables_hold_one_entry_per_line() {
        for table in [EN, ES] {
            assert!(table.lines().all(|line| line.matches('\t').count() == 1));
            assert_eq!(entries(table).count(), table.lines().count());
        }
    }

    /// Every label key of every dialect, every UI key and every code has an English and a Spanish
    /// text: a new field in the core fails here until it is translated.
    #[test]
    fn english_and_spanish_are_complete() {
        for d in Dialect::ALL {
            for op in Op::ALL {
                for f in userbridge_core::fields(d, op) {
                    let key = format!("label.{}", f.label);
                    assert!(find(EN, &key).is_some(), "EN lacks {key}");
                    assert!(find(ES, &key).is_some(), "ES lacks {key}");
                }
            }
        }
        for (key, _) in entries(EN) {
            assert!(find(ES, key).is_some(), "ES lacks {key}");
        }
        for (key, _) in entries(ES) {
            assert!(find(EN, key).is_some(), "EN lacks {key}");
        }
        for code in [
            "syntax",
            "required",
            "invalid_type",
            "too_short",
            "too_long",
            "too_small",
            "too_large",
            "not_allowed_value",
            "not_allowed_field",
            "invalid_email",
            "invalid_locale",
            "invalid_language",
            "invalid_timezone",
            "invalid_url",
            "invalid_base64",
            "invalid_mime_type",
            "invalid_pattern",
            "one_of",
            "missing_value",
            "duplicate",
            "mismatch",
        ] {
            assert!(find(EN, code).is_some(), "EN lacks {code}");
        }
    }
}
