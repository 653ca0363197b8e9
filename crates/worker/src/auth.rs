//! Credentials in each dialect's own scheme, checked against the configured admin token.
//!
//! The dialects carry the same secret differently (`X-Cloud-Auth-Token: T`, `Authorization:
//! Bearer T`); a route module says which [`Scheme`] it speaks and [`check`] does the rest.

use crate::config::Config;
use crate::crypto;
use crate::endpoints;
use crate::error::ApiError;

/// Where a dialect's client puts its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// No credential (`/health`, the development-only fault route).
    Public,
    /// learningcloud: the static tenant token in `X-Cloud-Auth-Token`.
    CloudToken,
    /// primavera, publisher, SCIM, `/v1`: `Authorization: Bearer <token>`.
    Bearer,
}

/// The credential a request presents under `scheme`, if any.
pub fn presented(scheme: Scheme, header: impl Fn(&str) -> Option<String>) -> Option<String> {
    match scheme {
        Scheme::Public => None,
        Scheme::CloudToken => header(endpoints::learningcloud::TOKEN_HEADER).map(|t| t.trim().to_owned()),
        Scheme::Bearer => bearer(&header("Authorization")?).map(str::to_owned),
    }
}

/// The token of an `Authorization: Bearer <token>` value (scheme name case-insensitive, RFC 6750).
pub fn bearer(value: &str) -> Option<&str> {
    let value = value.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Admits the request or says why not: 401 for a missing or wrong credential, 503 when the
/// deployment has no usable credential (logged by the caller with the reason).
pub fn check(config: &Config, scheme: Scheme, presented: Option<&str>) -> Result<(), ApiError> {
    if scheme == Scheme::Public {
        return Ok(());
    }
    let expected = config.admin_token().map_err(ApiError::NotConfigured)?;
    match presented {
        Some(p) if crypto::constant_time_eq(p.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::Unauthorized { presented: true }),
        None => Err(ApiError::Unauthorized { presented: false }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CredentialProblem;

    fn config(vars: &'static [(&'static str, &'static str)]) -> Config {
        Config::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer"), None);
        assert_eq!(bearer("Bearer "), None);
    }

    #[test]
    fn schemes_read_their_own_header() {
        let headers = |name: &str| match name {
            "X-Cloud-Auth-Token" => Some("t1".to_owned()),
            "Authorization" => Some("Bearer t2".to_owned()),
            _ => None,
        };
        assert_eq!(presented(Scheme::CloudToken, headers).as_deref(), Some("t1"));
        assert_eq!(presented(Scheme::Bearer, headers).as_deref(), Some("t2"));
        assert_eq!(presented(Scheme::Public, headers), None);
    }

    #[test]
    fn check_outcomes() {
        let c = config(&[("USERBRIDGE_ADMIN_TOKEN", "tok")]);
        assert!(check(&c, Scheme::Bearer, Some("tok")).is_ok());
        assert!(matches!(check(&c, Scheme::Bearer, Some("nope")), Err(ApiError::Unauthorized { presented: true })));
        assert!(matches!(check(&c, Scheme::Bearer, None), Err(ApiError::Unauthorized { presented: false })));
        assert!(check(&c, Scheme::Public, None).is_ok());
        let prod = config(&[("ENVIRONMENT", "production"), ("USERBRIDGE_ADMIN_TOKEN", "dev-admin-token")]);
        assert!(matches!(
            check(&prod, Scheme::Bearer, Some("dev-admin-token")),
            Err(ApiError::NotConfigured(CredentialProblem::DevelopmentDefault))
        ));
    }
}
