//! The SCIM query language on its own (RFC 7644 §3.4.2, §3.5.2), over resources as JSON
//! (`serde_json::Value` shaped as RFC 7643 shows them): no wire types, no schema registry.
//!
//! - [`path`]: attribute paths (`name.givenName`, `urn:…:enterprise:2.0:User:manager.value`)
//!   and PATCH paths (`emails[type eq "work"].value`), resolved case-insensitively.
//! - [`filter`]: the `filter` parameter: parse to a [`Filter`], evaluate against a resource.
//! - [`sort`]: `sortBy` / `sortOrder`.
//! - [`projection`]: `attributes` / `excludedAttributes`.
//! - [`patch`]: applying PATCH operations.
//!
//! Schema knowledge enters as small functions of an [`AttrPath`] (is it `caseExact`? what is
//! its `returned`?), with the core User schema's answers provided ([`case_exact_for_user`],
//! [`returned_for_user`]), so the grammar and its semantics are tested without a server.
//!
//! ```
//! use serde_json::json;
//! use userbridge_core::query::{Filter, case_exact_for_user};
//!
//! let user = json!({"userName": "bjensen", "emails": [{"value": "bjensen@example.com", "type": "work"}]});
//! let filter = Filter::parse(r#"USERNAME eq "BJensen" and emails[type eq "work" and value co "@example.com"]"#)?;
//! assert!(filter.matches(&user, case_exact_for_user));
//!
//! let err = Filter::parse(r#"userName eq "bjensen"#).unwrap_err();
//! assert_eq!((err.position, err.message.as_str()), (12, "unterminated string: missing closing '\"'"));
//! # Ok::<(), userbridge_core::query::FilterError>(())
//! ```

pub mod filter;
pub mod patch;
pub mod path;
pub mod projection;
pub mod sort;

pub use filter::{CompareOp, Filter, FilterError, MAX_DEPTH, case_exact_for_user};
pub use patch::{PatchError, PatchOp, PatchOperation, apply_patch};
pub use path::{AttrPath, CORE_USER_URN, ENTERPRISE_USER_URN, PatchPath, PathError};
pub use projection::{Projection, Returned, returned_for_user};
pub use sort::{SortOrder, sort_resources};
