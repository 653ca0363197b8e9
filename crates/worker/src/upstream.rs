//! Proxy mode's client: one upstream speaking one of the five dialects, at its vendor's own paths.
//!
//! Everything here speaks canonical users. Each dialect's API (paths, envelope, id field, where
//! each operation is, how a body is wrapped, where the credential goes) is declared once in
//! [`crate::endpoints`], where the dialect's own routes answer too; this client reads that
//! declaration and asks no dialect which it is. What a caller sees is decided elsewhere (the
//! caller's route module); what the facade remembers about upstream users (the identity mapping)
//! is in [`crate::proxy`].
//!
//! Failure policy (docs/proxy.md#answer-path): a call that does not answer within `UPSTREAM_TIMEOUT_MS` is
//! [`UpstreamError::Timeout`] (504); 5xx, a refused connection or an unreadable answer is
//! [`UpstreamError::BadGateway`] (502). Idempotent calls (GET, PUT, DELETE) are retried at most
//! twice on those, after 50 and 150 ms; a create (POST) never is, since the upstream may have
//! done it.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::{Either, select};
use serde_json::{Value, json};
use userbridge_core::canonical::Status;
use userbridge_core::translate::losses;
use userbridge_core::{Code, Dialect, Op, Report, User, Violation};
use worker::{AbortController, Date, Delay, Fetch, Headers, Method, Request, RequestInit, console_error};

use crate::config::UpstreamConfig;
use crate::endpoints::{self, Api, CreatedId, Credential, Delete, Find, Update, devicehive as dh_paths};
use crate::plan::Write;
use crate::trip::Trip;

/// The delays before the two retries of an idempotent call.
const BACKOFF_MS: [u64; 2] = [50, 150];

/// What went wrong upstream, in terms the caller's dialect can answer.
#[derive(Debug)]
pub enum UpstreamError {
    /// No answer within the timeout. 504.
    Timeout,
    /// 5xx, connection failure, our credential refused, or an answer we cannot read. 502; the
    /// detail is for the log only.
    BadGateway { status: Option<u16>, detail: String },
    /// The upstream has no such user. 404.
    NotFound,
    /// The upstream refused the body (400/422), or the body lacks what the upstream requires:
    /// violations at canonical pointers (the caller's route maps them to its own fields).
    Rejected(Report),
    /// The upstream already has a user with this identity. 409 (or the caller's duplicate status).
    Duplicate,
    /// The upstream's `If-Match` check failed: the record changed since it was read.
    Changed,
    /// The upstream's API has no such operation (primavera has no delete). 501.
    Unsupported(&'static str),
    /// A lookup by email found several users (a SCIM upstream allows shared addresses).
    Ambiguous,
}

/// A user as the upstream holds it.
#[derive(Debug, Clone)]
pub struct Remote {
    /// The upstream's identifier, as its paths take it.
    pub id: String,
    pub user: User,
    /// The upstream's `ETag`, sent back as `If-Match` where the dialect has one (SCIM).
    pub etag: Option<String>,
}

impl Remote {
    /// A version for the caller's `ETag`/`If-Match` and the read–merge–write check: a hash of
    /// what the upstream holds, so any change upstream (by anyone) changes it.
    pub fn fingerprint(&self) -> i64 {
        let text = serde_json::to_string(&self.user).unwrap_or_default();
        // FNV-1a, kept to 53 bits: versions travel as JavaScript numbers.
        let hash =
            text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        (hash & ((1 << 53) - 1)) as i64
    }
}

/// How to find a user at the upstream besides its own id.
pub enum Lookup<'a> {
    Username(&'a str),
    Email(&'a str),
}

/// One upstream answer, read to the end.
struct Answer {
    status: u16,
    etag: Option<String>,
    location: Option<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Result<Value, UpstreamError> {
        serde_json::from_str(&self.body).map_err(|e| UpstreamError::BadGateway {
            status: Some(self.status),
            detail: format!("unreadable JSON answer: {e}"),
        })
    }
}

thread_local! {
    /// The DeviceHive access token of this isolate, reused until the upstream refuses it.
    static DEVICEHIVE_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The upstream of one request.
pub struct Upstream {
    config: UpstreamConfig,
    /// Sent upstream as `X-Request-Id` and written in failure log lines.
    request_id: String,
    /// The request's idempotency key to forward, and where the calls' count and wait go.
    trip: Rc<Trip>,
}

impl Upstream {
    pub fn new(config: UpstreamConfig, request_id: String, trip: Rc<Trip>) -> Upstream {
        Upstream { config, request_id, trip }
    }

    pub fn dialect(&self) -> Dialect {
        self.config.dialect
    }

    /// The upstream dialect's API, as its routes answer it.
    fn api(&self) -> &'static Api {
        endpoints::api(self.config.dialect)
    }

    /// The user collection at the vendor's path, where the dialect's own routes answer too.
    fn collection(&self) -> &'static str {
        self.api().users
    }

    fn item(&self, id: &str) -> String {
        format!("{}/{}", self.collection(), segment(id))
    }

    /// The fields of `user` the upstream cannot hold as given (canonical pointers): what the
    /// `X-Userbridge-Lost` header lists.
    pub fn lost(&self, op: Op, user: &User) -> Vec<String> {
        let spec = self.config.dialect.spec();
        let body = spec.from_canonical(op, user);
        let held = spec.to_canonical(op, &spec.prepare(op, &body).0).unwrap_or_default();
        let mut out: Vec<String> = Vec::new();
        for (pointer, _, _) in losses(user, &held) {
            // `id`/`uid` are the facade's; the upstream has its own.
            if pointer == "/id" || pointer == "/uid" || out.iter().any(|p| pointer == *p) {
                continue;
            }
            out.push(pointer.into_string());
        }
        out
    }

    /// Creates the user upstream. What it stored comes from the answer where the answer carries
    /// it, else from a read back when `read_back`, else it is the body as the upstream's dialect
    /// holds it ([`crate::plan::held`]).
    pub async fn create(&self, user: &User, read_back: bool) -> Result<Remote, UpstreamError> {
        let dialect = self.config.dialect;
        let body = dialect.spec().from_canonical(Op::Create, user);
        self.check(Op::Create, &body)?;
        let answer = self.call(Method::Post, self.collection(), Some(&body), None).await?;
        let id = match self.api().created_id {
            CreatedId::Location => {
                let json = answer.json().ok();
                let location = answer.location.clone().or_else(|| {
                    json.as_ref().and_then(|j| j.get("location")).and_then(Value::as_str).map(str::to_owned)
                });
                location.and_then(|l| l.rsplit('/').next().map(str::to_owned)).filter(|id| !id.is_empty())
            }
            CreatedId::Record => id_at(&answer.json()?, &self.api().id_pointer()),
        };
        let id = id.ok_or_else(|| UpstreamError::BadGateway {
            status: Some(answer.status),
            detail: "the create answer names no user id".into(),
        })?;
        match self.record_in(answer, &id)? {
            Some(remote) => Ok(remote),
            None if read_back => self.get(&id).await,
            None => Ok(Remote { id, user: crate::plan::held(dialect, user), etag: None }),
        }
    }

    /// The stored record when a write's answer carries it (primavera's create answers the
    /// entity, SCIM answers the resource and its `ETag`), saving a read; `None` otherwise.
    fn record_in(&self, answer: Answer, id: &str) -> Result<Option<Remote>, UpstreamError> {
        if !self.api().carries_record.by(answer.status) {
            return Ok(None);
        }
        let user = self.to_canonical(answer.json()?)?;
        Ok(Some(Remote { id: id.to_owned(), user, etag: answer.etag }))
    }

    /// The user under the upstream's own id.
    pub async fn get(&self, id: &str) -> Result<Remote, UpstreamError> {
        let answer = self.call(Method::Get, &self.item(id), None, None).await?;
        let user = self.to_canonical(answer.json()?)?;
        Ok(Remote { id: id.to_owned(), user, etag: answer.etag })
    }

    /// Finds a user by username or email with the upstream's own lookup, where it has one.
    pub async fn lookup(&self, key: Lookup<'_>) -> Result<Option<Remote>, UpstreamError> {
        let api = self.api();
        let (find, value) = match key {
            Lookup::Username(u) => (api.by_username, u),
            Lookup::Email(e) => (api.by_email, e),
        };
        let Some(find) = find else {
            return Ok(None);
        };
        let path = match find {
            Find::Item => self.item(value),
            Find::Query(param) => format!("{}?{param}={}", self.collection(), encode(value)),
            Find::Filter(attribute) => {
                format!("{}?filter={}", self.collection(), encode(&format!("{attribute} eq {}", json!(value))))
            }
        };
        let answer = match self.call(Method::Get, &path, None, None).await {
            Err(UpstreamError::NotFound) => return Ok(None),
            other => other?,
        };
        let json = answer.json()?;
        let at = api.id_pointer();
        let (id, record) = match find {
            Find::Query(_) => match json.as_array().and_then(|a| a.first()) {
                Some(first) => (id_at(first, &at), first.clone()),
                None => return Ok(None),
            },
            // A SCIM list response.
            Find::Filter(_) => match json.pointer("/Resources/0") {
                _ if json.get("totalResults").and_then(Value::as_u64).is_some_and(|n| n > 1) => {
                    return Err(UpstreamError::Ambiguous);
                }
                Some(first) => (id_at(first, &at), first.clone()),
                None => return Ok(None),
            },
            Find::Item => (id_at(&json, &at), json),
        };
        let id = id.ok_or_else(|| UpstreamError::BadGateway {
            status: Some(answer.status),
            detail: "a lookup answer names no user id".into(),
        })?;
        let user = self.to_canonical(record)?;
        // A filter's answer is a list, whose `ETag` (if any) is not the user's.
        let etag = if matches!(find, Find::Filter(_)) { None } else { answer.etag };
        Ok(Some(Remote { id, user, etag }))
    }

    /// One page of the upstream's users in its own order, where its API lists users.
    pub async fn page(&self, offset: u32, limit: u32) -> Result<Vec<Remote>, UpstreamError> {
        let api = self.api();
        let list = api.list.map_err(UpstreamError::Unsupported)?;
        let path = format!(
            "{}?{}={}&{}={limit}{}",
            self.collection(),
            list.offset,
            list.first + u64::from(offset),
            list.limit,
            list.extra
        );
        let at = list.items;
        let json = self.call(Method::Get, &path, None, None).await?.json()?;
        let items = match json.pointer(at) {
            Some(Value::Array(items)) => items.clone(),
            // publisher's XML-shaped JSON holds a single user as an object.
            Some(one @ Value::Object(_)) => vec![one.clone()],
            Some(Value::Null) | None if at == "/Resources" => Vec::new(),
            _ => {
                return Err(UpstreamError::BadGateway {
                    status: Some(200),
                    detail: "a list answer holds no users".into(),
                });
            }
        };
        let mut page = Vec::with_capacity(items.len());
        for item in items {
            let Some(id) = id_at(&item, &format!("/{}", api.id_field)) else {
                return Err(UpstreamError::BadGateway { status: Some(200), detail: "a listed user has no id".into() });
            };
            // List items are the inside of the envelope (publisher's `{"user": …}`).
            let record = match api.envelope {
                Some(envelope) => one_member(envelope, item),
                None => item,
            };
            page.push(Remote { id, user: self.to_canonical(record)?, etag: None });
        }
        Ok(page)
    }

    /// How many users the upstream has, where its API counts them.
    pub async fn count(&self) -> Result<u64, UpstreamError> {
        let Some((after, at)) = self.api().count else {
            return Err(UpstreamError::Unsupported("the upstream's API does not count users"));
        };
        let path = format!("{}{after}", self.collection());
        let json = self.call(Method::Get, &path, None, None).await?.json()?;
        json.pointer(at).and_then(Value::as_u64).ok_or_else(|| UpstreamError::BadGateway {
            status: Some(200),
            detail: "a count answer holds no count".into(),
        })
    }

    /// Replaces the upstream's user with `user` (the caller's change merged into the upstream's
    /// record). With `etag`, the upstream refuses if the record changed since ([`Changed`]).
    ///
    /// [`Changed`]: UpstreamError::Changed
    /// Answers the stored record when the upstream's answer carries it (SCIM), else `None`.
    pub async fn update(&self, id: &str, user: &User, etag: Option<&str>) -> Result<Option<Remote>, UpstreamError> {
        let body = self.config.dialect.spec().from_canonical(Op::Update, user);
        self.put(id, body, etag).await
    }

    /// `PUT`s an update body: at the user's path, or at the collection with the user's id in the
    /// body ([`Api::update_by_body_id`]).
    async fn put(&self, id: &str, mut body: Value, etag: Option<&str>) -> Result<Option<Remote>, UpstreamError> {
        let api = self.api();
        let path = if api.update_by_body_id {
            // The upstream's own id, numeric where it is a number (primavera's is).
            let number = id.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(id));
            if let Some(map) = body.as_object_mut() {
                map.insert(api.id_field.into(), number);
            }
            self.collection().to_owned()
        } else {
            self.item(id)
        };
        self.check(Op::Update, &body)?;
        let answer = self.call(Method::Put, &path, Some(&body), etag).await?;
        self.record_in(answer, id)
    }

    /// Sends one write of a plan ([`crate::plan`]). With `etag`, the upstream refuses if the
    /// record changed since ([`UpstreamError::Changed`]). Answers the stored record when the
    /// upstream's answer carries it (SCIM), else `None`.
    pub async fn write(&self, id: &str, write: &Write, etag: Option<&str>) -> Result<Option<Remote>, UpstreamError> {
        let api = self.api();
        let action = |action: &str| format!("{}/{action}", self.item(id));
        match (write, api.status_actions, api.archive, api.password_action) {
            (Write::Replace(user), ..) => self.update(id, user, etag).await,
            (Write::Status(status), Some((activate, deactivate)), ..) => {
                let path = action(if *status == Status::Active { activate } else { deactivate });
                self.call(Method::Put, &path, None, None).await.map(|_| None)
            }
            (Write::Status(Status::Archived), _, Some(archive), _) => {
                self.call(Method::Post, &action(archive), None, None).await.map(|_| None)
            }
            (Write::Password(password), .., Some((change, member))) => {
                let body = one_member(member, Value::from(password.expose()));
                self.call(Method::Put, &action(change), Some(&body), None).await.map(|_| None)
            }
            (Write::Partial(body), ..) if api.update == Update::Patch => {
                let answer = self.call(Method::Patch, &self.item(id), Some(body), etag).await?;
                self.record_in(answer, id)
            }
            (Write::Partial(body) | Write::PartialRewrite(body), ..) if api.update == Update::Partial => {
                self.put(id, body.clone(), etag).await
            }
            // The planner makes no other combination.
            _ => Err(UpstreamError::Unsupported("the upstream's API has no such operation")),
        }
    }

    /// Deletes the upstream's user; publisher archives (its only way to retire a user).
    pub async fn delete(&self, id: &str) -> Result<(), UpstreamError> {
        match self.api().delete {
            Delete::Unsupported(why) => Err(UpstreamError::Unsupported(why)),
            Delete::Archive(action) => {
                self.call(Method::Post, &format!("{}/{action}", self.item(id)), None, None).await.map(drop)
            }
            Delete::Item => self.call(Method::Delete, &self.item(id), None, None).await.map(drop),
        }
    }

    /// The upstream's rules for a body we are about to send: a required field the caller could not
    /// give (its dialect has no such field) is a 400 naming it, never an invented value.
    fn check(&self, op: Op, body: &Value) -> Result<(), UpstreamError> {
        let report = userbridge_core::validate(self.config.dialect, op, body);
        if report.is_valid() { Ok(()) } else { Err(UpstreamError::Rejected(self.to_canonical_report(op, report))) }
    }

    /// Violations at upstream wire pointers → the same at canonical pointers, keeping the
    /// upstream's own name in `params` so nothing is hidden.
    fn to_canonical_report(&self, op: Op, report: Report) -> Report {
        let spec = self.config.dialect.spec();
        let mut out = Report::default();
        for mut v in report.errors {
            let wire = std::mem::take(&mut v.pointer);
            v.pointer = spec.canonical_pointer(op, &wire).unwrap_or_default().into();
            v = v.param("upstream", self.config.dialect.as_str());
            if !wire.is_empty() {
                v = v.param("upstreamPointer", wire);
            }
            out.push(v);
        }
        out
    }

    /// An upstream read representation → the canonical user. Lenient: an upstream may hold values
    /// outside its documented rules, and reading them must not fail.
    fn to_canonical(&self, mut record: Value) -> Result<User, UpstreamError> {
        let api = self.api();
        // Server-side fields: the facade has its own ids, and these are not user data.
        let target = match api.envelope {
            Some(envelope) => record.get_mut(envelope),
            None => Some(&mut record),
        };
        if let Some(Value::Object(map)) = target {
            for key in api.server_fields {
                map.remove(*key);
            }
        }
        let spec = self.config.dialect.spec();
        spec.to_canonical(Op::Update, &spec.prepare(Op::Update, &record).0).map_err(|report| {
            UpstreamError::BadGateway { status: Some(200), detail: format!("unreadable user: {report:?}") }
        })
    }

    /// One logical call: retried for idempotent methods, never for POST.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> Result<Answer, UpstreamError> {
        let idempotent = matches!(method, Method::Get | Method::Put | Method::Delete);
        let mut attempt = 0;
        loop {
            let result = self.authorized(method.clone(), path, body, if_match).await;
            let retry = matches!(&result, Err(UpstreamError::BadGateway { .. })) && idempotent;
            match BACKOFF_MS.get(attempt) {
                Some(&ms) if retry => {
                    Delay::from(Duration::from_millis(ms)).await;
                    attempt += 1;
                }
                _ => {
                    if let Err(err) = &result {
                        self.log(&method, path, err);
                    }
                    return result;
                }
            }
        }
    }

    /// One call with the upstream's credential; a DeviceHive token the upstream refuses is
    /// renewed once.
    async fn authorized(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> Result<Answer, UpstreamError> {
        if self.api().credential != Credential::Login {
            return self.exchange(method, path, body, if_match, None).await.and_then(|a| self.judge(a));
        }
        let cached = DEVICEHIVE_TOKEN.with(|t| t.borrow().clone());
        let token = match cached {
            Some(token) => token,
            None => self.devicehive_token().await?,
        };
        let answer = self.exchange(method.clone(), path, body, if_match, Some(&token)).await?;
        if answer.status != 401 {
            return self.judge(answer);
        }
        DEVICEHIVE_TOKEN.with(|t| t.borrow_mut().take());
        let token = self.devicehive_token().await?;
        self.exchange(method, path, body, if_match, Some(&token)).await.and_then(|a| self.judge(a))
    }

    /// A fresh DeviceHive access token: by login and password, else by the refresh token.
    async fn devicehive_token(&self) -> Result<String, UpstreamError> {
        let (path, body) = match (&self.config.login, &self.config.token) {
            (Some((login, password)), _) => (
                format!("{}/{}", dh_paths::ROOTS[0], dh_paths::TOKEN),
                json!({"login": login, "password": password.expose()}),
            ),
            (None, Some(refresh)) => (
                format!("{}/{}/{}", dh_paths::ROOTS[0], dh_paths::TOKEN, dh_paths::REFRESH),
                json!({"refreshToken": refresh.expose()}),
            ),
            (None, None) => {
                return Err(UpstreamError::BadGateway {
                    status: None,
                    detail: "no UPSTREAM_LOGIN/UPSTREAM_PASSWORD or UPSTREAM_TOKEN for DeviceHive".into(),
                });
            }
        };
        let answer = self.exchange(Method::Post, &path, Some(&body), None, None).await?;
        if !(200..300).contains(&answer.status) {
            return Err(UpstreamError::BadGateway {
                status: Some(answer.status),
                detail: "the upstream refused our DeviceHive credentials".into(),
            });
        }
        let token = answer.json()?.get("accessToken").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| {
            UpstreamError::BadGateway {
                status: Some(answer.status),
                detail: "no accessToken in the token answer".into(),
            }
        })?;
        DEVICEHIVE_TOKEN.with(|t| *t.borrow_mut() = Some(token.clone()));
        Ok(token)
    }

    /// A status → success, or the error it means.
    fn judge(&self, answer: Answer) -> Result<Answer, UpstreamError> {
        let status = answer.status;
        match status {
            200..=299 => Ok(answer),
            404 => Err(UpstreamError::NotFound),
            409 => Err(UpstreamError::Duplicate),
            412 => Err(UpstreamError::Changed),
            // DeviceHive answers a taken login with 403 (docs/dialects/devicehive.md#errors).
            403 if self.api().duplicate_is_403 && answer.body.contains("already exists") => {
                Err(UpstreamError::Duplicate)
            }
            400 | 422 if duplicate_message(&answer.body) => Err(UpstreamError::Duplicate),
            400 | 422 => Err(UpstreamError::Rejected(self.refusal(&answer))),
            _ => Err(UpstreamError::BadGateway { status: Some(status), detail: "unexpected status".into() }),
        }
    }

    /// The field errors of an upstream 400, at canonical pointers where the upstream names a
    /// field we know; the upstream's message travels in `params` either way.
    fn refusal(&self, answer: &Answer) -> Report {
        let json: Value = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
        let message = ["/message", "/detail", "/error/summary", "/error"]
            .iter()
            .find_map(|p| json.pointer(p).and_then(Value::as_str))
            .unwrap_or("the upstream refused the request")
            .to_owned();
        let items = json.pointer("/errors").or_else(|| json.pointer("/error/errors")).and_then(Value::as_array);
        let mut report = Report::default();
        for item in items.into_iter().flatten() {
            let field = ["pointer", "field", "path"].iter().find_map(|k| item.get(*k).and_then(Value::as_str));
            let wire = field.map(wire_pointer).unwrap_or_default();
            let code = item.get("code").and_then(Value::as_str).and_then(known_code).unwrap_or(Code::NotAllowedValue);
            let text = item.get("message").and_then(Value::as_str).unwrap_or(&message);
            report.push(Violation::new(wire, code).param("message", text.to_owned()));
        }
        if report.errors.is_empty() {
            report.push(Violation::new("", Code::NotAllowedValue).param("message", message));
        }
        self.to_canonical_report(Op::Update, report)
    }

    /// Sends one request and reads the whole answer, or times out.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
        bearer: Option<&str>,
    ) -> Result<Answer, UpstreamError> {
        let gateway = |detail: String| UpstreamError::BadGateway { status: None, detail };
        let headers = Headers::new();
        let set = |name: &str, value: &str| headers.set(name, value).map_err(|e| gateway(e.to_string()));
        let api = self.api();
        let content_type = api.media_type;
        set("Accept", content_type)?;
        set("X-Request-Id", &self.request_id)?;
        if body.is_some() {
            set("Content-Type", content_type)?;
        }
        if let Some(tag) = if_match {
            set("If-Match", tag)?;
        }
        // A create (a POST to the collection; publisher's archive is a POST elsewhere).
        if let (Method::Post, Some(key)) = (&method, self.trip.idempotency_key.borrow().as_deref())
            && path == self.collection()
        {
            set("Idempotency-Key", key)?;
        }
        match (bearer, &self.config.token, api.credential) {
            (Some(token), ..) => set("Authorization", &format!("Bearer {token}"))?,
            (None, Some(token), Credential::Header(name)) => set(name, token.expose())?,
            (None, Some(token), Credential::Bearer) => set("Authorization", &format!("Bearer {}", token.expose()))?,
            (None, _, Credential::Login) | (None, None, _) => {}
        }
        if let (Some(name), Some(tenant)) = (api.tenant_header, &self.config.tenant) {
            set(name, tenant)?;
        }
        let mut init = RequestInit::new();
        init.with_method(method).with_headers(headers);
        if let Some(body) = body {
            init.with_body(Some(body.to_string().into()));
        }
        let url = format!("{}{path}", self.config.url);
        let request = Request::new_with_init(&url, &init).map_err(|e| gateway(e.to_string()))?;
        let controller = AbortController::default();
        let signal = controller.signal();
        let send = async {
            let mut response = Fetch::Request(request).send_with_signal(&signal).await?;
            let header = |name: &str| response.headers().get(name).ok().flatten();
            let (etag, location) = (header("ETag"), header("Location"));
            let status = response.status_code();
            let body = response.text().await?;
            Ok::<Answer, worker::Error>(Answer { status, etag, location, body })
        };
        let timeout = Delay::from(Duration::from_millis(u64::from(self.config.timeout_ms)));
        let started = Date::now().as_millis();
        let outcome = select(Box::pin(send), timeout).await;
        self.trip.waited(Date::now().as_millis().saturating_sub(started));
        match outcome {
            Either::Left((Ok(answer), _)) if answer.status >= 500 => {
                Err(UpstreamError::BadGateway { status: Some(answer.status), detail: "upstream 5xx".into() })
            }
            Either::Left((Ok(answer), _)) => Ok(answer),
            Either::Left((Err(e), _)) => Err(gateway(format!("fetch failed: {e}"))),
            Either::Right(_) => {
                controller.abort();
                Err(UpstreamError::Timeout)
            }
        }
    }

    /// One JSON line per failed upstream call: method, path, status, request id; never bodies or
    /// credentials.
    fn log(&self, method: &Method, path: &str, err: &UpstreamError) {
        let (status, detail) = match err {
            UpstreamError::BadGateway { status, detail } => (*status, detail.as_str()),
            UpstreamError::Timeout => (None, "timeout"),
            _ => return,
        };
        // The path without its query: a lookup's query holds a username or an email.
        let path = path.split('?').next().unwrap_or_default();
        let line = json!({
            "requestId": self.request_id,
            "level": "error",
            "upstream": self.config.dialect.as_str(),
            "method": method.to_string(),
            "path": path,
            "upstreamStatus": status,
            "error": detail,
        });
        console_error!("{line}");
    }
}

/// `{"<key>": value}`. Built by insertion: collecting into a map would link a sort for one pair.
fn one_member(key: &str, value: Value) -> Value {
    let mut map = serde_json::Map::new();
    map.insert(key.to_owned(), value);
    Value::Object(map)
}

/// An id field as a string (numeric ids become their decimal form).
fn id_at(value: &Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `firstName`, `user.name.firstname`, `userProducts[0].action` or `/email` → a JSON pointer.
fn wire_pointer(field: &str) -> String {
    if field.starts_with('/') {
        return field.to_owned();
    }
    let mut out = String::new();
    for part in field.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.strip_suffix(']')),
            None => (part, None),
        };
        out.push('/');
        out.push_str(name);
        if let Some(i) = index {
            out.push('/');
            out.push_str(i);
        }
    }
    out
}

/// An upstream's error code, when it is one of ours (the facade as upstream speaks them).
fn known_code(code: &str) -> Option<Code> {
    const CODES: [Code; 12] = [
        Code::Required,
        Code::InvalidType,
        Code::TooShort,
        Code::TooLong,
        Code::TooSmall,
        Code::TooLarge,
        Code::NotAllowedValue,
        Code::NotAllowedField,
        Code::InvalidEmail,
        Code::InvalidTimezone,
        Code::InvalidPattern,
        Code::Duplicate,
    ];
    CODES.into_iter().find(|c| c.as_str() == code)
}

/// Vendors that answer a duplicate with 400 (learningcloud, publisher) say so in words.
fn duplicate_message(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    ["already exists", "already taken", "\"duplicate\"", "uniqueness"].iter().any(|w| lower.contains(w))
}

/// A path segment from a caller's value: percent-encoded, and `.`/`..` too, which URL parsing
/// would otherwise resolve (a username `..` must not address the collection's parent).
fn segment(text: &str) -> String {
    match text {
        "." => "%2E".into(),
        ".." => "%2E%2E".into(),
        _ => encode(text),
    }
}

/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters stay).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_become_pointers() {
        assert_eq!(wire_pointer("firstName"), "/firstName");
        assert_eq!(wire_pointer("userProducts[0].action"), "/userProducts/0/action");
        assert_eq!(wire_pointer("user.name.firstname"), "/user/name/firstname");
        assert_eq!(wire_pointer("/email"), "/email");
    }

    #[test]
    fn encoding_keeps_unreserved_only() {
        assert_eq!(encode("a b/c@d.e"), "a%20b%2Fc%40d.e");
        assert_eq!(encode("userName eq \"x\""), "userName%20eq%20%22x%22");
    }

    #[test]
    fn dot_segments_cannot_climb() {
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("."), "%2E");
        assert_eq!(segment("a.b"), "a.b");
        assert_eq!(segment("../x"), "..%2Fx");
    }

    #[test]
    fn ids_are_strings_or_numbers() {
        let v = json!({"user": {"id": 7}, "id": "abc", "empty": ""});
        assert_eq!(id_at(&v, "/user/id").as_deref(), Some("7"));
        assert_eq!(id_at(&v, "/id").as_deref(), Some("abc"));
        assert_eq!(id_at(&v, "/empty"), None);
    }

    #[test]
    fn duplicates_are_recognised_in_words() {
        assert!(duplicate_message(r#"{"message":"User with such login already exists"}"#));
        assert!(duplicate_message(r#"{"scimType":"uniqueness"}"#));
        assert!(!duplicate_message(r#"{"message":"name is required"}"#));
    }

    #[test]
    fn fingerprints_follow_content() {
        let mut user = User { username: Some("a".into()), ..User::default() };
        let a = Remote { id: "1".into(), user: user.clone(), etag: None };
        user.username = Some("b".into());
        let b = Remote { id: "1".into(), user, etag: None };
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
        assert!(a.fingerprint() >= 0 && a.fingerprint() < 1 << 53);
    }
}
