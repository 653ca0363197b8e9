// userbridge widget: defines <user-edit> and exports the JS validator API.
//
//   <script type="module" src="/userbridge.js"></script>
//   <user-edit endpoint="https://api.example" dialect="primavera" user-id="42" lang="es"></user-edit>
//
// The form — fields from the core's metadata, validation, error placement, i18n — is built in
// Rust (pkg/userbridge_widget, class View). This file holds what must be JS: the custom element
// class, its attributes and properties, the network (fetch to `endpoint` only) and the events.
// Nothing here parses markup: the View uses createElement/textContent only.
import init, { View, validate, fields, dialects, version, isDialect } from './pkg/userbridge_widget.js';

await init();

/** The dialect shown when the element has no `dialect` attribute. */
const DEFAULT_DIALECT = 'learningcloud';

let apiModule;
/** The second module (`pkg/userbridge_api`), loaded and initialised on first use. */
function api() {
  apiModule ??= import('./pkg/userbridge_api.js').then(async (m) => {
    await m.default();
    return m;
  });
  return apiModule;
}

/**
 * `translate(from, to, op, body)`: translation links every dialect's mapping code, so it lives in
 * the second module, loaded on the first call; hence the Promise.
 */
export async function translate(from, to, op, body) {
  return (await api()).translate(from, to, op, body);
}

/**
 * `schema(dialect, op)`: the JSON Schema of a dialect's body. The form never needs one, so it too
 * lives in the second module (keeping the element's download small); hence the Promise.
 */
export async function schema(dialect, op) {
  return (await api()).schema(dialect, op);
}

/** Reads a response body: JSON when it parses, else its text (or null when empty). */
async function readBody(res) {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A problem+json object for any failed response, even one that carried no such body. */
function problemOf(res, data) {
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    return { type: 'about:blank', title: res.statusText || `HTTP ${res.status}`, status: res.status, ...data };
  }
  const problem = { type: 'about:blank', title: res.statusText || `HTTP ${res.status}`, status: res.status };
  if (typeof data === 'string') problem.detail = data;
  return problem;
}

/**
 * The id of a user a POST created: the last segment of `Location` (`/v1/users/42`), else a
 * numeric `id` in the body. (Cross-origin, `Location` is readable only when the facade lists it
 * in `Access-Control-Expose-Headers`.)
 */
function createdId(res, data) {
  const location = res.headers.get('Location');
  const segment = location ? new URL(location, res.url).pathname.split('/').pop() : '';
  if (/^\d+$/.test(segment)) return segment;
  const id = data && typeof data === 'object' ? data.id : undefined;
  return Number.isInteger(id) ? String(id) : null;
}

export class UserEdit extends HTMLElement {
  static observedAttributes = ['endpoint', 'dialect', 'user-id', 'lang'];

  #view = null;
  #token = null;
  #messages = null;
  #etag = null;
  #saving = false;
  /** Bumped whenever the form is rebuilt: answers to older requests are dropped. */
  #generation = 0;
  #announceSaved = false;

  get endpoint() {
    return this.getAttribute('endpoint') ?? '';
  }
  set endpoint(value) {
    this.setAttribute('endpoint', value);
  }
  get dialect() {
    return this.getAttribute('dialect') ?? DEFAULT_DIALECT;
  }
  set dialect(value) {
    this.setAttribute('dialect', value);
  }
  get userId() {
    const id = this.getAttribute('user-id');
    return id === '' ? null : id;
  }
  set userId(value) {
    if (value === null || value === undefined || value === '') this.removeAttribute('user-id');
    else this.setAttribute('user-id', String(value));
  }
  /**
   * The bearer token sent to `endpoint`. Setting the property does not write the attribute, so
   * the secret stays out of the DOM; a real deployment puts a short-lived token here.
   */
  get token() {
    return this.#token ?? this.getAttribute('token');
  }
  set token(value) {
    this.#token = value;
  }
  /** Texts by key (`required`, `label.email`, `ui.saved`…) overriding or adding a language. */
  get messages() {
    return this.#messages;
  }
  set messages(value) {
    this.#messages = value ?? null;
    this.#call((v) => v.setMessages(this.#messages));
  }

  connectedCallback() {
    if (!this.#view) this.#build();
  }

  disconnectedCallback() {
    // A request finishing after removal must not touch the form.
    this.#generation++;
  }

  attributeChangedCallback(name, old, value) {
    if (!this.#view || old === value) return;
    if (name === 'lang') this.#call((v) => v.setLang(this.#lang()));
    else this.#build();
  }

  /** The language: the `lang` attribute, else the nearest ancestor's, else the page's. */
  #lang() {
    return this.lang || this.parentElement?.closest('[lang]')?.lang || document.documentElement.lang || 'en';
  }

  /** (Re)creates the form for the current dialect and operation; loads the user on update. */
  #build() {
    this.#generation++;
    this.#saving = false;
    this.#view?.free();
    const update = this.userId !== null;
    this.#view = new View(this, this.dialect, update, this.#lang());
    this.#call((v) => (this.#messages ? v.setMessages(this.#messages) : v.render()));
    this.#listen();
    if (update && this.#view.known) this.#load();
  }

  #listening = false;
  #listen() {
    if (this.#listening) return;
    this.#listening = true;
    const root = this.shadowRoot;
    for (const type of ['input', 'change', 'focusout', 'click']) {
      root.addEventListener(type, (event) => this.#call((view) => view.handle(event)));
    }
    root.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#save();
    });
  }

  #inView = false;
  /**
   * Calls into the view. A call that moves focus (to the error summary, to a new row) fires
   * `focusout` synchronously, whose listener would re-enter the view while it is busy: events
   * raised during a call are dropped (the call itself brings the form up to date).
   */
  #call(fn) {
    const view = this.#view;
    if (!view || this.#inView) return undefined;
    this.#inView = true;
    try {
      return fn(view);
    } finally {
      this.#inView = false;
    }
  }

  #emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  /** `endpoint` + path, with the dialect as query parameter. A relative endpoint is the page's. */
  #url(path) {
    const base = new URL(this.endpoint || '/', document.baseURI);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    const url = new URL(path, base);
    url.searchParams.set('dialect', this.dialect);
    return url;
  }

  /** One request to `endpoint`: the token goes nowhere else (no cookies, no redirects followed). */
  #request(method, path, body, headers = {}) {
    const all = { Accept: 'application/json, application/problem+json', ...headers };
    const token = this.token;
    if (token) all.Authorization = `Bearer ${token}`;
    if (body !== undefined) all['Content-Type'] = 'application/json';
    return fetch(this.#url(path), {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      redirect: 'error',
      cache: 'no-store',
    });
  }

  async #load() {
    const generation = this.#generation;
    this.#call((v) => v.setLoading(true));
    try {
      const res = await this.#request('GET', `v1/users/${encodeURIComponent(this.userId)}`);
      const data = await readBody(res);
      if (generation !== this.#generation) return;
      if (res.ok) {
        this.#etag = res.headers.get('ETag');
        this.#call((v) => {
          v.load(data);
          if (this.#announceSaved) v.announce('saved');
        });
        this.#emit('user-loaded', data);
      } else {
        const problem = problemOf(res, data);
        this.#call((v) => v.problem(problem));
        this.#emit('user-error', problem);
      }
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#call((v) => v.networkError());
      this.#emit('user-error', { type: 'about:blank', title: 'Network error', status: 0, detail: String(err?.message ?? err) });
    } finally {
      this.#announceSaved = false;
      if (generation === this.#generation) this.#call((v) => v.setLoading(false));
    }
  }

  async #save() {
    if (!this.#view?.known || this.#saving) return;
    const report = this.#call((v) => v.submit());
    if (!report.valid) {
      this.#emit('user-invalid', report);
      return;
    }
    const body = this.#call((v) => v.body());
    const id = this.userId;
    const generation = this.#generation;
    this.#saving = true;
    this.#call((v) => v.setSaving(true));
    try {
      const res =
        id === null
          ? await this.#request('POST', 'v1/users', body)
          : await this.#request('PUT', `v1/users/${encodeURIComponent(id)}`, body, this.#etag ? { 'If-Match': this.#etag } : {});
      const data = await readBody(res);
      if (generation !== this.#generation) return;
      if (res.ok) {
        this.#etag = res.headers.get('ETag') ?? this.#etag;
        this.#call((v) => {
          v.setSaving(false);
          v.saved();
        });
        this.#emit('user-saved', data);
        // A created user is edited next: the form switches to update and loads it.
        const created = id === null ? createdId(res, data) : null;
        if (created !== null) {
          this.#announceSaved = true;
          this.userId = created;
        }
      } else {
        this.#call((v) => v.setSaving(false));
        const problem = problemOf(res, data);
        this.#call((v) => v.problem(problem));
        this.#emit('user-error', problem);
      }
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#call((v) => {
        v.setSaving(false);
        v.networkError();
      });
      this.#emit('user-error', { type: 'about:blank', title: 'Network error', status: 0, detail: String(err?.message ?? err) });
    } finally {
      if (generation === this.#generation) this.#saving = false;
    }
  }
}

if (!customElements.get('user-edit')) {
  customElements.define('user-edit', UserEdit);
}

export { validate, fields, dialects, version, isDialect };
