// DeviceHive REST (docs/dialects/devicehive.md): tokens, users, the vendor's status codes and messages, and
// cross-dialect reads. The WebSocket is in devicehive-ws.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { BEARER, CLOUD, LC, PV, call, createCanonical, unique } from './_support.mjs';

/** Development values from wrangler.toml [vars]; override for a deployed Worker. */
const ADMIN_LOGIN = process.env.USERBRIDGE_ADMIN_LOGIN ?? 'admin';
const ADMIN_PASSWORD = process.env.USERBRIDGE_ADMIN_PASSWORD ?? 'dev-admin-password';
const JWT_SECRET = process.env.DEVICEHIVE_JWT_SECRET ?? 'dev-jwt-secret-change-me';
const DH = '/api/rest';
const UNAUTHORIZED = { error: 401, message: 'Unauthorized' };
const LAST_LOGIN = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/;

const auth = (token) => ({ Authorization: `Bearer ${token}` });
/** A JSON body with no Content-Type at all, as the vendor's Python client sends it. */
const bare = (value) => new TextEncoder().encode(JSON.stringify(value));

async function token(login, password) {
  const res = await call('POST', `${DH}/token`, { json: { login, password } });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

let adminTokens;
async function admin() {
  adminTokens ??= await token(ADMIN_LOGIN, ADMIN_PASSWORD);
  return auth(adminTokens.accessToken);
}

async function createUser(overrides = {}) {
  const body = { login: unique('dh'), password: 'secret-123', role: 1, ...overrides };
  const res = await call('POST', `${DH}/user`, { headers: await admin(), json: body });
  assert.equal(res.status, 201, res.text);
  return { id: res.body.id, login: body.login, password: body.password, created: res.body };
}

function decode(jwt) {
  const [header, payload, signature] = jwt.split('.');
  const expected = createHmac('sha256', JWT_SECRET).update(`${header}.${payload}`).digest('base64url');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url')),
    payload: JSON.parse(Buffer.from(payload, 'base64url')).payload,
    validSignature: signature === expected,
  };
}

// --- tokens ----------------------------------------------------------------------------------------

test('POST /token: the bootstrap admin gets HS256 tokens in the vendor payload shape', async () => {
  const pair = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
  assert.deepEqual(Object.keys(pair).sort(), ['accessToken', 'refreshToken']);
  const access = decode(pair.accessToken);
  assert.deepEqual(access.header, { alg: 'HS256' });
  assert.ok(access.validSignature, 'a standard HMAC-SHA256 over header.payload');
  assert.deepEqual({ ...access.payload, e: 0, u: 0 }, { u: 0, a: [0], n: ['*'], dt: ['*'], e: 0, t: 1 });
  const ttl = access.payload.e - Date.now();
  assert.ok(ttl > 29 * 60_000 && ttl <= 30 * 60_000 + 5_000, `access lifetime ${ttl}`);
  const refresh = decode(pair.refreshToken);
  assert.ok(refresh.validSignature);
  assert.equal(refresh.payload.t, 0);
  const days = (refresh.payload.e - Date.now()) / 86_400_000;
  assert.ok(days > 181.9 && days <= 182.01, `refresh lifetime ${days} days`);
});

test('POST /token: wrong password or unknown login 401, missing fields 400', async () => {
  for (const body of [
    { login: ADMIN_LOGIN, password: 'wrong-password' },
    { login: unique('nobody'), password: 'whatever-1' },
  ]) {
    const res = await call('POST', `${DH}/token`, { json: body });
    assert.equal(res.status, 401, res.text);
    assert.deepEqual(res.body, UNAUTHORIZED);
  }
  const res = await call('POST', `${DH}/token`, { json: { login: ADMIN_LOGIN } });
  assert.equal(res.status, 400);
  assert.deepEqual(res.body, { error: 400, message: 'Invalid request parameters' });
});

test('POST /token/refresh: a refresh token gives a working access token; others are 401', async () => {
  const pair = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
  const res = await call('POST', `${DH}/token/refresh`, { json: { refreshToken: pair.refreshToken } });
  assert.equal(res.status, 201, res.text);
  assert.deepEqual(Object.keys(res.body), ['accessToken']);
  assert.equal(decode(res.body.accessToken).payload.t, 1);
  const me = await call('GET', `${DH}/user/current`, { headers: auth(res.body.accessToken) });
  assert.equal(me.status, 200);
  assert.equal(me.body.login, ADMIN_LOGIN);

  const wrongType = await call('POST', `${DH}/token/refresh`, { json: { refreshToken: pair.accessToken } });
  assert.equal(wrongType.status, 401);
  assert.deepEqual(wrongType.body, { error: 401, message: 'Invalid token type' });
  const garbage = await call('POST', `${DH}/token/refresh`, { json: { refreshToken: 'a.b.c' } });
  assert.equal(garbage.status, 401);
});

test('tokens are checked: none, garbage, tampered, refresh-as-access and unknown users are 401', async () => {
  const pair = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
  const [h, p, s] = pair.accessToken.split('.');
  const forged = Buffer.from(JSON.stringify({ payload: { ...decode(pair.accessToken).payload, u: 999999 } })).toString('base64url');
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
  for (const headers of [
    {},
    auth('nope'),
    { Authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` },
    auth(`${h}.${forged}.${s}`),
    auth(none),
    auth(pair.refreshToken),
  ]) {
    const res = await call('GET', `${DH}/user/current`, { headers });
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.deepEqual(res.body, UNAUTHORIZED);
  }
});

test('USERBRIDGE_ADMIN_TOKEN is an admin bearer; its current user is the bootstrap admin', async () => {
  const list = await call('GET', `${DH}/user?login=${ADMIN_LOGIN}`, { headers: BEARER });
  assert.equal(list.status, 200, list.text);
  assert.equal(list.body.length, 1);
  assert.equal(list.body[0].role, 0, 'the bootstrap admin has role 0');
  const me = await call('GET', `${DH}/user/current`, { headers: BEARER });
  assert.equal(me.status, 200);
  assert.equal(me.body.id, list.body[0].id);
});

// --- users -----------------------------------------------------------------------------------------

test('POST /user answers 201 with exactly the generated keys; GET shows every key, nulls included', async () => {
  const login = unique('dh');
  const res = await call('POST', `${DH}/user`, {
    headers: await admin(),
    json: { login, password: 'secret-123', role: 1, data: { floor: 3 } },
  });
  assert.equal(res.status, 201, res.text);
  assert.deepEqual(Object.keys(res.body).sort(), ['allDeviceTypesAvailable', 'data', 'id', 'introReviewed', 'lastLogin']);
  assert.equal(res.body.lastLogin, null);
  assert.deepEqual(res.body.data, { floor: 3 });
  assert.equal(res.body.introReviewed, false);
  assert.equal(res.body.allDeviceTypesAvailable, true);

  const got = await call('GET', `${DH}/user/${res.body.id}`, { headers: await admin() });
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, {
    id: res.body.id,
    login,
    role: 1,
    status: 0,
    lastLogin: null,
    data: { floor: 3 },
    introReviewed: false,
    allDeviceTypesAvailable: true,
    networks: [],
  });
});

test('lastLogin is set by POST /token in the vendor format', async () => {
  const u = await createUser();
  await token(u.login, u.password);
  const got = await call('GET', `${DH}/user/${u.id}`, { headers: await admin() });
  assert.match(got.body.lastLogin, LAST_LOGIN);
  assert.ok(Math.abs(Date.parse(`${got.body.lastLogin}Z`) - Date.now()) < 60_000);
});

test('a body without Content-Type is JSON; another media type is 415', async () => {
  const login = unique('bare');
  const res = await call('POST', `${DH}/user`, {
    headers: await admin(),
    body: bare({ login, password: 'secret-123', role: 1 }),
  });
  assert.equal(res.status, 201, res.text);
  const tokens = await call('POST', `${DH}/token`, { body: bare({ login, password: 'secret-123' }) });
  assert.equal(tokens.status, 201);
  const wrong = await call('POST', `${DH}/user`, {
    headers: { ...(await admin()), 'Content-Type': 'text/plain' },
    body: JSON.stringify({ login: unique('x'), password: 'secret-123', role: 1 }),
  });
  assert.equal(wrong.status, 415);
  assert.equal(wrong.body.error, 415);
});

test('a duplicate login is 403 with the vendor message, also differing in case', async () => {
  const u = await createUser();
  for (const login of [u.login, u.login.toUpperCase()]) {
    const res = await call('POST', `${DH}/user`, { headers: await admin(), json: { login, password: 'secret-123', role: 1 } });
    assert.equal(res.status, 403, res.text);
    assert.deepEqual(res.body, { error: 403, message: 'User with such login already exists. Please, select another one' });
  }
});

test('validation: the vendor messages, plus the core errors with pointers', async () => {
  const cases = [
    [{ login: unique('v'), password: 'secret-123' }, 'User role is invalid or empty', '/role'],
    [{ login: unique('v'), password: 'abc', role: 1 }, 'Password can contain only from 6 to 128 symbols!', '/password'],
    [{ id: 5, login: unique('v'), password: 'secret-123', role: 1 }, 'Invalid request parameters. Id cannot be specified.', '/id'],
  ];
  for (const [body, message, pointer] of cases) {
    const res = await call('POST', `${DH}/user`, { headers: await admin(), json: body });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error, 400);
    assert.equal(res.body.message, message);
    assert.deepEqual(res.body.errors.map((e) => e.pointer), [pointer]);
  }
  const many = await call('POST', `${DH}/user`, { headers: await admin(), json: { login: 'a b', role: 7 } });
  assert.equal(many.status, 400);
  assert.match(many.body.message, /^Error! Make sure, that the passed object is correct and properly structured\. Validation failed: /);
  assert.deepEqual(many.body.errors.map((e) => e.pointer).sort(), ['/login', '/password', '/role']);
  assert.ok(many.body.errors.every((e) => e.code && e.message));

  const syntax = await call('POST', `${DH}/user`, {
    headers: { ...(await admin()), 'Content-Type': 'application/json' },
    body: '{\n  "login": "x",\n}',
  });
  assert.equal(syntax.status, 400);
  assert.equal(syntax.body.message, 'Invalid request parameters');
  assert.equal(syntax.body.errors[0].code, 'syntax');
  assert.equal(syntax.body.errors[0].params.line, 3);
});

test('unknown ids are 404 "User with id = N not found" for get, update and delete', async () => {
  const id = 987654321;
  const message = { error: 404, message: `User with id = ${id} not found` };
  const get = await call('GET', `${DH}/user/${id}`, { headers: await admin() });
  assert.equal(get.status, 404);
  assert.deepEqual(get.body, message);
  const put = await call('PUT', `${DH}/user/${id}`, { headers: await admin(), json: { data: null } });
  assert.equal(put.status, 404);
  assert.deepEqual(put.body, message);
  const del = await call('DELETE', `${DH}/user/${id}`, { headers: await admin() });
  assert.equal(del.status, 404);
  assert.deepEqual(del.body, message);
});

test('PUT is partial, but data is overwritten: omitted data becomes null', async () => {
  const u = await createUser({ data: { keep: false } });
  const url = `${DH}/user/${u.id}`;
  let res = await call('PUT', url, { headers: await admin(), json: { status: 2, introReviewed: true, data: { a: 1 } } });
  assert.equal(res.status, 204, res.text);
  assert.equal(res.text, '');
  let got = (await call('GET', url, { headers: await admin() })).body;
  assert.equal(got.login, u.login, 'absent login unchanged');
  assert.equal(got.status, 2);
  assert.equal(got.introReviewed, true);
  assert.deepEqual(got.data, { a: 1 }, 'data replaced, not merged');

  res = await call('PUT', url, { headers: await admin(), json: { status: 0 } });
  assert.equal(res.status, 204);
  got = (await call('GET', url, { headers: await admin() })).body;
  assert.equal(got.data, null, 'omitted data is null after the update');
  assert.equal(got.introReviewed, true, 'other absent fields are kept');
  assert.equal(got.role, 1);
});

test('PUT applies a non-empty password only; renaming onto a taken login is 403', async () => {
  const u = await createUser();
  const other = await createUser();
  const url = `${DH}/user/${u.id}`;
  assert.equal((await call('PUT', url, { headers: await admin(), json: { password: '' } })).status, 204);
  await token(u.login, u.password);
  assert.equal((await call('PUT', url, { headers: await admin(), json: { password: 'brand-new-1' } })).status, 204);
  assert.equal((await call('POST', `${DH}/token`, { json: { login: u.login, password: u.password } })).status, 401);
  await token(u.login, 'brand-new-1');
  const short = await call('PUT', url, { headers: await admin(), json: { password: 'abc' } });
  assert.equal(short.status, 400);
  assert.equal(short.body.message, 'Password can contain only from 6 to 128 symbols!');
  const dup = await call('PUT', url, { headers: await admin(), json: { login: other.login } });
  assert.equal(dup.status, 403);
  assert.equal(dup.body.message, 'User with such login already exists. Please, select another one');
});

test('a client may change only its own password, data and introReviewed', async () => {
  const u = await createUser({ role: 1 });
  const mine = auth((await token(u.login, u.password)).accessToken);
  const me = await call('GET', `${DH}/user/current`, { headers: mine });
  assert.equal(me.status, 200);
  assert.equal(me.body.id, u.id);
  assert.equal(me.body.role, 1);

  for (const body of [{ role: 0 }, { status: 1 }, { login: unique('x') }, { role: 0, data: { x: 1 } }]) {
    const res = await call('PUT', `${DH}/user/current`, { headers: mine, json: body });
    assert.equal(res.status, 403, JSON.stringify(body));
    assert.deepEqual(res.body, { error: 403, message: 'Admin permissions required for this action' });
  }
  const ok = await call('PUT', `${DH}/user/current`, {
    headers: mine,
    json: { data: { theme: 'dark' }, introReviewed: true, password: 'client-new-1' },
  });
  assert.equal(ok.status, 204, ok.text);
  const after = (await call('GET', `${DH}/user/current`, { headers: mine })).body;
  assert.deepEqual(after.data, { theme: 'dark' });
  assert.equal(after.introReviewed, true);
  assert.equal(after.role, 1);
  await token(u.login, 'client-new-1');

  // Everything needing MANAGE_USER is 401 "Unauthorized", as the vendor's tests assert.
  const other = await createUser();
  for (const [method, path, json] of [
    ['GET', `${DH}/user`],
    ['GET', `${DH}/user/count`],
    ['GET', `${DH}/user/${other.id}`],
    ['POST', `${DH}/user`, { login: unique('x'), password: 'secret-123', role: 0 }],
    ['PUT', `${DH}/user/${u.id}`, { role: 0 }],
    ['DELETE', `${DH}/user/${other.id}`],
  ]) {
    const res = await call(method, path, { headers: mine, json });
    assert.equal(res.status, 401, `${method} ${path}`);
    assert.deepEqual(res.body, UNAUTHORIZED);
  }
});

test('DELETE: 204, then 404; deleting yourself is 403', async () => {
  const u = await createUser();
  const del = await call('DELETE', `${DH}/user/${u.id}`, { headers: await admin() });
  assert.equal(del.status, 204);
  assert.equal((await call('GET', `${DH}/user/${u.id}`, { headers: await admin() })).status, 404);

  const boss = await createUser({ role: 0 });
  const bossAuth = auth((await token(boss.login, boss.password)).accessToken);
  const self = await call('DELETE', `${DH}/user/${boss.id}`, { headers: bossAuth });
  assert.equal(self.status, 403);
  assert.deepEqual(self.body, {
    error: 403,
    message: 'You can not delete a user or access key that you use to authenticate this request',
  });
});

test('locked and disabled users get 403 from /token; their live tokens stop working', async () => {
  const u = await createUser();
  const live = auth((await token(u.login, u.password)).accessToken);
  assert.equal((await call('GET', `${DH}/user/current`, { headers: live })).status, 200);
  for (const status of [1, 2]) {
    assert.equal((await call('PUT', `${DH}/user/${u.id}`, { headers: await admin(), json: { status } })).status, 204);
    const res = await call('POST', `${DH}/token`, { json: { login: u.login, password: u.password } });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { error: 403, message: 'User is locked or disabled' });
    assert.equal((await call('GET', `${DH}/user/current`, { headers: live })).status, 401);
  }
  const wrong = await call('POST', `${DH}/token`, { json: { login: u.login, password: 'not-it-123' } });
  assert.equal(wrong.status, 401, 'a wrong password does not reveal the status');
});

test('GET /user: filters, sorting, paging; /user/count counts the same filters', async () => {
  const tag = unique('ls').replace(/-/g, '');
  const made = [];
  for (const [suffix, role, status] of [['c', 1, 0], ['a', 0, 0], ['b', 1, 2]]) {
    made.push(await createUser({ login: `${tag}${suffix}`, role, status }));
  }
  const h = await admin();
  const list = async (q) => {
    const res = await call('GET', `${DH}/user?${q}`, { headers: h });
    assert.equal(res.status, 200, `${q}: ${res.text}`);
    return res.body;
  };
  assert.deepEqual((await list(`loginPattern=${tag}%25&sortField=Login`)).map((u) => u.login), [`${tag}a`, `${tag}b`, `${tag}c`]);
  assert.deepEqual((await list(`loginPattern=${tag}%25&sortField=login&sortOrder=DESC`)).map((u) => u.login), [`${tag}c`, `${tag}b`, `${tag}a`]);
  assert.deepEqual((await list(`loginPattern=${tag}%25&sortField=ID`)).map((u) => u.id), made.map((u) => u.id));
  assert.deepEqual((await list(`loginPattern=${tag}%25&sortField=Login&take=1&skip=1`)).map((u) => u.login), [`${tag}b`]);
  assert.deepEqual((await list(`loginPattern=${tag}%25&role=0`)).map((u) => u.login), [`${tag}a`]);
  assert.deepEqual((await list(`loginPattern=${tag}%25&status=2`)).map((u) => u.login), [`${tag}b`]);
  assert.deepEqual((await list(`login=${tag}C`)).map((u) => u.login), [`${tag}c`], 'login is exact, case-insensitive');
  const one = (await list(`login=${tag}a`))[0];
  assert.deepEqual(Object.keys(one).sort(), ['allDeviceTypesAvailable', 'data', 'id', 'introReviewed', 'lastLogin', 'login', 'role', 'status']);
  assert.ok((await list('')).length <= 20, 'take defaults to 20');

  const count = await call('GET', `${DH}/user/count?loginPattern=${tag}%25&role=1`, { headers: h });
  assert.equal(count.status, 200);
  assert.deepEqual(count.body, { count: 2 });

  // D1 evaluates LIKE patterns up to 50 bytes; a longer loginPattern is refused, not a 500.
  const fifty = `${tag}${'%25'.repeat(50 - tag.length)}`;
  assert.deepEqual((await list(`loginPattern=${fifty}&sortField=Login`)).map((u) => u.login), [`${tag}a`, `${tag}b`, `${tag}c`]);
  for (const q of ['sortField=role', 'take=x', 'role=9', `loginPattern=${'x'.repeat(51)}`]) {
    const res = await call('GET', `${DH}/user?${q}`, { headers: h });
    assert.equal(res.status, 400, q);
    assert.deepEqual(res.body, { error: 400, message: 'Invalid request parameters' });
  }
});

test('/dh/rest is the same API; wrong methods are 405 with Allow; unknown paths 404', async () => {
  const u = await createUser();
  const got = await call('GET', `/dh/rest/user/${u.id}`, { headers: await admin() });
  assert.equal(got.status, 200);
  assert.equal(got.body.login, u.login);
  const patch = await call('PATCH', `${DH}/user/${u.id}`, { headers: await admin(), json: {} });
  assert.equal(patch.status, 405);
  assert.equal(patch.headers.get('allow'), 'GET, HEAD, PUT, DELETE');
  assert.equal(patch.body.error, 405);
  const unknown = await call('GET', `${DH}/device`, { headers: await admin() });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error, 404);
});

// --- cross-dialect -------------------------------------------------------------------------------

test('a DeviceHive user is readable through /v1, learningcloud, primavera, publisher and SCIM', async () => {
  const u = await createUser({ role: 0, data: { site: 'north' } });
  const v1 = await call('GET', `/v1/users/${u.id}`, { headers: BEARER });
  assert.equal(v1.status, 200, v1.text);
  assert.equal(v1.body.username, u.login);
  assert.equal(v1.body.access, 'admin');
  assert.deepEqual(v1.body.data, { site: 'north' });
  assert.equal(v1.body.password, undefined);

  const lc = await call('GET', `${LC}/${encodeURIComponent(u.login)}`, { headers: CLOUD });
  assert.equal(lc.status, 200, lc.text);
  assert.equal(lc.body.username, u.login);
  const byUid = await call('GET', `${LC}/${v1.body.uid}`, { headers: CLOUD });
  assert.equal(byUid.status, 200);

  const pv = await call('GET', `${PV}/${u.id}`, { headers: BEARER });
  assert.equal(pv.status, 200, pv.text);
  assert.equal(pv.body.userId, u.id);

  const pub = await call('GET', `/api/2/users/${u.id}`, { headers: BEARER });
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.body.user.id, u.id);

  const scim = await call('GET', `/scim/v2/Users/${v1.body.uid}`, { headers: BEARER });
  assert.equal(scim.status, 200, scim.text);
  assert.equal(scim.body.userName, u.login);
});

test('users made through /v1 and publisher are readable through DeviceHive', async () => {
  const username = unique('cv');
  const { user } = await createCanonical({ username, emails: [{ value: `${username}@example.org`, primary: true }], status: 'locked_out' });
  const got = await call('GET', `${DH}/user/${user.id}`, { headers: await admin() });
  assert.equal(got.status, 200, got.text);
  assert.equal(got.body.login, username);
  assert.equal(got.body.status, 1);
  assert.equal(got.body.role, 1, 'no role: a client');
  assert.equal(got.body.lastLogin, null);

  const email = `${unique('pub')}@example.org`;
  const created = await call('POST', '/api/2/users', { headers: BEARER, json: { user: { email, status: 'suspended' } } });
  assert.equal(created.status, 200, created.text);
  const viaDh = await call('GET', `${DH}/user/${created.body.user.id}`, { headers: await admin() });
  assert.equal(viaDh.status, 200);
  assert.equal(viaDh.body.login, email, 'no login: the email is the identity shown');
  assert.equal(viaDh.body.status, 2);
});
