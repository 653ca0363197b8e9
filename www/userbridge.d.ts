// Types of www/userbridge.js: the <user-edit> element and the JS validator API.
// (wasm-bindgen also writes www/pkg/*.d.ts for the raw modules; those return `any`.)

/** The five dialects. Names are matched case-insensitively by the API functions. */
export type Dialect = 'learningcloud' | 'publisher' | 'primavera' | 'devicehive' | 'scim';

/** The write operation a body is for: limits and required fields differ. */
export type Op = 'create' | 'update';

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A body: a JS value (read as `JSON.stringify` would) or JSON text (parsed strictly: a syntax
 * error is a report with `line` and `column`, not an exception).
 */
export type Body = string | JsonValue | object;

/** The stable reason of a violation; a server may send codes newer than this list. */
export type Code =
  | 'syntax'
  | 'required'
  | 'invalid_type'
  | 'too_short'
  | 'too_long'
  | 'too_small'
  | 'too_large'
  | 'not_allowed_value'
  | 'not_allowed_field'
  | 'invalid_email'
  | 'invalid_locale'
  | 'invalid_language'
  | 'invalid_timezone'
  | 'invalid_url'
  | 'invalid_base64'
  | 'invalid_mime_type'
  | 'invalid_pattern'
  | 'one_of'
  | 'missing_value'
  | 'duplicate'
  | 'mismatch';

/** One problem at one place of the body. */
export interface Violation {
  /** RFC 6901 pointer into the body as sent (wire names): `/user/email`, `/emails/0/value`. */
  pointer: string;
  code: Code | (string & {});
  /** English default text; translate from `code` + `params` instead. */
  message: string;
  /** What a message needs: `max`, `min`, `allowed`, `expected`, `line`, `column`… Always present. */
  params: { [name: string]: JsonValue };
}

/** Every violation of a body, and the fields the dialect does not define (vendors ignore them). */
export interface Report {
  valid: boolean;
  errors: Violation[];
  /** Pointers of input fields the dialect does not define. */
  ignored: string[];
}

/** A report of an invalid body (what `translate` returns when the source is invalid). */
export interface InvalidReport extends Report {
  valid: false;
}

/** A source field the target dialect cannot hold as given. */
export interface Lost {
  /** Pointer in the source body. */
  pointer: string;
  /** Pointer in the canonical user (stable across dialects). */
  canonical: string;
  reason: 'not_supported' | 'narrowed';
  /** What the target holds instead, for `narrowed`. */
  target_value?: JsonValue;
}

/** A successful translation. */
export interface Translation {
  valid: true;
  /** The body in the target dialect. */
  body: JsonValue;
  lost: Lost[];
  /** Source fields the source dialect does not define. */
  ignored: string[];
  /** Target rules the body does not meet (typically required fields the source lacked). */
  unmet: Violation[];
}

export type Kind = 'string' | 'integer' | 'boolean' | 'object' | 'array' | 'map' | 'any';
export type Format = 'email' | 'timezone' | 'language' | 'locale' | 'url' | 'base64' | 'image_mime' | 'login';

/** One field of a dialect operation: what a form is built from. */
export interface Field {
  /** Wire pointer; `*` stands for each array element (`/officeIds/*`). */
  pointer: string;
  kind: Kind;
  required: boolean;
  /** Strings: minimum length in characters; integers: minimum value. */
  min?: number;
  /** Strings: maximum length in characters; integers: maximum value. */
  max?: number;
  /** Enumerated values (integers written in decimal). */
  allowed?: string[];
  format?: Format;
  /** Never sent back by the dialect (passwords). */
  write_only?: true;
  /** i18n key of the field's label, shared across dialects (`given_name`, `email`…). */
  label: string;
}

/** A JSON Schema (draft 2020-12) document; fields carry their label key as `x-label`. */
export interface JsonSchema {
  $schema: 'https://json-schema.org/draft/2020-12/schema';
  $id: string;
  title: string;
  type: 'object';
  required?: string[];
  properties?: { [name: string]: { [keyword: string]: JsonValue } };
  [keyword: string]: JsonValue | undefined;
}

/**
 * Validates a body against a dialect's rules for an operation. Invalid input is the report;
 * throws an `Error` only for an unknown dialect or operation.
 */
export function validate(dialect: Dialect, op: Op, body: Body): Report;

/**
 * Translates a body from one dialect to another through the canonical user. Resolves to the
 * translation, or to the source's report when the body is invalid in `from`; rejects with an
 * `Error` only for an unknown dialect or operation. Asynchronous because translation lives in a
 * second module (all five dialects' mappings), loaded on the first call.
 */
export function translate(from: Dialect, to: Dialect, op: Op, body: Body): Promise<Translation | InvalidReport>;

/** The field table of a dialect operation. Throws for an unknown dialect or operation. */
export function fields(dialect: Dialect, op: Op): Field[];

/**
 * The JSON Schema of a dialect operation's body; rejects with an `Error` for an unknown dialect or
 * operation. Asynchronous because it lives in the second module (the form never needs a schema),
 * loaded on the first call of `schema` or `translate`.
 */
export function schema(dialect: Dialect, op: Op): Promise<JsonSchema>;

/** The dialect ids. */
export function dialects(): Dialect[];

/** The widget's version (the crate version). */
export function version(): string;

/** Whether `id` is exactly one of the dialect ids. */
export function isDialect(id: string): id is Dialect;

/** An RFC 9457 problem, as the facade answers errors; `status` 0 for a network failure. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Field errors, with pointers into the dialect body the widget sent. */
  errors?: Violation[];
  [member: string]: unknown;
}

/**
 * Texts by key, overriding the built-in English and Spanish or adding a language:
 * error codes (`required`: "…", with `{param}` placeholders), `label.<key>` (field labels by the
 * core's label key), `section.<name>` and `role.<name>` (learningcloud roles),
 * `value.<label>.<value>` (enumeration values), `ui.<key>` (the form's own words:
 * `ui.submit_create`, `ui.saved`, `ui.network`…).
 */
export type Messages = { [key: string]: string };

export interface UserEditEventMap extends HTMLElementEventMap {
  /** A create or update succeeded; detail: the saved user as the facade answered it. */
  'user-saved': CustomEvent<JsonValue>;
  /** A submit found problems before sending; detail: the report. */
  'user-invalid': CustomEvent<Report>;
  /** The facade refused, or the network failed (`status: 0`); detail: the problem. */
  'user-error': CustomEvent<Problem>;
  /** The user named by `user-id` was loaded; detail: its dialect body. */
  'user-loaded': CustomEvent<JsonValue>;
}

/**
 * `<user-edit endpoint dialect user-id lang token>`: a user form for one dialect. Without
 * `user-id` it creates (POST `{endpoint}/v1/users?dialect=`); with it, it loads the user and
 * updates it (GET then PUT `{endpoint}/v1/users/{id}?dialect=`, `If-Match` the loaded ETag).
 */
export declare class UserEdit extends HTMLElement {
  /** Base URL of the facade (attribute `endpoint`); the page's origin when empty. */
  endpoint: string;
  /** Attribute `dialect`; `learningcloud` when absent. Changing it re-renders the form. */
  dialect: Dialect | (string & {});
  /** Attribute `user-id`; `null` to create. Setting it loads that user. */
  userId: string | null;
  /**
   * The bearer token sent to `endpoint` (and nowhere else). The property is not reflected to the
   * attribute, so a token set from script stays out of the DOM; use a short-lived token.
   */
  token: string | null;
  /** Texts overriding or adding to the built-in English and Spanish. */
  messages: Messages | null;
  addEventListener<K extends keyof UserEditEventMap>(
    type: K,
    listener: (this: UserEdit, event: UserEditEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof UserEditEventMap>(
    type: K,
    listener: (this: UserEdit, event: UserEditEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'user-edit': UserEdit;
  }
}
