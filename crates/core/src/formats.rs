//! Value formats checked for real, without `regex` (it would cost the widget ~100 KiB of wasm).
//!
//! The time-zone, language and region tables are generated from Debian's `tzdata` (2025b,
//! `tzdata.zi`, zones and links) and `iso-codes` 4.15 (ISO 639-1 and ISO 3166-1 alpha-2). They are
//! embedded as sorted, newline-separated text (10.4 KB; 4.2 KB gzip) and binary-searched, which
//! keeps them out of the data-segment relocation tables a `&[&str]` would need.

static TIMEZONES: &str = include_str!("data/timezones.txt");
static LANGUAGES: &str = include_str!("data/languages.txt");
static REGIONS: &str = include_str!("data/regions.txt");

/// Binary search in a sorted (bytewise) newline-terminated list.
fn table_contains(table: &str, needle: &str) -> bool {
    if needle.is_empty() || needle.contains('\n') {
        return false;
    }
    let bytes = table.as_bytes();
    let (mut lo, mut hi) = (0usize, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        // Move back to the start of the line that holds `mid`, then to its end (plain loops: the
        // lines are short, and `memrchr`/`memchr` calls cost more than the few bytes they scan).
        let mut start = mid;
        while start > 0 && bytes[start - 1] != b'\n' {
            start -= 1;
        }
        let mut end = start;
        while end < bytes.len() && bytes[end] != b'\n' {
            end += 1;
        }
        let line = &bytes[start..end];
        match line.cmp(needle.as_bytes()) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

/// An IANA time-zone name (zone or link), e.g. `Europe/London`, `UTC`.
pub fn is_timezone(s: &str) -> bool {
    table_contains(TIMEZONES, s)
}

/// An ISO 639-1 two-letter language code, lower case.
pub fn is_language(s: &str) -> bool {
    LANGUAGE_SET.contains(s)
}

/// An ISO 3166-1 alpha-2 region code, upper case.
pub fn is_region(s: &str) -> bool {
    REGION_SET.contains(s)
}

/// A set of two-letter codes in one case, as 26 × 26 bits built from a table at compile time:
/// a locale is checked several times per translation (read, view, loss report), and a lookup
/// here is two subtractions, where the binary search walked lines of text.
struct Pairs {
    first: u8,
    bits: [u32; 22],
}

impl Pairs {
    const fn of(table: &str, first: u8) -> Pairs {
        let bytes = table.as_bytes();
        let mut bits = [0u32; 22];
        let mut i = 0;
        while i + 2 < bytes.len() + 1 {
            // Every line is two letters of the table's case (`every_table_line_is_found`).
            let n = (bytes[i] - first) as usize * 26 + (bytes[i + 1] - first) as usize;
            bits[n / 32] |= 1 << (n % 32);
            i += 3;
        }
        Pairs { first, bits }
    }

    fn contains(&self, s: &str) -> bool {
        let &[a, b] = s.as_bytes() else { return false };
        let (a, b) = (a.wrapping_sub(self.first), b.wrapping_sub(self.first));
        if a >= 26 || b >= 26 {
            return false;
        }
        let n = usize::from(a) * 26 + usize::from(b);
        self.bits[n / 32] & (1 << (n % 32)) != 0
    }
}

static LANGUAGE_SET: Pairs = Pairs::of(LANGUAGES, b'a');
static REGION_SET: Pairs = Pairs::of(REGIONS, b'A');

/// A locale as the dialects write them: `en`, `pt_BR`, `en-GB`, `zh-Hant-TW`, `es-419`.
/// Language (ISO 639-1), optional 4-letter script, optional region (ISO 3166-1 or UN M.49 digits).
pub fn is_locale(s: &str) -> bool {
    let mut parts = s.split(['-', '_']);
    let Some(lang) = parts.next() else { return false };
    if !is_language(lang) {
        return false;
    }
    let mut seen_script = false;
    let mut seen_region = false;
    for part in parts {
        let script = part.len() == 4
            && part.starts_with(|c: char| c.is_ascii_uppercase())
            && part[1..].chars().all(|c| c.is_ascii_lowercase());
        let region = is_region(part) || (part.len() == 3 && part.chars().all(|c| c.is_ascii_digit()));
        if script && !seen_script && !seen_region {
            seen_script = true;
        } else if region && !seen_region {
            seen_region = true;
        } else {
            return false;
        }
    }
    true
}

/// A practical RFC 5321 mailbox check: one `@`, a dot-atom local part, and a domain of at least
/// two LDH labels. Quoted local parts and IP-literal domains are rejected: no vendor accepts them.
pub fn is_email(s: &str) -> bool {
    if s.len() > 254 {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else { return false };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c) || !c.is_ascii());
    local_ok && is_hostname(domain) && domain.contains('.')
}

fn is_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
        })
}

/// An absolute URL with one of the given schemes and a host; no spaces or control characters.
pub fn is_url(s: &str, schemes: &[&str]) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else { return false };
    if !schemes.iter().any(|x| scheme.eq_ignore_ascii_case(x)) {
        return false;
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host_port,
    };
    is_hostname(host) || (host.starts_with('[') && host.ends_with(']') && host.len() > 2)
}

/// Standard base64 (RFC 4648 §4) with padding; whitespace-free; non-empty.
pub fn is_base64(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !b.len().is_multiple_of(4) {
        return false;
    }
    let pad = b.iter().rev().take_while(|&&c| c == b'=').count();
    if pad > 2 {
        return false;
    }
    b[..b.len() - pad].iter().all(|&c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}

/// A `type/subtype` MIME type whose type is `kind` (e.g. `image`), RFC 6838 token characters.
pub fn is_mime_of(s: &str, kind: &str) -> bool {
    let Some((t, sub)) = s.split_once('/') else { return false };
    let token = |x: &str| {
        !x.is_empty() && x.len() <= 127 && x.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    t.eq_ignore_ascii_case(kind) && token(sub)
}

/// DeviceHive's login rule: `^[\w@.-]+$` with Java's ASCII `\w`.
pub fn is_login(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_@.-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timezones_valid() {
        for tz in ["Europe/London", "Europe/Madrid", "America/Argentina/Buenos_Aires", "UTC", "US/Eastern", "Etc/GMT+5"]
        {
            assert!(is_timezone(tz), "{tz}");
        }
    }

    #[test]
    fn timezones_invalid() {
        for tz in ["", "Europe", "europe/london", "Mars/Olympus", "Europe/London\nUTC", "UTC "] {
            assert!(!is_timezone(tz), "{tz:?}");
        }
    }

    #[test]
    fn every_table_line_is_found() {
        for table in [TIMEZONES, LANGUAGES, REGIONS] {
            let lines: Vec<&str> = table.lines().collect();
            assert!(lines.windows(2).all(|w| w[0] < w[1]), "table must be sorted");
            assert!(lines.iter().all(|l| table_contains(table, l)));
        }
        // The two-letter sets hold exactly their tables' lines.
        for (table, set, first) in [(LANGUAGES, &LANGUAGE_SET, b'a'), (REGIONS, &REGION_SET, b'A')] {
            for a in first..first + 26 {
                for b in first..first + 26 {
                    let code = String::from_utf8(vec![a, b]).unwrap_or_default();
                    assert_eq!(set.contains(&code), table_contains(table, &code), "{code}");
                }
            }
            assert!(table.lines().all(|l| l.len() == 2));
        }
    }

    #[test]
    fn locales() {
        for ok in ["en", "es", "pt_BR", "pt-BR", "zh_TW", "zh-Hant-TW", "es-419", "en-GB"] {
            assert!(is_locale(ok), "{ok}");
        }
        for bad in ["", "english", "xx", "en-XX", "en_", "EN", "en-GB-GB", "pt_br"] {
            assert!(!is_locale(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["user@domain.com", "a.b+c@sub.example.org", "secretary@domain.com"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in ["", "user", "user@", "@domain.com", "a..b@x.com", "user@localhost", "us er@x.com", "a@-x.com"] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn urls() {
        assert!(is_url("http://blog.newrelic.com/wp-content/uploads/java-logo.jpg", &["http", "https"]));
        assert!(is_url("https://x.example:8443/a?b#c", &["https"]));
        assert!(!is_url("http://x.example/a", &["https"]));
        assert!(!is_url("javascript:alert(1)", &["http", "https"]));
        assert!(!is_url("https:///nohost", &["https"]));
        assert!(!is_url("https://a b.com", &["https"]));
    }

    #[test]
    fn base64_and_mime() {
        assert!(is_base64("iVBORw0KGgo="));
        assert!(is_base64("YWJj"));
        assert!(!is_base64("YWJ"));
        assert!(!is_base64("Y*Jj"));
        assert!(!is_base64("===="));
        assert!(is_mime_of("image/png", "image"));
        assert!(is_mime_of("image/svg+xml", "image"));
        assert!(!is_mime_of("text/plain", "image"));
        assert!(!is_mime_of("image/", "image"));
    }

    #[test]
    fn logins() {
        assert!(is_login("john.doe@acme-corp_1"));
        assert!(!is_login("john doe"));
        assert!(!is_login("jöhn"));
    }
}
