//! One module per dialect, all of the same shape:
//!
//! * the rows ([`crate::fields::Field`]): each field once, with its vendor limits and its
//!   canonical home ([`crate::mapping`]); `CREATE` / `UPDATE` are the operations' tables, built
//!   from one table by [`crate::fields::select`] where the operations share their fields;
//! * the rules a row cannot say, as code named after the vendor rule, in the unit struct that
//!   implements [`crate::DialectSpec`]: `check` (validation), `read_rules` / `write_rules`
//!   (mapping), `update_rules` and `update_mode` (updates), `wire_pointer_rules`;
//! * typed wire structs only where they earn their keep: envelopes, error bodies, read
//!   representations, and the entries of multi-valued attributes.

pub mod devicehive;
pub mod learningcloud;
pub mod primavera;
pub mod publisher;
pub mod scim;

/// The array index that follows `prefix` in a canonical pointer (`/phones/2/value` → 2).
pub(crate) fn index_after(pointer: &str, prefix: &str) -> Option<usize> {
    crate::mapping::tokens(pointer.strip_prefix(prefix)?).next()?.parse().ok()
}
