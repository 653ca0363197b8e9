// Proxy mode against an upstream this test controls: a small primavera-speaking server on
// loopback that answers slowly, with 5xx, garbage, 409 or 400 on demand, then stops listening.
//
// USERBRIDGE_URL: the facade, started by `cargo xtask test` with UPSTREAM_DIALECT=primavera,
// UPSTREAM_URL=http://127.0.0.1:$USERBRIDGE_FAULT_UPSTREAM_PORT and UPSTREAM_TIMEOUT_MS=500.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BEARER, callAt, logLines } from '../http/_support.mjs';

const PROXY = process.env.USERBRIDGE_URL;
const PORT = Number(process.env.USERBRIDGE_FAULT_UPSTREAM_PORT);
if (!PROXY || !PORT) throw new Error('USERBRIDGE_URL and USERBRIDGE_FAULT_UPSTREAM_PORT must be set');
const PATH = '/api/restapi/user';

/** What the next upstream calls answer, and every call the upstream saw. */
let mode = 'ok';
let hits = [];
const users = new Map();
let nextId = 100;

function answer(res, status, body, type = 'application/json') {
  res.writeHead(status, body === undefined ? {} : { 'Content-Type': type });
  res.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  let text = '';
  req.on('data', (c) => (text += c));
  req.on('end', () => {
    hits.push({
      method: req.method, url: req.url, requestId: req.headers['x-request-id'], auth: req.headers.authorization,
      idempotencyKey: req.headers['idempotency-key'], ifMatch: req.headers['if-match'], body: text,
    });
    switch (mode) {
      case 'slow':
        setTimeout(() => answer(res, 200, {}), 2000);
        return;
      case '500':
        return answer(res, 500, { message: 'boom' });
      case 'garbage':
        return answer(res, 200, '<html>not json', 'text/html');
      case '409':
        return answer(res, 409, { message: 'conflict' });
      case 'drift':
        // Someone else changes the user between every two reads.
        if (req.method === 'GET') {
          const user = users.get(req.url.slice(PATH.length + 1));
          return answer(res, 200, { ...user, firstName: `Changed ${hits.length}` });
        }
        break;
      case '400':
        return answer(res, 400, { message: 'Validation failed', errors: [{ field: 'firstName', code: 'too_long', message: 'firstName is too long for us' }] });
      default:
    }
    if (req.method === 'POST' && req.url === PATH) {
      const user = { ...JSON.parse(text), userId: nextId++ };
      users.set(String(user.userId), user);
      return answer(res, 201, user);
    }
    if (req.method === 'GET' && req.url.startsWith(`${PATH}/`)) {
      const user = users.get(req.url.slice(PATH.length + 1));
      return user ? answer(res, 200, user) : answer(res, 404, { message: 'not found' });
    }
    if (req.method === 'PUT' && req.url === PATH) {
      const change = JSON.parse(text);
      users.set(String(change.userId), { ...users.get(String(change.userId)), ...change });
      return answer(res, 204);
    }
    answer(res, 404, { message: 'no route' });
  });
});

before(() => new Promise((resolve) => server.listen(PORT, '127.0.0.1', resolve)));
after(() => {
  server.closeAllConnections();
  server.close();
});

async function call(method, path, { headers = BEARER, json } = {}) {
  const started = Date.now();
  const res = await callAt(PROXY, method, path, { headers, json });
  return { ...res, ms: Date.now() - started };
}

let counter = 0;
const canonical = () => {
  counter += 1;
  return {
    emails: [{ value: `fault-${process.pid}-${counter}@example.org`, primary: true }],
    name: { given: 'Ada', family: 'Lovelace' }, company_id: 7, office_ids: [1], language: 'en',
  };
};

/** A user the upstream has and the facade has mapped. */
async function mapped() {
  mode = 'ok';
  const res = await call('POST', '/v1/users', { json: canonical() });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

test('a mapped user is served from the upstream, with its credential and our request id', async () => {
  const user = await mapped();
  hits = [];
  const res = await call('GET', `/v1/users/${user.id}`, { headers: { ...BEARER, 'X-Request-Id': 'fault-read-1' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.name.given, 'Ada');
  assert.equal(hits.length, 1, JSON.stringify(hits));
  assert.equal(hits[0].method, 'GET');
  assert.match(hits[0].url, /^\/api\/restapi\/user\/\d+$/);
  assert.equal(hits[0].requestId, 'fault-read-1');
  assert.equal(hits[0].auth, 'Bearer upstream-token');
});

/**
 * The proxy's per-request log line for a request id; the upstream-failure lines carry the id too,
 * but no `dialect`.
 */
async function logLine(requestId) {
  const [line] = await logLines((l) => l.startsWith('{"dialect":') && l.includes(`"requestId":"${requestId}"`));
  if (!line) throw new Error(`no log line for ${requestId}`);
  return JSON.parse(line);
}

test('the log line counts the upstream calls and the wait for them', { skip: !process.env.USERBRIDGE_LOG && 'USERBRIDGE_LOG not set' }, async () => {
  const user = await mapped();
  const read = await call('GET', `/v1/users/${user.id}`, { headers: { ...BEARER, 'X-Request-Id': `fault-log-read-${process.pid}` } });
  assert.equal(read.status, 200, read.text);
  const entry = await logLine(`fault-log-read-${process.pid}`);
  assert.equal(entry.upstreamCalls, 1);
  assert.ok(Number.isInteger(entry.upstreamMs) && entry.upstreamMs >= 0 && entry.upstreamMs <= entry.durationMs, JSON.stringify(entry));
  // Retries count: a 500 read is three calls.
  mode = '500';
  await call('GET', `/v1/users/${user.id}`, { headers: { ...BEARER, 'X-Request-Id': `fault-log-retry-${process.pid}` } });
  mode = 'ok';
  const retried = await logLine(`fault-log-retry-${process.pid}`);
  assert.equal(retried.upstreamCalls, 3);
  // The 50 + 150 ms between the tries are the facade's own waiting, not the upstream's.
  assert.ok(retried.durationMs - retried.upstreamMs >= 200, JSON.stringify(retried));
  // A request that never reaches the upstream (no mapping row for the id) says nothing of it.
  const unknown = await call('GET', '/v1/users/99999999', { headers: { ...BEARER, 'X-Request-Id': `fault-log-none-${process.pid}` } });
  assert.equal(unknown.status, 404, unknown.text);
  const none = await logLine(`fault-log-none-${process.pid}`);
  assert.equal(none.upstreamCalls, undefined);
  assert.equal(none.upstreamMs, undefined);
});

test('a slow upstream is 504 after the timeout, in the caller\'s shape', async () => {
  const user = await mapped();
  mode = 'slow';
  const res = await call('GET', `/v1/users/${user.id}`);
  assert.equal(res.status, 504, res.text);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.equal(res.body.title, 'Gateway Timeout');
  assert.ok(res.ms < 1900, `answered after ${res.ms} ms: the timeout is 500 ms`);
  mode = 'ok';
});

test('a 500 on an idempotent read is retried twice, then 502', async () => {
  const user = await mapped();
  mode = '500';
  hits = [];
  const res = await call('GET', `/v1/users/${user.id}`);
  assert.equal(res.status, 502, res.text);
  assert.equal(res.body.title, 'Bad Gateway');
  assert.equal(hits.length, 3, JSON.stringify(hits));
  // learningcloud callers get learningcloud's error envelope.
  hits = [];
  const lc = await call('GET', `/integration/ws/management/rest/users/${user.uid}`, { headers: { 'X-Cloud-Auth-Token': 'dev-admin-token' } });
  assert.equal(lc.status, 502, lc.text);
  assert.equal(lc.body.status, 502);
  mode = 'ok';
});

test('a 500 on a create is not retried (the upstream may have done it) and leaves no mapping', async () => {
  const first = await mapped();
  mode = '500';
  hits = [];
  const res = await call('POST', '/v1/users', { json: canonical() });
  assert.equal(res.status, 502, res.text);
  assert.equal(hits.length, 1, JSON.stringify(hits));
  // No mapping row was written: the next user gets the very next id (ids are AUTOINCREMENT).
  const next = await mapped();
  assert.equal(next.id, first.id + 1);
});

test('a caller\'s Idempotency-Key goes upstream on the create, as one key per caller and key', async () => {
  const body = canonical();
  const key = `fault-key-${process.pid}`;
  const post = (headers) => call('POST', '/v1/users', { headers: { ...BEARER, ...headers }, json: body });
  // The first try fails upstream (502) and releases the key, so the caller may retry with it.
  mode = '500';
  hits = [];
  assert.equal((await post({ 'Idempotency-Key': key })).status, 502);
  const forwarded = hits[0].idempotencyKey;
  assert.match(forwarded ?? '', /^[0-9a-f]{64}$/, JSON.stringify(hits));
  // The retry carries the same upstream key: an upstream that honours keys makes the user once.
  mode = 'ok';
  hits = [];
  const retried = await post({ 'Idempotency-Key': key });
  assert.equal(retried.status, 201, retried.text);
  assert.deepEqual(hits.map((h) => [h.method, h.idempotencyKey]), [['POST', forwarded]]);
  // Another key, or none, is not that key; reads never carry one.
  hits = [];
  body.emails[0].value = `other-${body.emails[0].value}`;
  assert.equal((await post({ 'Idempotency-Key': `${key}-2` })).status, 201);
  assert.match(hits[0].idempotencyKey, /^[0-9a-f]{64}$/);
  assert.notEqual(hits[0].idempotencyKey, forwarded);
  hits = [];
  assert.equal((await call('GET', `/v1/users/${retried.body.id}`)).status, 200);
  assert.equal(hits[0].idempotencyKey, undefined);
  hits = [];
  body.emails[0].value = `none-${body.emails[0].value}`;
  assert.equal((await post({})).status, 201);
  assert.equal(hits[0].idempotencyKey, undefined);
});

test('an upstream record that keeps changing under a read–merge–write is 409 after one retry, never written', async () => {
  const user = await mapped();
  mode = 'drift';
  hits = [];
  const res = await call('PATCH', `/v1/users/${user.id}`, { json: { job_title: 'Engineer' } });
  assert.equal(res.status, 409, res.text);
  assert.ok(!hits.some((h) => h.method === 'PUT'), JSON.stringify(hits));
  // Read; re-read before writing differs, so retry from that record; re-read differs again: 409.
  // (primavera's update requires email, firstName and lastName in every body: a partial PUT
  // writes them back, so it is guarded like a full replacement.)
  assert.equal(hits.filter((h) => h.method === 'GET').length, 3, JSON.stringify(hits));
  mode = 'ok';
});

test('a primavera partial PUT carries the change and the three fields the vendor requires, nothing else', async () => {
  const user = await mapped();
  hits = [];
  const res = await call('PATCH', `/v1/users/${user.id}`, { json: { job_title: 'Engineer' } });
  assert.equal(res.status, 200, res.text);
  // The read that finds the user, the guarding re-read, the PUT, and the read back /v1 shows.
  assert.deepEqual(hits.map((h) => h.method), ['GET', 'GET', 'PUT', 'GET'], JSON.stringify(hits));
  const put = JSON.parse(hits[2].body);
  assert.deepEqual(Object.keys(put).sort(), ['email', 'firstName', 'lastName', 'title', 'userId'], hits[2].body);
  assert.equal(put.title, 'Engineer');
});

test('with If-Match, an upstream record that changed since is 412, never written', async () => {
  const user = await mapped();
  const read = await call('GET', `/v1/users/${user.id}`);
  assert.equal(read.status, 200, read.text);
  mode = 'drift';
  hits = [];
  const res = await call('PATCH', `/v1/users/${user.id}`, { headers: { ...BEARER, 'If-Match': read.headers.get('etag') }, json: { job_title: 'Engineer' } });
  assert.equal(res.status, 412, res.text);
  assert.ok(!hits.some((h) => h.method === 'PUT'), JSON.stringify(hits));
  mode = 'ok';
});

test('a garbage body from the upstream is 502', async () => {
  const user = await mapped();
  mode = 'garbage';
  const res = await call('GET', `/v1/users/${user.id}`);
  assert.equal(res.status, 502, res.text);
  mode = 'ok';
});

test('an upstream 409 is the caller\'s duplicate', async () => {
  mode = '409';
  const res = await call('POST', '/v1/users', { json: canonical() });
  assert.equal(res.status, 409, res.text);
  const pv = await call('POST', PATH, { json: { companyId: 7, email: `dup-${process.pid}@example.org`, firstName: 'A', lastName: 'B', officeIds: [1], userLocale: 'en' } });
  // primavera answers a duplicate with 400 (the vendor documents no 409).
  assert.equal(pv.status, 400, pv.text);
  mode = 'ok';
});

test('an upstream 400 names the caller\'s own field', async () => {
  mode = '400';
  const res = await call('POST', '/v1/users', { json: canonical() });
  assert.equal(res.status, 400, res.text);
  const error = res.body.errors.find((e) => e.params?.upstreamPointer === '/firstName');
  assert.ok(error, res.text);
  assert.equal(error.pointer, '/name/given');
  assert.equal(error.code, 'too_long');
  const scim = await call('POST', '/scim/v2/Users', {
    json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `s-${process.pid}`, name: { givenName: 'Ada', familyName: 'L' }, emails: [{ value: `s-${process.pid}@example.org` }] },
  });
  assert.equal(scim.status, 400, scim.text);
  mode = 'ok';
});

test('fields the upstream cannot hold are listed in X-Userbridge-Lost', async () => {
  mode = 'ok';
  const res = await call('POST', '/v1/users', { json: { ...canonical(), username: `lost-${process.pid}`, timezone: 'Europe/Madrid' } });
  assert.equal(res.status, 201, res.text);
  const lost = res.headers.get('x-userbridge-lost').split(', ');
  assert.ok(lost.includes('/username') && lost.includes('/timezone'), lost.join());
  assert.equal(res.headers.get('x-userbridge-upstream'), 'primavera');
});

test('an upstream that refuses connections is 502', async () => {
  const user = await mapped();
  await new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  });
  const res = await call('GET', `/v1/users/${user.id}`);
  assert.equal(res.status, 502, res.text);
});
