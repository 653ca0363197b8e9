// Upstream calls per proxied write (`cargo xtask bench calls`): every caller dialect against the
// one upstream of the facade at USERBRIDGE_URL, for a create, a partial update and a status
// change, each BENCH_REPS times. The count is the facade's own (`upstreamCalls` in its log line,
// USERBRIDGE_LOG), found by the request id each request sends. Prints one line per caller and
// operation: `CALLS <caller> <upstream> <op> <status> <mean> <minimum>`; the minimum is derived
// below (docs/proxy.md#calls-per-write).
//
// USERBRIDGE_UPSTREAM_DIALECT: the upstream's dialect.

import { readFile } from 'node:fs/promises';
import { BEARER, LC, PV, TOKEN, callAt as call, everyDialectUser, unique } from '../http/_support.mjs';

const PROXY = process.env.USERBRIDGE_URL;
const UPSTREAM = process.env.USERBRIDGE_UPSTREAM_DIALECT;
const LOG = process.env.USERBRIDGE_LOG;
const REPS = Number(process.env.BENCH_REPS ?? 3);
if (!PROXY || !UPSTREAM || !LOG) throw new Error('USERBRIDGE_URL, USERBRIDGE_UPSTREAM_DIALECT and USERBRIDGE_LOG must be set');

const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const CLOUD = { 'X-Cloud-Auth-Token': TOKEN };

let dhToken;
async function dhHeaders() {
  if (!dhToken) {
    const res = await call(PROXY, 'POST', '/api/rest/token', { json: { login: 'admin', password: 'dev-admin-password' } });
    if (res.status !== 201) throw new Error(`DeviceHive login: ${res.status} ${res.text}`);
    dhToken = res.body.accessToken;
  }
  return { Authorization: `Bearer ${dhToken}` };
}

/** Each caller's create, partial update (one field: the given name; DeviceHive, which has no names, its login) and status change (to disabled). */
const CALLERS = {
  learningcloud: {
    headers: async () => CLOUD,
    create: (n) => ({ method: 'POST', path: LC, body: { username: n, password: 'secret123', name: 'Ada', surname: 'Lovelace', email: `${n}@example.org`, language: 'en', timezone: 'Europe/London' } }),
    partial: ({ n, user }) => ({ method: 'PUT', path: `${LC}/${user.uid}`, pointer: '/name/given', body: { username: n, name: 'Grace', surname: 'Lovelace', email: `${n}@example.org`, language: 'en', timezone: 'Europe/London', enabled: true, roles: { management: ['user'] } } }),
    status: ({ user }) => ({ method: 'PUT', path: `${LC}/${user.uid}/deactivate` }),
  },
  publisher: {
    headers: async () => BEARER,
    create: (n) => ({ method: 'POST', path: '/api/2/users', body: { user: { email: `${n}@example.org`, name: { firstname: 'Ada', lastname: 'Lovelace' } } } }),
    partial: ({ n, user }) => ({ method: 'PUT', path: `/api/2/users/${user.id}`, pointer: '/name/given', body: { user: { email: `${n}@example.org`, name: { firstname: 'Grace', lastname: 'Lovelace' }, status: 'active' } } }),
    status: ({ n, user }) => ({ method: 'PUT', path: `/api/2/users/${user.id}`, body: { user: { email: `${n}@example.org`, name: { firstname: 'Ada', lastname: 'Lovelace' }, status: 'disable' } } }),
  },
  primavera: {
    headers: async () => BEARER,
    create: (n) => ({ method: 'POST', path: PV, body: { companyId: 7, email: `${n}@example.org`, firstName: 'Ada', lastName: 'Lovelace', officeIds: [1], userLocale: 'en' } }),
    // primavera's update requires email, firstName and lastName.
    partial: ({ n, user }) => ({ method: 'PUT', path: PV, pointer: '/name/given', body: { userId: user.id, email: `${n}@example.org`, firstName: 'Grace', lastName: 'Lovelace' } }),
    status: ({ n, user }) => ({ method: 'PUT', path: PV, body: { userId: user.id, email: `${n}@example.org`, firstName: 'Ada', lastName: 'Lovelace', status: 'INACTIVE' } }),
  },
  devicehive: {
    headers: dhHeaders,
    create: (n) => ({ method: 'POST', path: '/api/rest/user', body: { login: n, password: 'secret123', role: 1, status: 0 } }),
    partial: ({ n, user }) => ({ method: 'PUT', path: `/api/rest/user/${user.id}`, pointer: '/username', body: { login: `${n}-r` } }),
    status: ({ user }) => ({ method: 'PUT', path: `/api/rest/user/${user.id}`, body: { status: 2 } }),
  },
  scim: {
    headers: async () => BEARER,
    create: (n) => ({ method: 'POST', path: '/scim/v2/Users', body: { schemas: [SCIM_USER], userName: n, password: 'secret123', name: { givenName: 'Ada', familyName: 'Lovelace' }, emails: [{ value: `${n}@example.org`, primary: true }] } }),
    partial: ({ user }) => ({ method: 'PATCH', path: `/scim/v2/Users/${user.uid}`, pointer: '/name/given', body: { schemas: [SCIM_PATCH], Operations: [{ op: 'replace', path: 'name.givenName', value: 'Grace' }] } }),
    status: ({ user }) => ({ method: 'PATCH', path: `/scim/v2/Users/${user.uid}`, body: { schemas: [SCIM_PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] } }),
  },
};

// --- The minimum (docs/proxy.md#calls-per-write) ----------------------------------------------------

/** Callers whose answer shows the written record beyond its id (primavera's create answers the entity, SCIM the resource). */
const SHOWS = { create: ['primavera', 'scim'], update: ['scim'] };
/** Upstreams whose write answer carries the stored record (primavera's create; SCIM's every write). */
const CARRIES = { create: ['primavera', 'scim'], update: ['scim'] };

/**
 * The fewest upstream calls a write can take. A create: the create, and a read back only when the
 * caller's answer shows the record and the upstream's answer does not carry it. An update: the
 * read that finds the user (and is the base of its change set); no write when nothing the upstream
 * holds changes; else one write (each change here is one upstream operation), a re-read guarding
 * a full replacement on an upstream without ETags (learningcloud's `PUT` for anything but the
 * status, publisher's `PUT` for anything but an archive, primavera's `PUT`, which must carry the
 * email and names it requires), and a read back as for a create.
 */
function minimum(caller, op, held) {
  const readBack = (kind) => (SHOWS[kind].includes(caller) && !CARRIES[kind].includes(UPSTREAM) ? 1 : 0);
  if (op === 'create') return 1 + readBack('create');
  if (!held) return 1;
  // publisher's PUT replaces; primavera's PUT requires email, firstName and lastName in every body, so it rewrites them.
  const replaces = ['publisher', 'primavera'].includes(UPSTREAM) || (UPSTREAM === 'learningcloud' && op === 'partial');
  return 1 + 1 + (replaces ? 1 : 0) + readBack('update');
}

// --- Measuring ------------------------------------------------------------------------------------

async function seed() {
  const n = unique('calls');
  const res = await call(PROXY, 'POST', '/v1/users', {
    headers: BEARER,
    json: everyDialectUser(n),
  });
  if (res.status !== 201) throw new Error(`seed: ${res.status} ${res.text}`);
  return { n, user: res.body };
}

async function upstreamCalls(requestId) {
  for (let i = 0; i < 40; i++) {
    const line = (await readFile(LOG, 'utf8')).split('\n').find((l) => l.startsWith('{') && l.includes(`"requestId":"${requestId}"`) && l.includes('"dialect"'));
    if (line) return JSON.parse(line).upstreamCalls ?? 0;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no log line for ${requestId}`);
}

const lostOf = (res) => (res.headers.get('x-userbridge-lost') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const isLost = (lost, pointer) => lost.some((l) => l === pointer || l.startsWith(`${pointer}/`) || pointer.startsWith(`${l}/`));

await dhHeaders(); // the facade's own login: not a write's call
await seed(); // a DeviceHive upstream's login happens once per isolate: before the measured requests
let k = 0;
for (const [caller, c] of Object.entries(CALLERS)) {
  for (const op of ['create', 'partial', 'status']) {
    const counts = [];
    const statuses = new Set();
    const mins = new Set();
    for (let i = 0; i < REPS; i++) {
      const change = op === 'create' ? c.create(unique(caller.slice(0, 3))) : c[op](await seed());
      const id = `calls-${process.pid}-${++k}`;
      const res = await call(PROXY, change.method, change.path, { headers: { ...(await c.headers()), 'X-Request-Id': id }, json: change.body });
      statuses.add(res.status);
      counts.push(await upstreamCalls(id));
      const held = !change.pointer || !isLost(lostOf(res), change.pointer);
      mins.add(res.status >= 400 ? 0 : minimum(caller, op, held));
    }
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    console.log(`CALLS ${caller} ${UPSTREAM} ${op} ${[...statuses].join('/')} ${mean.toFixed(1)} ${Math.max(...mins)}`);
  }
}
