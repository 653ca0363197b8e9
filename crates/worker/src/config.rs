//! Configuration from Worker vars and secrets, read once per request (it is a handful of strings).
//!
//! Pure: [`Config::from_lookup`] takes a lookup function so the rules (production refuses the
//! development credentials) are unit-tested natively; [`Config::from_env`] feeds it the `Env`.

use userbridge_core::Dialect;

/// The credential values shipped in `wrangler.toml` `[vars]` for development. They are public (in
/// the repository), so a production deployment that still has them is not protected at all.
pub const DEV_ADMIN_TOKEN: &str = "dev-admin-token";
pub const DEV_ADMIN_PASSWORD: &str = "dev-admin-password";
/// The development `DEVICEHIVE_JWT_SECRET`: anyone could sign admin tokens with it.
pub const DEV_JWT_SECRET: &str = "dev-jwt-secret-change-me";

/// A secret from the environment; a debug print shows `***`, so printing a [`Config`] leaks nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself; call sites are easy to audit.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Why the admin credential cannot be used: every authenticated route then answers 503 (the
/// deployment is misconfigured; no client input can fix it) and logs this reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialProblem {
    /// `USERBRIDGE_ADMIN_TOKEN` is unset or empty.
    Missing,
    /// A development default while `ENVIRONMENT=production`.
    DevelopmentDefault,
    /// `DEVICEHIVE_JWT_SECRET` is unset, empty, or the development value in production: DeviceHive
    /// tokens can be neither issued nor checked (the admin token still works).
    JwtSecret,
    /// `USERBRIDGE_ADMIN_LOGIN`/`USERBRIDGE_ADMIN_PASSWORD` unset, empty, or the development
    /// password in production: no DeviceHive admin account is created.
    AdminAccount,
    /// `UPSTREAM_URL` is set but is not an http(s) URL, or `UPSTREAM_DIALECT` is missing or not a
    /// dialect name, or `UPSTREAM_TIMEOUT_MS` is not 1–120000: the directory is unusable.
    Upstream,
}

impl CredentialProblem {
    /// The operator-facing log text (never sent to clients).
    pub fn describe(self) -> &'static str {
        match self {
            CredentialProblem::Missing => "USERBRIDGE_ADMIN_TOKEN is not set",
            CredentialProblem::DevelopmentDefault => {
                "a development credential (dev-admin-token / dev-admin-password) is configured while ENVIRONMENT=production"
            }
            CredentialProblem::JwtSecret => {
                "DEVICEHIVE_JWT_SECRET is not set (or is the development value while ENVIRONMENT=production)"
            }
            CredentialProblem::AdminAccount => {
                "USERBRIDGE_ADMIN_LOGIN / USERBRIDGE_ADMIN_PASSWORD are not set (or the password is the development \
                 value while ENVIRONMENT=production): no DeviceHive admin account is created"
            }
            CredentialProblem::Upstream => {
                "UPSTREAM_URL is set but it is not an http(s) URL, UPSTREAM_DIALECT is missing or unknown, or \
                 UPSTREAM_TIMEOUT_MS is not 1-120000"
            }
        }
    }
}

/// What the Worker needs from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// The admin credential for `X-Cloud-Auth-Token` and `Authorization: Bearer`, or why there is
    /// none.
    admin_token: Result<String, CredentialProblem>,
    /// `CORS_ALLOWED_ORIGINS`, split on commas; exact origins only (`*` is ignored: never a
    /// wildcard).
    pub cors_origins: Vec<String>,
    /// The forced-fault route exists only with `ENVIRONMENT=development` **and**
    /// `USERBRIDGE_FAULT_INJECTION=1`.
    pub fault_injection: bool,
    /// `USERBRIDGE_ADMIN_LOGIN` and `USERBRIDGE_ADMIN_PASSWORD`: the DeviceHive admin account
    /// created at first use, or why there is none.
    admin_account: Result<(String, Secret), CredentialProblem>,
    /// `DEVICEHIVE_JWT_SECRET`: the HS256 key of DeviceHive tokens, or why there is none.
    jwt_secret: Result<Secret, CredentialProblem>,
    /// Proxy mode: `None` without `UPSTREAM_URL` (the D1 store is the directory), else the
    /// upstream, or why its settings cannot be used.
    upstream: Option<Result<UpstreamConfig, CredentialProblem>>,
}

/// Where proxy mode sends users, in which dialect, with which credentials. Only operators set
/// these (Worker vars and secrets): the facade never fetches a URL a client supplies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamConfig {
    /// `UPSTREAM_DIALECT`.
    pub dialect: Dialect,
    /// `UPSTREAM_URL`: the base URL the dialect's own paths are appended to, without a trailing
    /// slash.
    pub url: String,
    /// `UPSTREAM_TOKEN`: `X-Cloud-Auth-Token` (learningcloud), `Authorization: Bearer` (publisher,
    /// primavera, SCIM), or a DeviceHive refresh token when no login is set.
    pub token: Option<Secret>,
    /// `UPSTREAM_LOGIN` / `UPSTREAM_PASSWORD`: DeviceHive credentials the facade trades for JWTs.
    pub login: Option<(String, Secret)>,
    /// `UPSTREAM_TENANT`: primavera's `x-prime-tenant-code` header.
    pub tenant: Option<String>,
    /// `UPSTREAM_TIMEOUT_MS` (default 10 000): one upstream call longer than this is a 504.
    pub timeout_ms: u32,
}

/// The upstream call timeout when `UPSTREAM_TIMEOUT_MS` is unset.
pub const DEFAULT_UPSTREAM_TIMEOUT_MS: u32 = 10_000;

impl UpstreamConfig {
    fn from_lookup(url: String, get: &impl Fn(&str) -> Option<String>) -> Result<UpstreamConfig, CredentialProblem> {
        let value = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let url = url.trim().trim_end_matches('/').to_owned();
        let scheme_ok = ["http://", "https://"].iter().any(|s| url.len() > s.len() && url.starts_with(s));
        if !scheme_ok || url.contains(['?', '#', ' ']) {
            return Err(CredentialProblem::Upstream);
        }
        let dialect =
            value("UPSTREAM_DIALECT").and_then(|d| d.parse::<Dialect>().ok()).ok_or(CredentialProblem::Upstream)?;
        let timeout_ms = match value("UPSTREAM_TIMEOUT_MS") {
            None => DEFAULT_UPSTREAM_TIMEOUT_MS,
            Some(t) => {
                t.parse::<u32>().ok().filter(|t| (1..=120_000).contains(t)).ok_or(CredentialProblem::Upstream)?
            }
        };
        let login = match (value("UPSTREAM_LOGIN"), get("UPSTREAM_PASSWORD").filter(|p| !p.is_empty())) {
            (Some(l), Some(p)) => Some((l, Secret(p))),
            _ => None,
        };
        Ok(UpstreamConfig {
            dialect,
            url,
            token: get("UPSTREAM_TOKEN").filter(|t| !t.is_empty()).map(Secret),
            login,
            tenant: value("UPSTREAM_TENANT"),
            timeout_ms,
        })
    }
}

impl Config {
    /// Reads every setting through `get` (a var or secret by name).
    /// `ENVIRONMENT` is `development` when unset; only `production` refuses development defaults.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Config {
        let environment = get("ENVIRONMENT").map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
        let environment = environment.unwrap_or_else(|| "development".to_owned());
        let production = environment.eq_ignore_ascii_case("production");
        let token = get("USERBRIDGE_ADMIN_TOKEN").filter(|t| !t.is_empty());
        let password = get("USERBRIDGE_ADMIN_PASSWORD");
        let admin_token = match token {
            None => Err(CredentialProblem::Missing),
            Some(_) if production && password.as_deref() == Some(DEV_ADMIN_PASSWORD) => {
                Err(CredentialProblem::DevelopmentDefault)
            }
            Some(t) if production && t == DEV_ADMIN_TOKEN => Err(CredentialProblem::DevelopmentDefault),
            Some(t) => Ok(t),
        };
        let cors_origins = get("CORS_ALLOWED_ORIGINS")
            .unwrap_or_default()
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty() && o != "*")
            .collect();
        let fault_injection =
            environment == "development" && get("USERBRIDGE_FAULT_INJECTION").is_some_and(|v| v.trim() == "1");
        let admin_login = get("USERBRIDGE_ADMIN_LOGIN").map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
        let admin_account = match (admin_login, password.filter(|p| !p.is_empty())) {
            (Some(_), Some(p)) if production && p == DEV_ADMIN_PASSWORD => Err(CredentialProblem::AdminAccount),
            (Some(l), Some(p)) => Ok((l, Secret(p))),
            _ => Err(CredentialProblem::AdminAccount),
        };
        let jwt_secret = match get("DEVICEHIVE_JWT_SECRET").filter(|s| !s.is_empty()) {
            Some(s) if production && s == DEV_JWT_SECRET => Err(CredentialProblem::JwtSecret),
            Some(s) => Ok(Secret(s)),
            None => Err(CredentialProblem::JwtSecret),
        };
        let upstream =
            get("UPSTREAM_URL").filter(|u| !u.trim().is_empty()).map(|url| UpstreamConfig::from_lookup(url, &get));
        Config { admin_token, cors_origins, fault_injection, admin_account, jwt_secret, upstream }
    }

    /// Reads the Worker's vars and secrets.
    pub fn from_env(env: &worker::Env) -> Config {
        // Vars and secrets are both plain strings in the environment; `var` reads either.
        Config::from_lookup(|name| env.var(name).ok().map(|v| v.to_string()))
    }

    /// The admin credential, or why it must not be used.
    pub fn admin_token(&self) -> Result<&str, CredentialProblem> {
        self.admin_token.as_deref().map_err(|p| *p)
    }

    /// Whether a browser page from `origin` may read our responses.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.cors_origins.iter().any(|o| o == origin)
    }

    /// The DeviceHive admin account (login, password) to create at first use, or why not.
    pub fn admin_account(&self) -> Result<(&str, &Secret), CredentialProblem> {
        self.admin_account.as_ref().map(|(l, p)| (l.as_str(), p)).map_err(|p| *p)
    }

    /// The upstream of proxy mode (`Ok(None)`: store mode), or why its settings are unusable.
    pub fn upstream(&self) -> Result<Option<&UpstreamConfig>, CredentialProblem> {
        self.upstream.as_ref().map(|u| u.as_ref().map_err(|p| *p)).transpose()
    }

    /// The key DeviceHive tokens are signed with, or why there is none.
    pub fn jwt_secret(&self) -> Result<&Secret, CredentialProblem> {
        self.jwt_secret.as_ref().map_err(|p| *p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_upstream_url_is_store_mode() {
        assert_eq!(config(&[("UPSTREAM_DIALECT", "scim")]).upstream(), Ok(None));
        assert_eq!(config(&[("UPSTREAM_URL", " ")]).upstream(), Ok(None));
    }

    #[test]
    fn upstream_settings_are_read_and_checked() {
        let c = config(&[
            ("UPSTREAM_URL", "http://127.0.0.1:9000/"),
            ("UPSTREAM_DIALECT", "DeviceHive"),
            ("UPSTREAM_LOGIN", "admin"),
            ("UPSTREAM_PASSWORD", "pw"),
            ("UPSTREAM_TIMEOUT_MS", "250"),
        ]);
        let up = c.upstream().expect("usable").expect("configured");
        assert_eq!((up.dialect, up.url.as_str(), up.timeout_ms), (Dialect::DeviceHive, "http://127.0.0.1:9000", 250));
        assert_eq!(up.login.as_ref().map(|(l, p)| (l.as_str(), p.expose())), Some(("admin", "pw")));
        assert!(up.token.is_none());
        let defaults = config(&[("UPSTREAM_URL", "https://x.example"), ("UPSTREAM_DIALECT", "scim")]);
        assert_eq!(defaults.upstream().expect("usable").expect("configured").timeout_ms, DEFAULT_UPSTREAM_TIMEOUT_MS);
        for bad in [
            &[("UPSTREAM_URL", "ftp://x"), ("UPSTREAM_DIALECT", "scim")][..],
            &[("UPSTREAM_URL", "http://x"), ("UPSTREAM_DIALECT", "ldap")],
            &[("UPSTREAM_URL", "http://x")],
            &[("UPSTREAM_URL", "http://x"), ("UPSTREAM_DIALECT", "scim"), ("UPSTREAM_TIMEOUT_MS", "0")],
        ] {
            assert_eq!(config(bad).upstream(), Err(CredentialProblem::Upstream), "{bad:?}");
        }
    }

    fn config(vars: &[(&str, &str)]) -> Config {
        Config::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn development_accepts_the_development_token() {
        let c = config(&[("ENVIRONMENT", "development"), ("USERBRIDGE_ADMIN_TOKEN", DEV_ADMIN_TOKEN)]);
        assert_eq!(c.admin_token(), Ok(DEV_ADMIN_TOKEN));
    }

    #[test]
    fn devicehive_credentials_refuse_development_values_in_production() {
        let dev = [
            ("USERBRIDGE_ADMIN_LOGIN", "admin"),
            ("USERBRIDGE_ADMIN_PASSWORD", DEV_ADMIN_PASSWORD),
            ("DEVICEHIVE_JWT_SECRET", DEV_JWT_SECRET),
        ];
        let c = config(&dev);
        assert_eq!(
            c.admin_account().map(|(l, p)| (l.to_owned(), p.expose().to_owned())),
            Ok(("admin".into(), DEV_ADMIN_PASSWORD.into()))
        );
        assert_eq!(c.jwt_secret().map(Secret::expose), Ok(DEV_JWT_SECRET));
        let prod = config(&[dev[0], dev[1], dev[2], ("ENVIRONMENT", "production")]);
        assert_eq!(prod.admin_account().err(), Some(CredentialProblem::AdminAccount));
        assert_eq!(prod.jwt_secret().err(), Some(CredentialProblem::JwtSecret));
        let real = config(&[
            ("ENVIRONMENT", "production"),
            ("USERBRIDGE_ADMIN_LOGIN", " root "),
            ("USERBRIDGE_ADMIN_PASSWORD", "s3cr3t-real"),
            ("DEVICEHIVE_JWT_SECRET", "k3y-real"),
        ]);
        assert_eq!(real.admin_account().map(|(l, _)| l.to_owned()), Ok("root".into()));
        assert_eq!(real.jwt_secret().map(Secret::expose), Ok("k3y-real"));
        assert!(!format!("{real:?}").contains("s3cr3t-real") && !format!("{real:?}").contains("k3y-real"));
        assert_eq!(config(&[]).jwt_secret().err(), Some(CredentialProblem::JwtSecret));
        assert_eq!(
            config(&[("USERBRIDGE_ADMIN_LOGIN", "a")]).admin_account().err(),
            Some(CredentialProblem::AdminAccount)
        );
    }

    #[test]
    fn production_refuses_development_defaults() {
        let c = config(&[("ENVIRONMENT", "production"), ("USERBRIDGE_ADMIN_TOKEN", DEV_ADMIN_TOKEN)]);
        assert_eq!(c.admin_token(), Err(CredentialProblem::DevelopmentDefault));
        let c = config(&[
            ("ENVIRONMENT", "production"),
            ("USERBRIDGE_ADMIN_TOKEN", "s3cr3t-real"),
            ("USERBRIDGE_ADMIN_PASSWORD", DEV_ADMIN_PASSWORD),
        ]);
        assert_eq!(c.admin_token(), Err(CredentialProblem::DevelopmentDefault));
        let c = config(&[("ENVIRONMENT", "production"), ("USERBRIDGE_ADMIN_TOKEN", "s3cr3t-real")]);
        assert_eq!(c.admin_token(), Ok("s3cr3t-real"));
    }

    #[test]
    fn a_missing_token_is_reported() {
        assert_eq!(config(&[]).admin_token(), Err(CredentialProblem::Missing));
        assert_eq!(config(&[("USERBRIDGE_ADMIN_TOKEN", "")]).admin_token(), Err(CredentialProblem::Missing));
    }

    #[test]
    fn cors_origins_are_exact_and_never_a_wildcard() {
        let c = config(&[("CORS_ALLOWED_ORIGINS", " http://a.test , *, https://b.test/ ,")]);
        assert_eq!(c.cors_origins, vec!["http://a.test", "https://b.test"]);
        assert!(c.origin_allowed("http://a.test"));
        assert!(!c.origin_allowed("http://a.test.evil"));
        assert!(!c.origin_allowed("*"));
    }

    #[test]
    fn fault_injection_needs_development_and_the_flag() {
        assert!(config(&[("USERBRIDGE_FAULT_INJECTION", "1")]).fault_injection);
        assert!(!config(&[("ENVIRONMENT", "production"), ("USERBRIDGE_FAULT_INJECTION", "1")]).fault_injection);
        assert!(!config(&[("ENVIRONMENT", "staging"), ("USERBRIDGE_FAULT_INJECTION", "1")]).fault_injection);
        assert!(!config(&[("ENVIRONMENT", "development")]).fault_injection);
    }
}
