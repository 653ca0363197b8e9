// Shared helpers for the HTTP tests (not a test file: the runner only picks up *.test.mjs).
// Every test makes its own users with unique names: all files share one database per run.
import { readFile } from 'node:fs/promises';

export const BASE = process.env.USERBRIDGE_URL;
if (!BASE) throw new Error('USERBRIDGE_URL is not set (e.g. http://127.0.0.1:8787)');

/** The development admin token (wrangler.toml [vars]); override for a deployed Worker. */
export const TOKEN = process.env.USERBRIDGE_ADMIN_TOKEN ?? 'dev-admin-token';
export const BEARER = { Authorization: `Bearer ${TOKEN}` };
export const CLOUD = { 'X-Cloud-Auth-Token': TOKEN };
export const JSON_CT = { 'Content-Type': 'application/json' };

export const LC = '/integration/ws/management/rest/users';
export const PV = '/api/restapi/user';

let counter = 0;
/** A name no other test (or earlier run against the same database) uses. */
export function unique(prefix = 'u') {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`.toLowerCase();
}

/**
 * One HTTP call. `json` is sent as application/json unless `headers` says otherwise; `body` is
 * sent as is (a Uint8Array body gets no Content-Type). Answers {status, headers, text, body}.
 */
export async function call(method, path, options = {}) {
  return callAt(BASE, method, path, options);
}

/** [`call`] against another server (a proxy's upstream, a second facade). */
export async function callAt(base, method, path, { headers = {}, json, body } = {}) {
  const init = { method, headers: { ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    if (!Object.keys(init.headers).some((h) => h.toLowerCase() === 'content-type')) {
      init.headers['Content-Type'] = 'application/json';
    }
  } else if (body !== undefined) {
    init.body = body;
    if (typeof body === 'object' && body !== null && typeof body.getReader === 'function') init.duplex = 'half';
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** A canonical user created through /v1 (answers the created user and its ETag). */
export async function createCanonical(user) {
  const res = await call('POST', '/v1/users', { headers: BEARER, json: user });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  return { user: res.body, etag: res.headers.get('etag') };
}

/** The /v1 numeric id of a user by username (for users created through learningcloud). */
export async function idOfUsername(username) {
  const res = await call('GET', `/v1/users?username=${encodeURIComponent(username)}`, { headers: BEARER });
  if (res.status !== 200 || res.body.total !== 1) throw new Error(`lookup failed: ${res.status} ${res.text}`);
  return res.body.users[0].id;
}

/** A valid learningcloud update body (the six required fields). */
export function lcUpdateBody(username, overrides = {}) {
  return {
    username,
    name: 'Ada',
    surname: 'Lovelace',
    language: 'en',
    timezone: 'Europe/London',
    email: `${username}@example.org`,
    ...overrides,
  };
}

/** A valid primavera create body. */
/** A canonical (`/v1`) user every dialect can create: each one's required fields are there. */
export function everyDialectUser(name) {
  return {
    username: name, password: 'secret123', name: { given: 'Ada', family: 'Lovelace' },
    emails: [{ value: `${name}@example.org`, primary: true }], language: 'en', timezone: 'Europe/London',
    access: 'client', company_id: 7, office_ids: [1], status: 'active', roles: { management: ['user'] },
  };
}

export function pvCreateBody(email, overrides = {}) {
  return {
    companyId: 7,
    email,
    firstName: 'Grace',
    lastName: 'Hopper',
    officeIds: [1, 2],
    userLocale: 'en',
    ...overrides,
  };
}

/**
 * The lines of the Worker's log (`USERBRIDGE_LOG`, wrangler dev's output) that `matches` accepts,
 * waiting up to 4 s for wrangler to write the first of them; `[]` if none came.
 */
export async function logLines(matches) {
  for (let i = 0; i < 40; i++) {
    const lines = (await readFile(process.env.USERBRIDGE_LOG, 'utf8')).split('\n').filter(matches);
    if (lines.length > 0) return lines;
    await new Promise((r) => setTimeout(r, 100));
  }
  return [];
}
