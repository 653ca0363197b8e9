//! Configuration from Worker vars and secrets, read once per request (it is a handful of strings).
//!
//! Pure: [`Config::from_lookup`] takes a lookup function so the rules (production refuses the
//! development credentials) are unit-tested natively; [`Config::from_env`] feeds it the `Env`.

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
        Config { admin_token, cors_origins, fault_injection, admin_account, jwt_secret }
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

    /// The key DeviceHive tokens are signed with, or why there is none.
    pub fn jwt_secret(&self) -> Result<&Secret, CredentialProblem> {
        self.jwt_secret.as_ref().map_err(|p| *p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
