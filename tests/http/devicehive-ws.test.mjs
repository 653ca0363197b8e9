// DeviceHive WebSocket (/api/websocket): authenticate, the user/* actions, error frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { BASE, TOKEN, call, unique } from './_support.mjs';

const ADMIN_LOGIN = process.env.USERBRIDGE_ADMIN_LOGIN ?? 'admin';
const ADMIN_PASSWORD = process.env.USERBRIDGE_ADMIN_PASSWORD ?? 'dev-admin-password';
const JWT_SECRET = process.env.DEVICEHIVE_JWT_SECRET ?? 'dev-jwt-secret-change-me';
const WS_URL = `${BASE.replace(/^http/, 'ws')}/api/websocket`;
const ADMIN = { Authorization: `Bearer ${TOKEN}` };
const DENIED = { status: 'error', code: 403, error: 'Access is denied' };

/** A token we sign ourselves (the development secret), for payloads the server never issues. */
function sign(payload) {
  const header = Buffer.from('{"alg":"HS256"}').toString('base64url');
  const body = Buffer.from(JSON.stringify({ payload })).toString('base64url');
  const mac = createHmac('sha256', JWT_SECRET).update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${mac}`;
}

async function createUser(overrides = {}) {
  const body = { login: unique('wsu'), password: 'secret-123', role: 1, ...overrides };
  const res = await call('POST', '/api/rest/user', { headers: ADMIN, json: body });
  assert.equal(res.status, 201, res.text);
  return { id: res.body.id, login: body.login, password: body.password };
}

async function tokenWith(userId, actions) {
  const res = await call('POST', '/api/rest/token/create', { headers: ADMIN, json: { userId, actions } });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Only the outcome of an answer: what the vendor's error frames carry besides the echo. */
const outcome = ({ status, code, error }) => ({ status, code, error });

/** A socket whose answers are awaited in order: one response frame per request frame. */
async function connect(url = WS_URL) {
  const ws = new WebSocket(url);
  const queue = [];
  const waiting = [];
  ws.addEventListener('message', (event) => {
    const frame = JSON.parse(event.data);
    const next = waiting.shift();
    if (next) next(frame);
    else queue.push(frame);
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)), { once: true });
  });
  const receive = () =>
    queue.length
      ? Promise.resolve(queue.shift())
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
          waiting.push((frame) => {
            clearTimeout(timer);
            resolve(frame);
          });
        });
  return {
    /** Sends a message (an object is JSON-encoded) and answers the next frame. */
    async send(message) {
      ws.send(typeof message === 'string' ? message : JSON.stringify(message));
      return receive();
    },
    close: () => ws.close(),
  };
}

async function accessToken(login, password) {
  const res = await call('POST', '/api/rest/token', { json: { login, password } });
  assert.equal(res.status, 201, res.text);
  return res.body.accessToken;
}

test('WebSocket round trip: authenticate, insert, get, update (numeric and "current"), list, delete', async () => {
  const ws = await connect();
  try {
    const before = await ws.send({ action: 'user/list', requestId: 1 });
    assert.deepEqual(before, { action: 'user/list', requestId: 1, status: 'error', code: 401, error: 'Unauthorized' });

    const auth = await ws.send({ action: 'authenticate', requestId: 'a', token: await accessToken(ADMIN_LOGIN, ADMIN_PASSWORD) });
    assert.deepEqual(auth, { action: 'authenticate', requestId: 'a', status: 'success' });

    const login = unique('ws');
    const inserted = await ws.send({
      action: 'user/insert',
      requestId: 2,
      user: { login, password: 'secret-123', role: 1, data: { a: 1 } },
    });
    assert.equal(inserted.status, 'success', JSON.stringify(inserted));
    assert.equal(inserted.action, 'user/insert');
    assert.equal(inserted.requestId, 2);
    const id = inserted.user.id;
    assert.deepEqual(inserted.user, { id, lastLogin: null, data: { a: 1 }, introReviewed: false, allDeviceTypesAvailable: true });

    const got = await ws.send({ action: 'user/get', requestId: 3, userId: id });
    assert.equal(got.status, 'success');
    assert.deepEqual(got.user, {
      id, login, role: 1, status: 0, lastLogin: null, data: { a: 1 }, introReviewed: false, allDeviceTypesAvailable: true, networks: [],
    });

    const updated = await ws.send({ action: 'user/update', requestId: 4, userId: id, user: { status: 2, data: { b: 2 } } });
    assert.deepEqual(updated, { action: 'user/update', requestId: 4, status: 'success' });
    const after = await ws.send({ action: 'user/get', requestId: 5, userId: id });
    assert.equal(after.user.status, 2);
    assert.deepEqual(after.user.data, { b: 2 });

    const listed = await ws.send({ action: 'user/list', requestId: 6, login });
    assert.equal(listed.status, 'success');
    assert.deepEqual(listed.users.map((u) => u.id), [id]);
    const counted = await ws.send({ action: 'user/count', requestId: 7, loginPattern: `${login}%` });
    assert.equal(counted.count, 1);

    const current = await ws.send({ action: 'user/getCurrent', requestId: 8 });
    assert.equal(current.current.login, ADMIN_LOGIN);
    // The seed's `userId: "current"` updates the caller; data is overwritten (absent → null).
    const viaCurrent = await ws.send({ action: 'user/update', requestId: 9, userId: 'current', user: { introReviewed: true } });
    assert.equal(viaCurrent.status, 'success', JSON.stringify(viaCurrent));
    const me = await ws.send({ action: 'user/getCurrent', requestId: 10 });
    assert.equal(me.current.introReviewed, true);

    const deleted = await ws.send({ action: 'user/delete', requestId: 11, userId: id });
    assert.deepEqual(deleted, { action: 'user/delete', requestId: 11, status: 'success' });
    const gone = await ws.send({ action: 'user/get', requestId: 12, userId: id });
    assert.deepEqual(gone, { action: 'user/get', requestId: 12, status: 'error', code: 404, error: `User with id = ${id} not found` });
  } finally {
    ws.close();
  }
});

test('WebSocket errors: malformed frames, missing members, vendor messages; the session survives', async () => {
  const ws = await connect(`${BASE.replace(/^http/, 'ws')}/dh/websocket`);
  try {
    assert.deepEqual(await ws.send('{not json'), { action: null, status: 'error', code: 400, error: 'Malformed Json received.' });
    assert.deepEqual(await ws.send('[1,2]'), { action: null, status: 'error', code: 400, error: 'Malformed Json received.' });
    const badId = await ws.send({ action: 'user/get', requestId: 1, userId: 'someone' });
    assert.deepEqual(badId, { action: 'user/get', requestId: 1, status: 'error', code: 400, error: 'Malformed Json received.' });

    const bad = await ws.send({ action: 'authenticate', requestId: 2, token: 'nope' });
    assert.deepEqual(bad, { action: 'authenticate', requestId: 2, status: 'error', code: 401, error: 'Invalid credentials' });
    // The admin token authenticates a socket too.
    assert.equal((await ws.send({ action: 'authenticate', requestId: 3, token: TOKEN })).status, 'success');

    assert.deepEqual(await ws.send({ action: 'user/update', requestId: 4, userId: 1 }), {
      action: 'user/update', requestId: 4, status: 'error', code: 400, error: 'User is required',
    });
    assert.deepEqual(await ws.send({ action: 'user/update', requestId: 5, user: {} }), {
      action: 'user/update', requestId: 5, status: 'error', code: 400, error: 'User id is wrong or empty',
    });
    assert.deepEqual(await ws.send({ action: 'user/insert', requestId: 6 }), {
      action: 'user/insert', requestId: 6, status: 'error', code: 400, error: 'User is required',
    });
    const invalid = await ws.send({ action: 'user/insert', requestId: 7, user: { login: unique('w'), password: 'x', role: 1 } });
    assert.equal(invalid.code, 400);
    assert.equal(invalid.error, 'Password can contain only from 6 to 128 symbols!');
    const unknown = await ws.send({ action: 'device/list', requestId: 8 });
    assert.equal(unknown.code, 400);
    assert.match(unknown.error, /^Unknown action requested/);

    const login = unique('wsdup');
    assert.equal((await ws.send({ action: 'user/insert', user: { login, password: 'secret-123', role: 1 } })).status, 'success');
    const dup = await ws.send({ action: 'user/insert', requestId: 9, user: { login, password: 'secret-123', role: 1 } });
    assert.deepEqual(dup, {
      action: 'user/insert', requestId: 9, status: 'error', code: 403,
      error: 'User with such login already exists. Please, select another one',
    });

    // Still serving after every error above.
    const list = await ws.send({ action: 'user/list', requestId: 10, login });
    assert.equal(list.status, 'success');
    assert.equal(list.users.length, 1);
  } finally {
    ws.close();
  }
});

test('WebSocket: a client session may update only itself; token actions work unauthenticated', async () => {
  const login = unique('wsc');
  const made = await call('POST', '/api/rest/user', {
    headers: { Authorization: `Bearer ${TOKEN}` },
    json: { login, password: 'secret-123', role: 1 },
  });
  assert.equal(made.status, 201);
  const ws = await connect();
  try {
    const pair = await ws.send({ action: 'token', requestId: 1, login, password: 'secret-123' });
    assert.equal(pair.status, 'success', JSON.stringify(pair));
    assert.ok(pair.accessToken && pair.refreshToken);
    const refreshed = await ws.send({ action: 'token/refresh', requestId: 2, refreshToken: pair.refreshToken });
    assert.ok(refreshed.accessToken);
    assert.equal((await ws.send({ action: 'authenticate', token: refreshed.accessToken })).status, 'success');

    const role = await ws.send({ action: 'user/updateCurrent', requestId: 3, user: { role: 0 } });
    assert.deepEqual(role, { action: 'user/updateCurrent', requestId: 3, status: 'error', code: 403, error: 'Admin permissions required for this action' });
    const ok = await ws.send({ action: 'user/updateCurrent', requestId: 4, user: { data: { mine: true } } });
    assert.equal(ok.status, 'success');
    const other = await ws.send({ action: 'user/update', requestId: 5, userId: made.body.id, user: { data: null } });
    assert.deepEqual(outcome(other), DENIED, 'user/update with a numeric id needs ManageUser');
    const list = await ws.send({ action: 'user/list', requestId: 6 });
    assert.deepEqual(list, { action: 'user/list', requestId: 6, ...DENIED });
    assert.deepEqual(outcome(await ws.send({ action: 'user/count' })), DENIED);
    const me = await ws.send({ action: 'user/get', requestId: 7, userId: 'current' });
    assert.deepEqual(me.user.data, { mine: true });
    const self = await ws.send({ action: 'user/delete', requestId: 8, userId: 'current' });
    assert.deepEqual(outcome(self), DENIED, 'delete needs ManageUser');
  } finally {
    ws.close();
  }
});

test('a plain GET on the WebSocket path is 426', async () => {
  const res = await call('GET', '/api/websocket');
  assert.equal(res.status, 426);
  assert.equal(res.body.error, 426);
});

test('WebSocket authenticate: the vendor messages, and it sets lastLogin', async () => {
  const u = await createUser();
  const ws = await connect();
  try {
    const pair = await tokenWith(u.id, ['GetCurrentUser']);
    for (const token of ['nope', pair.refreshToken]) {
      const res = await ws.send({ action: 'authenticate', requestId: 1, token });
      assert.deepEqual(res, { action: 'authenticate', requestId: 1, status: 'error', code: 401, error: 'Invalid credentials' });
    }
    const expired = sign({ u: u.id, a: [0], n: null, dt: null, e: Date.now() - 1000, t: 1 });
    assert.deepEqual(outcome(await ws.send({ action: 'authenticate', token: expired })), { status: 'error', code: 401, error: 'Token expired' });
    assert.deepEqual(outcome(await ws.send({ action: 'authenticate' })), { status: 'error', code: 401, error: 'Unauthorized' });

    const before = await call('GET', `/api/rest/user/${u.id}`, { headers: ADMIN });
    assert.equal(before.body.lastLogin, null);
    assert.equal((await ws.send({ action: 'authenticate', token: pair.accessToken })).status, 'success');
    const after = await call('GET', `/api/rest/user/${u.id}`, { headers: ADMIN });
    assert.match(after.body.lastLogin, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
  } finally {
    ws.close();
  }
});

test('WebSocket token and token/refresh: the vendor messages', async () => {
  const u = await createUser();
  const ws = await connect();
  try {
    for (const password of ['wrong-one', 1111]) {
      const res = await ws.send({ action: 'token', requestId: 1, login: u.login, password });
      assert.deepEqual(res, { action: 'token', requestId: 1, status: 'error', code: 401, error: 'Invalid credentials' });
    }
    const nobody = unique('nobody');
    const unknown = await ws.send({ action: 'token', login: nobody, password: 'whatever-1' });
    assert.deepEqual(outcome(unknown), { status: 'error', code: 401, error: `User with login = ${nobody} not found or bad password` });
    const pair = await ws.send({ action: 'token', login: u.login, password: u.password });
    assert.equal(pair.status, 'success');
    const wrongType = await ws.send({ action: 'token/refresh', refreshToken: pair.accessToken });
    assert.deepEqual(outcome(wrongType), { status: 'error', code: 401, error: 'Invalid token type' });
    const expired = sign({ u: u.id, a: [], n: [], dt: ['*'], e: Date.now() - 1000, t: 0 });
    assert.deepEqual(outcome(await ws.send({ action: 'token/refresh', refreshToken: expired })), {
      status: 'error', code: 401, error: 'Token has expired',
    });
    assert.deepEqual(outcome(await ws.send({ action: 'token/refresh' })), {
      status: 'error', code: 400, error: 'Missing or invalid payload in request',
    });
  } finally {
    ws.close();
  }
});

test('WebSocket token/create: 401 unauthenticated, 403 without ManageToken, a pair with exactly the actions', async () => {
  const u = await createUser();
  const ws = await connect();
  try {
    const anonymous = await ws.send({ action: 'token/create', requestId: 1, payload: { userId: u.id } });
    assert.deepEqual(anonymous, { action: 'token/create', requestId: 1, status: 'error', code: 401, error: 'Unauthorized' });

    const narrow = await tokenWith(u.id, ['GetCurrentUser']);
    assert.equal((await ws.send({ action: 'authenticate', token: narrow.accessToken })).status, 'success');
    assert.deepEqual(outcome(await ws.send({ action: 'token/create', payload: { userId: u.id } })), DENIED);

    assert.equal((await ws.send({ action: 'authenticate', token: TOKEN })).status, 'success');
    const made = await ws.send({ action: 'token/create', requestId: 2, payload: { userId: u.id, actions: ['ManageUser', 'GetCurrentUser'], networkIds: null } });
    assert.equal(made.status, 'success', JSON.stringify(made));
    assert.deepEqual(Object.keys(made).sort(), ['accessToken', 'action', 'refreshToken', 'requestId', 'status']);
    const payload = JSON.parse(Buffer.from(made.accessToken.split('.')[1], 'base64url')).payload;
    assert.deepEqual([payload.u, payload.a, payload.n, payload.t], [u.id, [10, 12], null, 1]);
    assert.deepEqual(outcome(await ws.send({ action: 'token/create', payload: { userId: -1, actions: ['*'] } })), {
      status: 'error', code: 404, error: 'User with id = -1 not found',
    });
    assert.deepEqual(outcome(await ws.send({ action: 'token/create' })), {
      status: 'error', code: 400, error: 'Missing or invalid payload in request',
    });

    // The created token on a socket: a client holding ManageUser lists users, but reads only
    // itself by id.
    const other = await ws.send({ action: 'authenticate', token: made.accessToken });
    assert.equal(other.status, 'success');
    const list = await ws.send({ action: 'user/list', login: u.login });
    assert.deepEqual(list.users.map((x) => x.id), [u.id]);
    const someone = await createUser();
    assert.deepEqual(outcome(await ws.send({ action: 'user/get', userId: someone.id })), {
      status: 'error', code: 404, error: `User with id = ${someone.id} not found`,
    });
    assert.equal((await ws.send({ action: 'user/get', userId: u.id })).status, 'success');
    assert.deepEqual(outcome(await ws.send({ action: 'user/updateCurrent', user: { data: null } })), DENIED, 'no UpdateCurrentUser');
  } finally {
    ws.close();
  }
});

test('WebSocket user/update and user/updateCurrent: absent data is kept, null clears it', async () => {
  const u = await createUser({ data: { keep: 1 } });
  const ws = await connect();
  try {
    assert.equal((await ws.send({ action: 'authenticate', token: TOKEN })).status, 'success');
    assert.equal((await ws.send({ action: 'user/update', userId: u.id, user: { introReviewed: true } })).status, 'success');
    assert.deepEqual((await ws.send({ action: 'user/get', userId: u.id })).user.data, { keep: 1 });
    assert.equal((await ws.send({ action: 'user/update', userId: u.id, user: { data: null } })).status, 'success');
    assert.equal((await ws.send({ action: 'user/get', userId: u.id })).user.data, null);

    const mine = await ws.send({ action: 'token', login: u.login, password: u.password });
    assert.equal((await ws.send({ action: 'authenticate', token: mine.accessToken })).status, 'success');
    assert.equal((await ws.send({ action: 'user/updateCurrent', user: { data: { again: 2 } } })).status, 'success');
    assert.equal((await ws.send({ action: 'user/updateCurrent', user: { introReviewed: false } })).status, 'success');
    assert.deepEqual((await ws.send({ action: 'user/getCurrent' })).current.data, { again: 2 });
    assert.equal((await ws.send({ action: 'user/updateCurrent', user: { data: null } })).status, 'success');
    assert.equal((await ws.send({ action: 'user/getCurrent' })).current.data, null);
  } finally {
    ws.close();
  }
});

test('WebSocket: a user locked while its socket is open is refused at once (401), unlike the vendor', async () => {
  const u = await createUser();
  const ws = await connect();
  try {
    const pair = await ws.send({ action: 'token', login: u.login, password: u.password });
    assert.equal((await ws.send({ action: 'authenticate', token: pair.accessToken })).status, 'success');
    assert.equal((await ws.send({ action: 'user/getCurrent' })).status, 'success');
    assert.equal((await call('PUT', `/api/rest/user/${u.id}`, { headers: ADMIN, json: { status: 1 } })).status, 204);
    assert.deepEqual(outcome(await ws.send({ action: 'user/updateCurrent', user: { status: 0 } })), {
      status: 'error', code: 401, error: 'Unauthorized',
    });
    assert.deepEqual(outcome(await ws.send({ action: 'user/getCurrent' })), { status: 'error', code: 401, error: 'Unauthorized' });
  } finally {
    ws.close();
  }
});
