//! One module per dialect, all of the same shape:
//!
//! * wire types per operation (`CreateUser`, `UpdateUser`, the read representation `User`, and
//!   the dialect's success and error envelopes), every field documented with its vendor limit;
//! * `static CREATE` / `static UPDATE`: the field tables ([`crate::fields`]);
//! * a unit struct implementing [`crate::DialectSpec`]: `check` (rules beyond the table),
//!   `to_canonical`, `from_canonical`, `wire_pointer`.

pub mod devicehive;
pub mod learningcloud;
pub mod primavera;
pub mod publisher;
pub mod scim;

/// The array index that follows `prefix` in a canonical pointer (`/phones/2/value` → 2).
pub(crate) fn index_after(pointer: &str, prefix: &str) -> Option<usize> {
    pointer.strip_prefix(prefix)?.strip_prefix('/')?.split('/').next()?.parse().ok()
}
