//! What every fuzz target does with its bytes, for one dialect: parse (JSON, and XML for
//! publisher) → validate → canonicalize → translate to all five dialects. Any panic is a bug.

use userbridge_core::{BodyFormat, Dialect, Op};

pub fn exercise(dialect: Dialect, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let formats: &[BodyFormat] =
        if dialect == Dialect::Publisher { &[BodyFormat::Json, BodyFormat::Xml] } else { &[BodyFormat::Json] };
    for &format in formats {
        for op in Op::ALL {
            let Ok(value) = dialect.spec().parse(op, text, format) else { continue };
            let report = userbridge_core::validate(dialect, op, &value);
            if !report.is_valid() {
                continue;
            }
            for to in Dialect::ALL {
                if let Ok(t) = userbridge_core::translate(dialect, to, op, &value) {
                    let _ = to.spec().render(&t.body, format);
                }
            }
        }
    }
}
