//! The SCIM filter language (RFC 7644 §3.4.2.2): a parser to a [`Filter`] tree and its
//! evaluation against a resource as JSON.
//!
//! ```text
//! FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
//! valuePath = attrPath "[" valFilter "]"
//! valFilter = attrExp / logExp / *1"not" "(" valFilter ")"
//! attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
//! logExp    = FILTER SP ("and" / "or") SP FILTER
//! compValue = false / null / true / number / string
//! compareOp = "eq" / "ne" / "co" / "sw" / "ew" / "gt" / "lt" / "ge" / "le"
//! ```
//!
//! Precedence (§3.4.2.2): grouping, then `not`, then `and`, then `or`. Operators, literals and
//! attribute names are case-insensitive. The parser is lenient about whitespace (any amount, or
//! none next to brackets and quotes) and strict about everything else: every error is a
//! [`FilterError`] with the character position it was found at, which a server answers as
//! `400 invalidFilter`. No input panics; nesting deeper than [`MAX_DEPTH`] is an error, so the
//! parser's recursion (and the evaluator's, and the tree's drop) stays bounded.
//!
//! `and`/`or` chains are n-ary nodes rather than nested pairs, so a filter of ten thousand `or`s
//! is one flat node, not a ten-thousand-deep tree.

use super::path::{AttrPath, PathError, char_pos};
use serde_json::{Number, Value};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// How deep parentheses, `not (…)` and value filters may nest.
pub const MAX_DEPTH: usize = 64;

/// A syntax error in a filter (SCIM `invalidFilter`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid filter at character {position}: {message}")]
pub struct FilterError {
    /// Character (not byte) offset of the offending token, counted from 0.
    pub position: usize,
    /// What is wrong, in English.
    pub message: String,
}

impl FilterError {
    /// The RFC 7644 §3.12 `scimType` of this error.
    pub const SCIM_TYPE: &'static str = "invalidFilter";
}

impl From<PathError> for FilterError {
    fn from(e: PathError) -> Self {
        FilterError { position: e.position, message: e.message }
    }
}

/// An attribute operator (RFC 7644 §3.4.2.2 Table 3), except `pr`, which is [`Filter::Present`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// Equal.
    Eq,
    /// Not equal: matches exactly when `eq` does not (also when the attribute is absent).
    Ne,
    /// Contains (substring), strings only.
    Co,
    /// Starts with, strings only.
    Sw,
    /// Ends with, strings only.
    Ew,
    /// Greater than: strings lexicographically, numbers numerically.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
}

impl CompareOp {
    /// Every operator, in the RFC's order.
    pub const ALL: [CompareOp; 9] = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Co,
        CompareOp::Sw,
        CompareOp::Ew,
        CompareOp::Gt,
        CompareOp::Lt,
        CompareOp::Ge,
        CompareOp::Le,
    ];

    /// The operator's wire name (lowercase).
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Co => "co",
            CompareOp::Sw => "sw",
            CompareOp::Ew => "ew",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }

    /// The operator named `word`, case-insensitively.
    pub fn parse(word: &str) -> Option<Self> {
        CompareOp::ALL.into_iter().find(|op| op.as_str().eq_ignore_ascii_case(word))
    }

    fn is_ordering(self) -> bool {
        matches!(self, CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le)
    }

    fn is_substring(self) -> bool {
        matches!(self, CompareOp::Co | CompareOp::Sw | CompareOp::Ew)
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `attr pr`.
    Present(AttrPath),
    /// `attr op value`; `value` is a JSON string, number, boolean or null.
    Compare {
        /// The attribute compared.
        path: AttrPath,
        /// The operator.
        op: CompareOp,
        /// The literal compared with.
        value: Value,
    },
    /// `attr[filter]`: some element of the (multi-valued, complex) attribute matches `filter`,
    /// whose paths name the element's sub-attributes.
    ValuePath {
        /// The multi-valued attribute.
        path: AttrPath,
        /// The filter each element is tested against.
        filter: Box<Filter>,
    },
    /// All of these (two or more).
    And(Vec<Filter>),
    /// Any of these (two or more).
    Or(Vec<Filter>),
    /// `not (filter)`.
    Not(Box<Filter>),
}

impl Filter {
    /// Parses a filter (the decoded value of the `filter` query parameter).
    pub fn parse(input: &str) -> Result<Filter, FilterError> {
        let mut parser = Parser::new(input, 0);
        if parser.peek()?.0 == Tok::End {
            return Err(parser.error(0, "the filter is empty"));
        }
        let filter = parser.parse_or()?;
        match parser.next()? {
            (Tok::End, _) => Ok(filter),
            (tok, at) => Err(parser
                .error(at, format!("unexpected {}: expected 'and', 'or' or the end of the filter", tok.describe()))),
        }
    }

    /// Whether `resource` matches.
    ///
    /// `case_exact` tells whether a string attribute compares case-sensitively (RFC 7643 §2.2
    /// `caseExact`; [`case_exact_for_user`] knows the core User schema). A multi-valued
    /// attribute matches when any element does; a complex value compared without sub-attribute
    /// compares its `value`; values of different JSON types never match; `ne` is the negation
    /// of `eq` (so it matches an absent attribute); `eq null` matches an absent or null one.
    pub fn matches(&self, resource: &Value, case_exact: impl Fn(&AttrPath) -> bool) -> bool {
        self.eval(resource, &case_exact)
    }

    /// Evaluation against one element of `outer` (a PATCH value filter): the filter's paths are
    /// relative to the element, and `case_exact` sees them joined to `outer`.
    pub(crate) fn matches_element(
        &self,
        element: &Value,
        outer: &AttrPath,
        case_exact: &dyn Fn(&AttrPath) -> bool,
    ) -> bool {
        self.eval(element, &|p: &AttrPath| case_exact(&outer.join(p)))
    }

    fn eval(&self, resource: &Value, case_exact: &dyn Fn(&AttrPath) -> bool) -> bool {
        match self {
            Filter::Present(path) => path.is_present(resource),
            Filter::Compare { path, op, value } => compare(path, *op, value, resource, case_exact),
            Filter::ValuePath { path, filter } => {
                let Some(attr) = path.attribute(resource) else {
                    return false;
                };
                match attr {
                    Value::Array(items) => {
                        items.iter().any(|item| item.is_object() && filter.matches_element(item, path, case_exact))
                    }
                    Value::Object(_) => filter.matches_element(attr, path, case_exact),
                    _ => false,
                }
            }
            Filter::And(items) => items.iter().all(|f| f.eval(resource, case_exact)),
            Filter::Or(items) => items.iter().any(|f| f.eval(resource, case_exact)),
            Filter::Not(inner) => !inner.eval(resource, case_exact),
        }
    }

    /// For a filter made only of `attr eq value` joined by `and` (`type eq "work"`), those
    /// pairs: what an element must hold to match, so a PATCH `add` can create it.
    pub(crate) fn equalities(&self) -> Option<Vec<(&AttrPath, &Value)>> {
        match self {
            Filter::Compare { path, op: CompareOp::Eq, value } if path.urn.is_none() && path.sub.is_none() => {
                Some(vec![(path, value)])
            }
            Filter::And(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.extend(item.equalities()?);
                }
                Some(out)
            }
            _ => None,
        }
    }
}

impl FromStr for Filter {
    type Err = FilterError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Filter::parse(s)
    }
}

/// The canonical text: lowercase operators, one space between tokens, parentheses only where
/// precedence needs them. Parsing it gives the same filter back.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Present(path) => write!(f, "{path} pr"),
            Filter::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
            Filter::ValuePath { path, filter } => write!(f, "{path}[{filter}]"),
            Filter::And(items) => join(f, items, " and ", |item| matches!(item, Filter::Or(_))),
            Filter::Or(items) => join(f, items, " or ", |_| false),
            Filter::Not(inner) => write!(f, "not ({inner})"),
        }
    }
}

fn join(f: &mut fmt::Formatter<'_>, items: &[Filter], sep: &str, paren: impl Fn(&Filter) -> bool) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        // A nested chain of the same kind keeps its own grouping visible: `(a or b) or c`.
        if paren(item) || matches!((item, sep), (Filter::And(_), " and ") | (Filter::Or(_), " or ")) {
            write!(f, "({item})")?;
        } else {
            write!(f, "{item}")?;
        }
    }
    Ok(())
}

/// `caseExact` of the core User schema and its common attributes (RFC 7643 §2.2: the default is
/// `false`). True for: `id` and `externalId` (§3.1), `meta.resourceType` and `meta.version`
/// (§3.1), `meta.location` (a reference, §2.3.7) and `x509Certificates.value` (binary, §2.3.6).
/// Everything else, `userName` and `emails.value` included, compares case-insensitively.
pub fn case_exact_for_user(path: &AttrPath) -> bool {
    if path.urn.is_some() {
        return false;
    }
    let name = |n: &str| path.name.eq_ignore_ascii_case(n);
    match path.sub.as_deref() {
        None => name("id") || name("externalId") || name("x509Certificates"),
        Some(sub) => {
            let sub = |s: &str| sub.eq_ignore_ascii_case(s);
            (name("meta") && (sub("resourceType") || sub("version") || sub("location")))
                || (name("x509Certificates") && sub("value"))
        }
    }
}

fn compare(
    path: &AttrPath,
    op: CompareOp,
    literal: &Value,
    resource: &Value,
    case_exact: &dyn Fn(&AttrPath) -> bool,
) -> bool {
    match (op, literal) {
        (CompareOp::Ne, _) => !compare(path, CompareOp::Eq, literal, resource, case_exact),
        (CompareOp::Eq, Value::Null) => !path.visit(resource, &mut |v| !v.is_null()),
        (_, Value::String(_)) => {
            let exact = case_exact(path);
            path.visit(resource, &mut |v| test(op, v, literal, exact))
        }
        _ => path.visit(resource, &mut |v| test(op, v, literal, false)),
    }
}

/// One attribute value against the literal. Different JSON types never match.
fn test(op: CompareOp, value: &Value, literal: &Value, exact: bool) -> bool {
    match (value, literal) {
        (Value::String(a), Value::String(b)) => match op {
            CompareOp::Eq => str_eq(a, b, exact),
            CompareOp::Ne => !str_eq(a, b, exact),
            CompareOp::Co => contains(a, b, exact),
            CompareOp::Sw => starts_with(a, b, exact),
            CompareOp::Ew => ends_with(a, b, exact),
            CompareOp::Gt => str_cmp(a, b, exact) == Ordering::Greater,
            CompareOp::Ge => str_cmp(a, b, exact) != Ordering::Less,
            CompareOp::Lt => str_cmp(a, b, exact) == Ordering::Less,
            CompareOp::Le => str_cmp(a, b, exact) != Ordering::Greater,
        },
        (Value::Number(a), Value::Number(b)) => {
            let Some(ord) = num_cmp(a, b) else {
                return false;
            };
            match op {
                CompareOp::Eq => ord == Ordering::Equal,
                CompareOp::Ne => ord != Ordering::Equal,
                CompareOp::Gt => ord == Ordering::Greater,
                CompareOp::Ge => ord != Ordering::Less,
                CompareOp::Lt => ord == Ordering::Less,
                CompareOp::Le => ord != Ordering::Greater,
                CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
            }
        }
        (Value::Bool(a), Value::Bool(b)) => match op {
            CompareOp::Eq => a == b,
            CompareOp::Ne => a != b,
            _ => false,
        },
        _ => false,
    }
}

/// Numeric order: exact for integers, `f64` otherwise.
pub(crate) fn num_cmp(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

/// Equality; case-insensitive (Unicode lowercase) unless `exact`.
pub(crate) fn str_eq(a: &str, b: &str, exact: bool) -> bool {
    if exact {
        a == b
    } else if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.chars().flat_map(char::to_lowercase).eq(b.chars().flat_map(char::to_lowercase))
    }
}

/// Order; case-insensitive (Unicode lowercase, code point order, no locale) unless `exact`.
pub(crate) fn str_cmp(a: &str, b: &str, exact: bool) -> Ordering {
    if exact { a.cmp(b) } else { a.chars().flat_map(char::to_lowercase).cmp(b.chars().flat_map(char::to_lowercase)) }
}

fn starts_with(a: &str, b: &str, exact: bool) -> bool {
    if exact {
        a.starts_with(b)
    } else if a.is_ascii() && b.is_ascii() {
        a.len() >= b.len() && a.as_bytes()[..b.len()].eq_ignore_ascii_case(b.as_bytes())
    } else {
        a.to_lowercase().starts_with(&b.to_lowercase())
    }
}

fn ends_with(a: &str, b: &str, exact: bool) -> bool {
    if exact {
        a.ends_with(b)
    } else if a.is_ascii() && b.is_ascii() {
        a.len() >= b.len() && a.as_bytes()[a.len() - b.len()..].eq_ignore_ascii_case(b.as_bytes())
    } else {
        a.to_lowercase().ends_with(&b.to_lowercase())
    }
}

fn contains(a: &str, b: &str, exact: bool) -> bool {
    if exact {
        a.contains(b)
    } else if a.is_ascii() && b.is_ascii() {
        b.is_empty() || a.as_bytes().windows(b.len()).any(|w| w.eq_ignore_ascii_case(b.as_bytes()))
    } else {
        a.to_lowercase().contains(&b.to_lowercase())
    }
}

/// Parses a value filter starting right after its `[` at byte `start` of `src`; returns it and
/// the byte offset just past the closing `]`. For [`PatchPath`](super::path::PatchPath).
pub(crate) fn parse_value_filter(src: &str, start: usize) -> Result<(Filter, usize), FilterError> {
    let mut parser = Parser::new(src, start);
    parser.depth = 1;
    parser.in_value_path = true;
    let filter = parser.parse_or()?;
    match parser.next()? {
        (Tok::RBracket, _) => Ok((filter, parser.pos)),
        (Tok::End, _) => Err(parser.error(start.saturating_sub(1), "'[' is never closed")),
        (tok, at) => Err(parser.error(at, format!("expected ']' to close the value filter, found {}", tok.describe()))),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Str(String),
    Word(&'a str),
    End,
}

impl Tok<'_> {
    fn describe(&self) -> String {
        match self {
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::LBracket => "'['".into(),
            Tok::RBracket => "']'".into(),
            Tok::Str(s) => format!("the string {}", Value::String(s.clone())),
            Tok::Word(w) => format!("'{w}'"),
            Tok::End => "the end of the filter".into(),
        }
    }
}

/// A recursive-descent parser over an on-demand lexer; positions are bytes until an error is
/// built, then characters.
struct Parser<'a> {
    src: &'a str,
    pos: usize,
    peeked: Option<(Tok<'a>, usize)>,
    depth: usize,
    in_value_path: bool,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, pos: usize) -> Self {
        Parser { src, pos, peeked: None, depth: 0, in_value_path: false }
    }

    fn error(&self, byte: usize, message: impl Into<String>) -> FilterError {
        FilterError { position: char_pos(self.src, byte), message: message.into() }
    }

    fn peek(&mut self) -> Result<&(Tok<'a>, usize), FilterError> {
        if self.peeked.is_none() {
            let tok = self.lex()?;
            self.peeked = Some(tok);
        }
        match &self.peeked {
            Some(tok) => Ok(tok),
            None => Err(self.error(self.pos, "internal: no token")),
        }
    }

    fn next(&mut self) -> Result<(Tok<'a>, usize), FilterError> {
        match self.peeked.take() {
            Some(tok) => Ok(tok),
            None => self.lex(),
        }
    }

    fn lex(&mut self) -> Result<(Tok<'a>, usize), FilterError> {
        let rest = self.src.get(self.pos..).unwrap_or("");
        let trimmed = rest.trim_start();
        let start = self.pos + (rest.len() - trimmed.len());
        let Some(c) = trimmed.chars().next() else {
            self.pos = self.src.len();
            return Ok((Tok::End, start));
        };
        let single = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            _ => None,
        };
        if let Some(tok) = single {
            self.pos = start + 1;
            return Ok((tok, start));
        }
        if c == '"' {
            return self.lex_string(start);
        }
        let len = trimmed
            .find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '"'))
            .unwrap_or(trimmed.len());
        self.pos = start + len;
        Ok((Tok::Word(&trimmed[..len]), start))
    }

    /// A JSON string (RFC 8259 §7): find the closing quote, let serde_json decode the escapes.
    fn lex_string(&mut self, start: usize) -> Result<(Tok<'a>, usize), FilterError> {
        let bytes = self.src.as_bytes();
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => {
                    let raw = self.src.get(start..=i).unwrap_or("");
                    return match serde_json::from_str::<String>(raw) {
                        Ok(s) => {
                            self.pos = i + 1;
                            Ok((Tok::Str(s), start))
                        }
                        Err(e) => Err(self.error(start, format!("invalid string literal: {e}"))),
                    };
                }
                _ => i += 1,
            }
        }
        Err(self.error(start, "unterminated string: missing closing '\"'"))
    }

    fn enter(&mut self, at: usize) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(at, format!("the filter nests deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn keyword(&mut self, word: &str) -> Result<bool, FilterError> {
        Ok(matches!(&self.peek()?.0, Tok::Word(w) if w.eq_ignore_ascii_case(word)))
    }

    fn parse_or(&mut self) -> Result<Filter, FilterError> {
        let mut items = vec![self.parse_and()?];
        while self.keyword("or")? {
            self.next()?;
            items.push(self.parse_and()?);
        }
        Ok(if items.len() == 1 { items.swap_remove(0) } else { Filter::Or(items) })
    }

    fn parse_and(&mut self) -> Result<Filter, FilterError> {
        let mut items = vec![self.parse_unary()?];
        while self.keyword("and")? {
            self.next()?;
            items.push(self.parse_unary()?);
        }
        Ok(if items.len() == 1 { items.swap_remove(0) } else { Filter::And(items) })
    }

    fn parse_unary(&mut self) -> Result<Filter, FilterError> {
        match self.next()? {
            (Tok::LParen, at) => {
                self.enter(at)?;
                let inner = self.parse_or()?;
                self.close(Tok::RParen, at)?;
                self.depth -= 1;
                Ok(inner)
            }
            (Tok::Word(word), at) => {
                // `not` is an operator only when '(' follows; otherwise it is an attribute name.
                if word.eq_ignore_ascii_case("not") && self.peek()?.0 == Tok::LParen {
                    let (_, open) = self.next()?;
                    self.enter(open)?;
                    let inner = self.parse_or()?;
                    self.close(Tok::RParen, open)?;
                    self.depth -= 1;
                    return Ok(Filter::Not(Box::new(inner)));
                }
                self.parse_attr_exp(word, at)
            }
            (tok, at) => {
                Err(self.error(at, format!("expected an attribute path, '(' or 'not (', found {}", tok.describe())))
            }
        }
    }

    /// Consumes the closer of the group opened at byte `open`.
    fn close(&mut self, expected: Tok<'static>, open: usize) -> Result<(), FilterError> {
        let opener = if expected == Tok::RBracket { "'['" } else { "'('" };
        match self.next()? {
            (tok, _) if tok == expected => Ok(()),
            (Tok::End, _) => Err(self.error(open, format!("{opener} is never closed"))),
            (tok, at) => {
                Err(self.error(at, format!("expected {} or 'and'/'or', found {}", expected.describe(), tok.describe())))
            }
        }
    }

    fn parse_attr_exp(&mut self, word: &'a str, at: usize) -> Result<Filter, FilterError> {
        let path = AttrPath::parse(word)
            .map_err(|e| FilterError { position: char_pos(self.src, at) + e.position, message: e.message })?;
        match self.next()? {
            (Tok::LBracket, open) => {
                if self.in_value_path {
                    return Err(self.error(open, "a value filter cannot contain another value filter"));
                }
                if path.sub.is_some() {
                    return Err(self.error(
                        open,
                        format!(
                            "a value filter applies to a multi-valued attribute, not to the sub-attribute '{path}'"
                        ),
                    ));
                }
                self.enter(open)?;
                self.in_value_path = true;
                let inner = self.parse_or()?;
                self.in_value_path = false;
                self.close(Tok::RBracket, open)?;
                self.depth -= 1;
                if self.src.get(self.pos..).is_some_and(|rest| rest.starts_with('.')) {
                    let inner = self.value_path_sub_attribute(inner)?;
                    return Ok(Filter::ValuePath { path, filter: Box::new(inner) });
                }
                Ok(Filter::ValuePath { path, filter: Box::new(inner) })
            }
            tok => self.parse_operator(path, word, tok),
        }
    }

    /// `emails[type eq "work"].value eq "x"` (Microsoft Entra sends it; RFC 7644's grammar does
    /// not have it): the element filter and the sub-attribute's comparison, both on one element,
    /// as `emails[type eq "work" and value eq "x"]`.
    fn value_path_sub_attribute(&mut self, inner: Filter) -> Result<Filter, FilterError> {
        let (tok, at) = self.next()?;
        let Tok::Word(dotted) = tok else {
            return Err(self.error(at, "expected a sub-attribute after ']'"));
        };
        let name = dotted.get(1..).unwrap_or("");
        let sub = AttrPath::parse(name)
            .map_err(|e| FilterError { position: char_pos(self.src, at) + 1 + e.position, message: e.message })?;
        if sub.urn.is_some() || sub.sub.is_some() {
            return Err(self.error(at, format!("'{dotted}' must name one sub-attribute")));
        }
        let next = self.next()?;
        let compare = self.parse_operator(sub, name, next)?;
        Ok(match inner {
            Filter::And(mut items) => {
                items.push(compare);
                Filter::And(items)
            }
            other => Filter::And(vec![other, compare]),
        })
    }

    /// The operator (and literal) after the attribute path `word`, whose next token is `tok`.
    fn parse_operator(&mut self, path: AttrPath, word: &str, tok: (Tok<'a>, usize)) -> Result<Filter, FilterError> {
        match tok {
            (Tok::Word(op_word), op_at) => {
                if op_word.eq_ignore_ascii_case("pr") {
                    return Ok(Filter::Present(path));
                }
                let Some(op) = CompareOp::parse(op_word) else {
                    return Err(self.error(
                        op_at,
                        format!("unknown operator '{op_word}': expected eq, ne, co, sw, ew, gt, lt, ge, le or pr"),
                    ));
                };
                let value = self.parse_value(op, op_at)?;
                Ok(Filter::Compare { path, op, value })
            }
            (Tok::End, end) => Err(self.error(end, format!("missing operator after '{word}'"))),
            (tok, tok_at) => {
                Err(self.error(tok_at, format!("expected an operator after '{word}', found {}", tok.describe())))
            }
        }
    }

    fn parse_value(&mut self, op: CompareOp, op_at: usize) -> Result<Value, FilterError> {
        let (value, at) = match self.next()? {
            (Tok::Str(s), at) => (Value::String(s), at),
            (Tok::Word(w), at) => {
                let value = if w.eq_ignore_ascii_case("true") {
                    Value::Bool(true)
                } else if w.eq_ignore_ascii_case("false") {
                    Value::Bool(false)
                } else if w.eq_ignore_ascii_case("null") {
                    Value::Null
                } else if w.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
                    match serde_json::from_str::<Number>(w) {
                        Ok(n) => Value::Number(n),
                        Err(_) => return Err(self.error(at, format!("'{w}' is not a JSON number"))),
                    }
                } else {
                    return Err(self.error(
                        at,
                        format!("expected a value after '{op}' (a \"quoted string\", a number, true, false or null), found '{w}'"),
                    ));
                };
                (value, at)
            }
            (Tok::End, _) => return Err(self.error(op_at, format!("missing value after '{op}'"))),
            (tok, at) => {
                return Err(self.error(at, format!("expected a value after '{op}', found {}", tok.describe())));
            }
        };
        // RFC 7644 §3.4.2.2: gt/ge/lt/le on a boolean is 400 invalidFilter; null has no order
        // either, and co/sw/ew are substring tests.
        if op.is_ordering() && matches!(value, Value::Bool(_) | Value::Null) {
            return Err(self.error(at, format!("'{op}' cannot order {value}: only strings and numbers have an order")));
        }
        if op.is_substring() && !value.is_string() {
            return Err(
                self.error(at, format!("'{op}' tests substrings: its value must be a quoted string, not {value}"))
            );
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn and_chains_are_flat() {
        let text = vec!["title pr"; 1000].join(" or ");
        match Filter::parse(&text) {
            Ok(Filter::Or(items)) => assert_eq!(items.len(), 1000),
            other => unreachable!("{other:?}"),
        }
    }

    #[test]
    fn error_positions_count_characters() {
        // 'ë' is two bytes; `xx` starts at byte 22, character 21.
        let err = Filter::parse("displayName eq \"Zoë\" xx").err();
        assert_eq!(err.map(|e| e.position), Some(21));
    }

    #[test]
    fn equalities_of_a_conjunction() {
        let f = Filter::parse(r#"type eq "work" and primary eq true"#).ok();
        let eqs = f.as_ref().and_then(Filter::equalities).map(|v| v.len());
        assert_eq!(eqs, Some(2));
        let f = Filter::parse(r#"type eq "work" or primary eq true"#).ok();
        assert!(f.as_ref().and_then(Filter::equalities).is_none());
    }

    /// Entra's `emails[type eq "work"].value eq "x"` is `emails[type eq "work" and value eq "x"]`.
    #[test]
    fn a_sub_attribute_after_a_value_filter() {
        let entra = Filter::parse(r#"emails[type eq "work"].value eq "a@x.org""#);
        let and = Filter::parse(r#"emails[type eq "work" and value eq "a@x.org"]"#);
        assert_eq!(entra, and);
        let or = Filter::parse(r#"emails[type eq "work" or type eq "home"].value pr"#).map(|f| f.to_string());
        assert_eq!(or.as_deref(), Ok(r#"emails[(type eq "work" or type eq "home") and value pr]"#));
        let user =
            serde_json::json!({"emails": [{"type": "home", "value": "a@x.org"}, {"type": "work", "value": "b@x.org"}]});
        let m = |f: &str| Filter::parse(f).is_ok_and(|f| f.matches(&user, case_exact_for_user));
        assert!(m(r#"emails[type eq "work"].value eq "B@x.org""#));
        assert!(!m(r#"emails[type eq "work"].value eq "a@x.org""#), "both on one element");
        for bad in [
            r#"emails[type eq "work"]."#,
            r#"emails[type eq "work"].value"#,
            r#"emails[type eq "work"].a.b eq 1"#,
            r#"emails[type eq "work"].value eq"#,
            r#"emails[type eq "work"].(x) eq 1"#,
        ] {
            assert!(Filter::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn path_module_non_empty() {
        assert!(!crate::query::path::non_empty(&serde_json::json!({"a": null, "b": ""})));
    }
}
