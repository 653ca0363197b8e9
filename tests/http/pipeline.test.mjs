// The request pipeline every dialect shares: request ids, credentials, body limits, media types,
// methods, unknown paths, CORS and the per-request log line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BEARER, CLOUD, LC, PV, call, logLines, unique } from './_support.mjs';

const ALLOWED_ORIGIN = 'http://127.0.0.1:8787';
const OTHER_ORIGIN = 'https://evil.example';
const MIB = 1024 * 1024;

test('every response carries a request id; a plain caller id is echoed, a strange one replaced', async () => {
  const a = await call('GET', '/health');
  assert.match(a.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  const b = await call('GET', '/health');
  assert.notEqual(a.headers.get('x-request-id'), b.headers.get('x-request-id'));
  const echoed = await call('GET', '/health', { headers: { 'X-Request-Id': 'trace-42.a_b' } });
  assert.equal(echoed.headers.get('x-request-id'), 'trace-42.a_b');
  const forged = await call('GET', '/health', { headers: { 'X-Request-Id': 'x"}\u0009{"status":1' } });
  assert.match(forged.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});

test('every route but /health needs the credential, reads included', async () => {
  for (const [method, path] of [
    ['GET', '/v1/users'],
    ['GET', '/v1/dialects'],
    ['GET', '/openapi.json'],
    ['POST', '/v1/validate/primavera/create'],
    ['GET', LC],
    ['GET', `${PV}/1`],
  ]) {
    const res = await call(method, path);
    assert.equal(res.status, 401, `${method} ${path}`);
  }
  assert.equal((await call('GET', '/health')).status, 200);
});

test('a wrong credential is 401, and each dialect only accepts its own scheme', async () => {
  const wrong = { Authorization: 'Bearer not-the-token' };
  const v1 = await call('GET', '/v1/users', { headers: wrong });
  assert.equal(v1.status, 401);
  assert.equal(v1.headers.get('www-authenticate'), 'Bearer realm="userbridge"');
  assert.match(v1.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(v1.body.status, 401);
  // Same secret, wrong place: learningcloud reads X-Cloud-Auth-Token, primavera and /v1 Bearer.
  assert.equal((await call('GET', LC, { headers: BEARER })).status, 401);
  assert.equal((await call('GET', `${PV}/1`, { headers: CLOUD })).status, 401);
  assert.equal((await call('GET', '/v1/users', { headers: CLOUD })).status, 401);
  assert.equal((await call('GET', '/v1/users', { headers: { Authorization: `Basic ${btoa('admin:x')}` } })).status, 401);
  // A token that only shares a prefix with the real one is wrong too.
  assert.equal((await call('GET', LC, { headers: { 'X-Cloud-Auth-Token': 'dev-admin-toke' } })).status, 401);
});

test('a body over 1 MiB is refused with 413 by its Content-Length, before anything is parsed', async () => {
  const big = new Uint8Array(MIB + 1).fill(0x20);
  const res = await call('POST', '/v1/users', { headers: { ...BEARER, 'Content-Type': 'application/json' }, body: big });
  assert.equal(res.status, 413);
  assert.equal(res.body.status, 413);
  const lc = await call('POST', LC, { headers: { ...CLOUD, 'Content-Type': 'application/json' }, body: big });
  assert.equal(lc.status, 413);
  assert.equal(lc.body.status, 413, 'learningcloud answers its envelope');
  const pv = await call('POST', PV, { headers: { ...BEARER, 'Content-Type': 'application/json' }, body: big });
  assert.equal(pv.status, 413);
  assert.equal(typeof pv.body.message, 'string');
});

test('a chunked body (no Content-Length) over 1 MiB is refused with 413 by its actual size', async () => {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  const stream = new ReadableStream({
    pull(controller) {
      if (sent > MIB + chunk.length) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const res = await call('POST', '/v1/users', { headers: { ...BEARER, 'Content-Type': 'application/json' }, body: stream });
  assert.equal(res.status, 413);
});

test('exactly 1 MiB is still read (and then judged on its content)', async () => {
  const body = new Uint8Array(MIB).fill(0x20);
  body[0] = 0x7b; // '{'
  body[MIB - 1] = 0x7d; // '}'
  const res = await call('POST', '/v1/validate/primavera/create', { headers: { ...BEARER, 'Content-Type': 'application/json' }, body });
  assert.equal(res.status, 200);
  assert.equal(res.body.valid, false);
});

test('a write in another media type, or without one, is 415', async () => {
  const text = await call('POST', '/v1/users', { headers: { ...BEARER, 'Content-Type': 'text/plain' }, body: '{"username":"x"}' });
  assert.equal(text.status, 415);
  const none = await call('POST', '/v1/users', { headers: BEARER, body: new TextEncoder().encode('{"username":"x"}') });
  assert.equal(none.status, 415);
  const lc = await call('POST', LC, { headers: { ...CLOUD, 'Content-Type': 'application/xml' }, body: '<user/>' });
  assert.equal(lc.status, 415);
  assert.equal(lc.body.status, 415);
  const pv = await call('PUT', PV, { headers: { ...BEARER, 'Content-Type': 'text/plain' }, body: '{}' });
  assert.equal(pv.status, 415);
});

test('a known path with another method is 405 with Allow, in the dialect\'s shape', async () => {
  const v1 = await call('DELETE', '/v1/users', { headers: BEARER });
  assert.equal(v1.status, 405);
  assert.equal(v1.headers.get('allow'), 'GET, HEAD, POST');
  assert.equal(v1.body.status, 405);
  const lc = await call('PATCH', `${LC}/someone`, { headers: CLOUD });
  assert.equal(lc.status, 405);
  assert.equal(lc.headers.get('allow'), 'GET, HEAD, PUT, DELETE');
  assert.equal(lc.body.status, 405);
  const pv = await call('GET', PV, { headers: BEARER });
  assert.equal(pv.status, 405);
  assert.equal(pv.headers.get('allow'), 'POST, PUT');
  const health = await call('POST', '/health');
  assert.equal(health.status, 405);
  assert.equal(health.headers.get('allow'), 'GET, HEAD');
});

test('an unknown path is 404; under a dialect\'s path, in that dialect\'s shape', async () => {
  const plain = await call('GET', '/nope/nothing');
  assert.equal(plain.status, 404);
  assert.match(plain.headers.get('content-type'), /^application\/problem\+json/);
  const lc = await call('PUT', `${LC}/someone/explode`, { headers: CLOUD });
  assert.equal(lc.status, 404);
  assert.equal(lc.body.status, 404);
  assert.ok('responsePlatforms' in lc.body);
  const v1 = await call('GET', '/v1/nothing', { headers: BEARER });
  assert.equal(v1.status, 404);
  const fault = await call('GET', '/__fault/nothing');
  assert.equal(fault.status, 404);
});

test('CORS: an allowed origin gets its preflight and its origin back, never a wildcard', async () => {
  const pre = await call('OPTIONS', '/v1/users', {
    headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
  assert.equal(pre.headers.get('access-control-allow-methods'), 'GET, HEAD, POST');
  assert.match(pre.headers.get('access-control-allow-headers'), /Authorization/);
  assert.equal(pre.headers.get('access-control-allow-credentials'), null);
  const get = await call('GET', '/v1/users?limit=1', { headers: { ...BEARER, Origin: ALLOWED_ORIGIN } });
  assert.equal(get.status, 200);
  assert.equal(get.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
  assert.match(get.headers.get('access-control-expose-headers'), /ETag/);
  assert.match(get.headers.get('vary') ?? '', /Origin/);
  // Also on errors, so the page can read them.
  const err = await call('GET', '/v1/users', { headers: { Origin: ALLOWED_ORIGIN } });
  assert.equal(err.status, 401);
  assert.equal(err.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
});

test('CORS: another origin gets no CORS headers, and its preflight is refused', async () => {
  const pre = await call('OPTIONS', `${LC}/x`, { headers: { Origin: OTHER_ORIGIN, 'Access-Control-Request-Method': 'PUT' } });
  assert.equal(pre.status, 403);
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  const get = await call('GET', '/v1/users?limit=1', { headers: { ...BEARER, Origin: OTHER_ORIGIN } });
  assert.equal(get.status, 200);
  assert.equal(get.headers.get('access-control-allow-origin'), null);
  // A plain OPTIONS (no preflight) answers Allow.
  const plain = await call('OPTIONS', PV);
  assert.equal(plain.status, 204);
  assert.equal(plain.headers.get('allow'), 'POST, PUT');
});

test('one JSON log line per request, with no headers, bodies or secrets in it', { skip: !process.env.USERBRIDGE_LOG && 'USERBRIDGE_LOG not set' }, async () => {
  const id = `log-${unique('t').replace(/[^a-z0-9-]/g, '')}`.slice(0, 60);
  const password = `Secret-${unique('p')}`;
  const username = unique('logged');
  const res = await call('POST', '/v1/users', {
    headers: { ...BEARER, 'X-Request-Id': id },
    json: { username, password, emails: [{ value: `${username}@example.org` }] },
  });
  assert.equal(res.status, 201);
  const lines = await logLines((l) => l.includes(id));
  assert.equal(lines.length, 1, `exactly one line for request ${id}`);
  const entry = JSON.parse(lines[0].slice(lines[0].indexOf('{')));
  assert.deepEqual(Object.keys(entry).sort(), ['dialect', 'durationMs', 'method', 'op', 'path', 'requestId', 'status']);
  assert.equal(entry.requestId, id);
  assert.equal(entry.dialect, 'v1');
  assert.equal(entry.op, 'create');
  assert.equal(entry.method, 'POST');
  assert.equal(entry.path, '/v1/users');
  assert.equal(entry.status, 201);
  assert.equal(typeof entry.durationMs, 'number');
  const whole = await readFile(process.env.USERBRIDGE_LOG, 'utf8');
  assert.ok(!whole.includes(password), 'the password is never logged');
  // wrangler's start-up banner lists the development vars; the Worker's own lines never do.
  const workerLines = whole.split('\n').filter((l) => l.includes('"requestId"'));
  assert.ok(workerLines.length > 0);
  assert.ok(!workerLines.some((l) => l.includes('dev-admin-token')), 'the token is never logged');
});
