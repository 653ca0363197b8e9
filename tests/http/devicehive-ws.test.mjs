// DeviceHive WebSocket (/api/websocket): authenticate, the user/* actions, error frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, TOKEN, call, unique } from './_support.mjs';

const ADMIN_LOGIN = process.env.USERBRIDGE_ADMIN_LOGIN ?? 'admin';
const ADMIN_PASSWORD = process.env.USERBRIDGE_ADMIN_PASSWORD ?? 'dev-admin-password';
const WS_URL = `${BASE.replace(/^http/, 'ws')}/api/websocket`;

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
    assert.deepEqual(bad, { action: 'authenticate', requestId: 2, status: 'error', code: 401, error: 'Unauthorized' });
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
    assert.equal(other.code, 401, 'user/update with a numeric id needs MANAGE_USER');
    const list = await ws.send({ action: 'user/list', requestId: 6 });
    assert.equal(list.code, 401);
    const me = await ws.send({ action: 'user/get', requestId: 7, userId: 'current' });
    assert.deepEqual(me.user.data, { mine: true });
    const self = await ws.send({ action: 'user/delete', requestId: 8, userId: 'current' });
    assert.equal(self.code, 401, 'delete needs MANAGE_USER');
  } finally {
    ws.close();
  }
});

test('a plain GET on the WebSocket path is 426', async () => {
  const res = await call('GET', '/api/websocket');
  assert.equal(res.status, 426);
  assert.equal(res.body.error, 426);
});
