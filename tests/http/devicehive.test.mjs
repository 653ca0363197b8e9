// DeviceHive REST (docs/dialects/devicehive.md): tokens, permissions from the token's action
// list, users, the vendor's status codes and messages, and cross-dialect reads. The WebSocket is
// in devicehive-ws.test.mjs.
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
const DENIED = { error: 403, message: 'Access is denied' };
const INVALID_CREDENTIALS = { error: 401, message: 'Invalid credentials' };
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

/** An access token for `userId` holding exactly `actions` (names or ids), made by the admin. */
async function tokenWith(userId, actions, extra = {}) {
  const res = await call('POST', `${DH}/token/create`, { headers: await admin(), json: { userId, actions, ...extra } });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** A token we sign ourselves (the development secret), for payloads the server never issues. */
function sign(payload) {
  const header = Buffer.from('{"alg":"HS256"}').toString('base64url');
  const body = Buffer.from(JSON.stringify({ payload })).toString('base64url');
  const mac = createHmac('sha256', JWT_SECRET).update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${mac}`;
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

test('POST /token: the vendor messages for a wrong password, an unknown login, missing fields', async () => {
  // A password that is not a string is a wrong password, not a malformed request.
  for (const password of ['wrong-password', 1111, true, { p: 1 }]) {
    const res = await call('POST', `${DH}/token`, { json: { login: ADMIN_LOGIN, password } });
    assert.equal(res.status, 401, res.text);
    assert.deepEqual(res.body, INVALID_CREDENTIALS, JSON.stringify(password));
  }
  const nobody = unique('nobody');
  for (const password of ['whatever-1', 42]) {
    const res = await call('POST', `${DH}/token`, { json: { login: nobody, password } });
    assert.equal(res.status, 401, res.text);
    assert.deepEqual(res.body, { error: 401, message: `User with login = ${nobody} not found or bad password` });
  }
  for (const body of [{ login: ADMIN_LOGIN }, { login: ADMIN_LOGIN, password: '' }, { login: ' ', password: 'x' }, {}]) {
    const res = await call('POST', `${DH}/token`, { json: body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.deepEqual(res.body, { error: 400, message: 'Invalid or empty authorization request parameters' });
  }
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
  assert.deepEqual(garbage.body, UNAUTHORIZED);
});

test('POST /token/refresh checks the type before the expiry; an expired refresh token is "Token has expired"', async () => {
  const u = (await call('GET', `${DH}/user?login=${ADMIN_LOGIN}`, { headers: BEARER })).body[0];
  const claims = { u: u.id, a: [0], n: ['*'], dt: ['*'], e: Date.now() - 60_000 };
  const expiredAccess = await call('POST', `${DH}/token/refresh`, { json: { refreshToken: sign({ ...claims, t: 1 }) } });
  assert.equal(expiredAccess.status, 401);
  assert.deepEqual(expiredAccess.body, { error: 401, message: 'Invalid token type' });
  const expiredRefresh = await call('POST', `${DH}/token/refresh`, { json: { refreshToken: sign({ ...claims, t: 0 }) } });
  assert.equal(expiredRefresh.status, 401);
  assert.deepEqual(expiredRefresh.body, { error: 401, message: 'Token has expired' });
  // An expired access token as a bearer is simply not a credential.
  const bearer = await call('GET', `${DH}/user/current`, { headers: auth(sign({ ...claims, t: 1 })) });
  assert.deepEqual([bearer.status, bearer.body], [401, UNAUTHORIZED]);
});

test('POST /token/refresh keeps the refresh token\'s action list and sets lastLogin', async () => {
  const u = await createUser({ role: 0 });
  const pair = await tokenWith(u.id, ['GetCurrentUser']);
  const before = await call('GET', `${DH}/user/${u.id}`, { headers: await admin() });
  assert.equal(before.body.lastLogin, null, 'token/create does not set lastLogin');
  const res = await call('POST', `${DH}/token/refresh`, { json: { refreshToken: pair.refreshToken } });
  assert.equal(res.status, 201, res.text);
  const payload = decode(res.body.accessToken).payload;
  assert.deepEqual(payload.a, [10]);
  assert.equal(payload.t, 1);
  const access = auth(res.body.accessToken);
  assert.equal((await call('GET', `${DH}/user/current`, { headers: access })).status, 200);
  const list = await call('GET', `${DH}/user`, { headers: access });
  assert.deepEqual([list.status, list.body], [403, DENIED], 'an admin, but the token does not grant ManageUser');
  const after = await call('GET', `${DH}/user/${u.id}`, { headers: await admin() });
  assert.match(after.body.lastLogin, LAST_LOGIN, 'refresh sets lastLogin');
});

// --- token/create and permissions ---------------------------------------------------------------

test('POST /token/create: an admin makes a pair for any user with exactly the actions named', async () => {
  const u = await createUser({ role: 1 });
  const expiration = Date.now() + 3_600_000;
  const pair = await tokenWith(u.id, ['ManageUser', 'GetCurrentUser', 'no-such-action', 99], { expiration, networkIds: null });
  assert.deepEqual(Object.keys(pair).sort(), ['accessToken', 'refreshToken']);
  const access = decode(pair.accessToken);
  assert.ok(access.validSignature);
  assert.deepEqual(access.payload, { u: u.id, a: [10, 12], n: null, dt: null, e: expiration, t: 1 });
  const refresh = decode(pair.refreshToken).payload;
  assert.deepEqual({ ...refresh }, { u: u.id, a: [10, 12], n: null, dt: null, e: expiration, t: 0 });

  // Ids work as names do; networkIds and deviceTypeIds are carried as strings.
  const byId = decode((await tokenWith(u.id, [12, 15], { networkIds: [3, '4'], deviceTypeIds: ['*'] })).accessToken).payload;
  assert.deepEqual([byId.a, byId.n, byId.dt], [[12, 15], ['3', '4'], ['*']]);
  const ttl = byId.e - Date.now();
  assert.ok(ttl > 29 * 60_000 && ttl <= 30 * 60_000 + 5_000, 'default access lifetime');
  // No actions named: the token grants none (the vendor's NONE).
  const none = await tokenWith(u.id, undefined);
  assert.deepEqual(decode(none.accessToken).payload.a, [1]);
  const current = await call('GET', `${DH}/user/current`, { headers: auth(none.accessToken) });
  assert.deepEqual([current.status, current.body], [403, DENIED]);
  // A separate refresh expiry.
  const both = await tokenWith(u.id, ['*'], { expiration, refreshExpiration: expiration + 5 });
  assert.equal(decode(both.refreshToken).payload.e, expiration + 5);
  assert.equal(decode(both.accessToken).payload.e, expiration);

  const got = await call('GET', `${DH}/user/${u.id}`, { headers: await admin() });
  assert.equal(got.body.lastLogin, null, 'creating tokens is not a login');
});

test('POST /token/create: errors', async () => {
  const u = await createUser();
  const h = await admin();
  const post = (json, headers = h) => call('POST', `${DH}/token/create`, { headers, json });
  let res = await post({ userId: 987654321, actions: ['*'] });
  assert.deepEqual([res.status, res.body], [404, { error: 404, message: 'User with id = 987654321 not found' }]);
  res = await post({ userId: u.id, actions: [true] });
  assert.deepEqual([res.status, res.body], [400, { error: 400, message: 'Actions list should contain only Strings or Integers' }]);
  res = await post({ actions: ['*'] });
  assert.equal(res.status, 400);
  res = await call('POST', `${DH}/token/create`, { json: { userId: u.id } });
  assert.deepEqual([res.status, res.body], [401, UNAUTHORIZED]);
  const locked = await createUser({ status: 1 });
  res = await post({ userId: locked.id, actions: ['*'] });
  assert.deepEqual([res.status, res.body], [403, { error: 403, message: 'User is locked or disabled' }]);
  // ManageToken is needed.
  const without = await tokenWith(u.id, ['GetCurrentUser']);
  res = await post({ userId: u.id, actions: ['GetCurrentUser'] }, auth(without.accessToken));
  assert.deepEqual([res.status, res.body], [403, DENIED]);
});

test('POST /token/create by a client: only for itself and within its own actions', async () => {
  const u = await createUser({ role: 1 });
  const other = await createUser({ role: 1 });
  const mine = auth((await token(u.login, u.password)).accessToken);
  const post = (json) => call('POST', `${DH}/token/create`, { headers: mine, json });
  const narrow = await post({ userId: u.id, actions: ['GetCurrentUser'] });
  assert.equal(narrow.status, 201, narrow.text);
  assert.deepEqual(decode(narrow.body.accessToken).payload.a, [10]);
  for (const body of [{ userId: u.id, actions: ['ManageUser'] }, { userId: u.id, actions: ['*'] }, { userId: other.id, actions: ['GetCurrentUser'] }]) {
    const res = await post(body);
    assert.deepEqual([res.status, res.body], [403, DENIED], JSON.stringify(body));
  }
});

test('permissions come from the token: a client holding ManageUser lists users, an admin without it is refused', async () => {
  const client = await createUser({ role: 1 });
  const other = await createUser({ role: 1, data: { x: 1 } });
  const manager = auth((await tokenWith(client.id, ['ManageUser'])).accessToken);
  const list = await call('GET', `${DH}/user?login=${other.login}`, { headers: manager });
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.body.map((u) => u.id), [other.id]);
  const count = await call('GET', `${DH}/user/count?login=${other.login}`, { headers: manager });
  assert.deepEqual(count.body, { count: 1 });
  // A client-role caller reads only itself by id: the vendor's 403 carrying a 404 body.
  const notYours = await call('GET', `${DH}/user/${other.id}`, { headers: manager });
  assert.equal(notYours.status, 403);
  assert.deepEqual(notYours.body, { error: 404, message: `User with id = ${other.id} not found` });
  const self = await call('GET', `${DH}/user/${client.id}`, { headers: manager });
  assert.equal(self.status, 200);
  // ...and still may not change a role, whatever the token grants.
  const role = await call('PUT', `${DH}/user/${other.id}`, { headers: manager, json: { role: 0 } });
  assert.deepEqual([role.status, role.body], [403, { error: 403, message: 'Admin permissions required for this action' }]);
  // GetCurrentUser is not in this token.
  const current = await call('GET', `${DH}/user/current`, { headers: manager });
  assert.deepEqual([current.status, current.body], [403, DENIED]);

  const boss = await createUser({ role: 0 });
  const narrow = auth((await tokenWith(boss.id, ['RegisterDevice', 'GetCurrentUser'])).accessToken);
  for (const [method, path, json] of [
    ['GET', `${DH}/user`],
    ['GET', `${DH}/user/count`],
    ['GET', `${DH}/user/${other.id}`],
    ['POST', `${DH}/user`, { login: unique('x'), password: 'secret-123', role: 1 }],
    ['PUT', `${DH}/user/${other.id}`, { data: null }],
    ['DELETE', `${DH}/user/${other.id}`],
    ['PUT', `${DH}/user/current`, { data: null }],
  ]) {
    const res = await call(method, path, { headers: narrow, json });
    assert.deepEqual([res.status, res.body], [403, DENIED], `${method} ${path}`);
  }
  assert.equal((await call('GET', `${DH}/user/current`, { headers: narrow })).status, 200);
  const untouched = await call('GET', `${DH}/user/${other.id}`, { headers: await admin() });
  assert.deepEqual(untouched.body.data, { x: 1 });
});

test('a token naming an action id that does not exist is no credential', async () => {
  const u = (await call('GET', `${DH}/user?login=${ADMIN_LOGIN}`, { headers: BEARER })).body[0];
  const bad = sign({ u: u.id, a: [12, 99], n: null, dt: null, e: Date.now() + 60_000, t: 1 });
  const res = await call('GET', `${DH}/user`, { headers: auth(bad) });
  assert.deepEqual([res.status, res.body], [401, UNAUTHORIZED]);
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
    [{ login: 'ab', password: 'secret-123', role: 1 }, 'Field cannot be empty. The length of login should be from 3 to 128 symbols.', '/login'],
    [{ login: 'a'.repeat(129), password: 'secret-123', role: 1 }, 'Field cannot be empty. The length of login should be from 3 to 128 symbols.', '/login'],
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

test('PUT is partial, data included: absent keeps it, null clears it', async () => {
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
  assert.deepEqual(got.data, { a: 1 }, 'absent data is kept');
  assert.equal(got.introReviewed, true, 'other absent fields are kept');
  assert.equal(got.role, 1);

  res = await call('PUT', url, { headers: await admin(), json: { data: null } });
  assert.equal(res.status, 204);
  got = (await call('GET', url, { headers: await admin() })).body;
  assert.equal(got.data, null, 'an explicit null clears data');
  assert.equal(got.status, 0);
});

test('PUT /user/current: absent data is kept, null clears it', async () => {
  const u = await createUser({ data: { mine: 1 } });
  const mine = auth((await token(u.login, u.password)).accessToken);
  assert.equal((await call('PUT', `${DH}/user/current`, { headers: mine, json: { introReviewed: true } })).status, 204);
  assert.deepEqual((await call('GET', `${DH}/user/current`, { headers: mine })).body.data, { mine: 1 });
  assert.equal((await call('PUT', `${DH}/user/current`, { headers: mine, json: { data: null } })).status, 204);
  assert.equal((await call('GET', `${DH}/user/current`, { headers: mine })).body.data, null);
});

test('the PyPI client\'s round trip keeps data: login, create, save role/status/data, rename, read, list by login', async () => {
  // The request sequence of `devicehive` 2.1.6 over HTTP: bodies without Content-Type.
  const tokens = await call('POST', `${DH}/token`, { body: bare({ login: ADMIN_LOGIN, password: ADMIN_PASSWORD }) });
  assert.equal(tokens.status, 201);
  const h = auth(tokens.body.accessToken);
  const login = unique('py');
  const created = await call('POST', `${DH}/user`, {
    headers: h,
    body: bare({ login, role: 1, status: 0, data: { team: 'blue' }, password: 'secret-123', allDeviceTypesAvailable: true }),
  });
  assert.equal(created.status, 201, created.text);
  for (const key of ['id', 'lastLogin', 'introReviewed', 'allDeviceTypesAvailable']) assert.ok(key in created.body, key);
  const id = created.body.id;
  const url = `${DH}/user/${id}`;
  // User.save(): role, status and data.
  assert.equal((await call('PUT', url, { headers: h, body: bare({ role: 0, status: 2, data: { team: 'red' } }) })).status, 204);
  // A rename: a login-only PUT.
  const renamed = `${login}-x`;
  assert.equal((await call('PUT', url, { headers: h, body: bare({ login: renamed }) })).status, 204);
  // User.update_password(): a password-only PUT.
  assert.equal((await call('PUT', url, { headers: h, body: bare({ password: 'secret-456' }) })).status, 204);
  const got = await call('GET', url, { headers: h });
  assert.equal(got.status, 200);
  for (const key of ['id', 'login', 'lastLogin', 'introReviewed', 'allDeviceTypesAvailable', 'role', 'status', 'data']) {
    assert.ok(key in got.body, key);
  }
  assert.deepEqual([got.body.login, got.body.role, got.body.status, got.body.data], [renamed, 0, 2, { team: 'red' }]);
  const listed = await call('GET', `${DH}/user?login=${renamed}`, { headers: h });
  assert.deepEqual(listed.body.map((u) => [u.id, u.data]), [[id, { team: 'red' }]]);
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

  // Everything needing ManageUser, which a client's login token does not grant: 403.
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
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.deepEqual(res.body, DENIED);
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

test('locked and disabled users get 401 "User is locked or disabled" from /token; their live tokens stop working', async () => {
  const u = await createUser();
  const live = auth((await token(u.login, u.password)).accessToken);
  assert.equal((await call('GET', `${DH}/user/current`, { headers: live })).status, 200);
  for (const status of [1, 2]) {
    assert.equal((await call('PUT', `${DH}/user/${u.id}`, { headers: await admin(), json: { status } })).status, 204);
    const res = await call('POST', `${DH}/token`, { json: { login: u.login, password: u.password } });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { error: 401, message: 'User is locked or disabled' });
    assert.deepEqual((await call('GET', `${DH}/user/current`, { headers: live })).body, UNAUTHORIZED);
  }
  const wrong = await call('POST', `${DH}/token`, { json: { login: u.login, password: 'not-it-123' } });
  assert.deepEqual(wrong.body, INVALID_CREDENTIALS, 'a wrong password does not reveal the status');
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
