// learningcloud at the vendor's paths: envelope answers, id-or-username addressing,
// X-Cloud-Synchronization, X-Cloud-Auth-Token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BEARER, CLOUD, LC, PV, call, idOfUsername, lcUpdateBody, pvCreateBody, unique } from './_support.mjs';

const PLATFORMS = ['management', 'play', 'social', 'training'];

async function create(body, headers = {}) {
  const res = await call('POST', LC, { headers: { ...CLOUD, ...headers }, json: body });
  assert.equal(res.status, 200, res.text);
  return res;
}

function platformStatuses(envelope) {
  return Object.fromEntries(Object.entries(envelope.responsePlatforms).map(([p, r]) => [p, r.status]));
}

test('create: HTTP 200, envelope status 201 on every platform, Location …/users/<32-hex id>', async () => {
  const username = unique('lc.create');
  const res = await create({ username, password: 'pa55word!', name: 'Oliver', surname: 'Twist', email: `${username}@example.org`, language: 'en', roles: { management: ['user'] } });
  assert.equal(res.body.status, 201);
  assert.deepEqual(Object.keys(res.body.responsePlatforms).sort(), PLATFORMS);
  assert.deepEqual(platformStatuses(res.body), { training: 201, social: 201, play: 201, management: 201 });
  const location = res.headers.get('location');
  assert.match(location, new RegExp(`${LC}/[0-9a-f]{32}$`));
  assert.equal(res.body.location, location);
  const id = location.split('/').pop();
  const got = await call('GET', `${LC}/${id}`, { headers: CLOUD });
  assert.equal(got.status, 200);
  assert.equal(got.body.id, id);
  assert.equal(got.body.username, username);
  assert.equal(got.body.password, undefined);
  assert.ok(!got.text.includes('pa55word!'));
});

test('create: the body may be wrapped in {"user": …}; asynchronous answers the queued platforms with 202', async () => {
  const username = unique('lc.async');
  const res = await create({ user: { username, email: `${username}@example.org` } }, { 'X-Cloud-Synchronization': 'asynchronous' });
  assert.equal(res.body.status, 201);
  assert.deepEqual(platformStatuses(res.body), { training: 202, social: 202, play: 201, management: 201 });
  const got = await call('GET', `${LC}/${username}`, { headers: CLOUD });
  assert.equal(got.body.email, `${username}@example.org`);
  const bad = await call('POST', LC, { headers: { ...CLOUD, 'X-Cloud-Synchronization': 'sometimes' }, json: { username: unique('lc.bad') } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.status, 400);
  assert.match(bad.body.message, /X-Cloud-Synchronization/);
});

test('create: validation errors are a 400 envelope with every error and its pointer', async () => {
  const res = await call('POST', LC, { headers: CLOUD, json: { email: 'nope', timezone: 'Nowhere/City', roles: { management: [] } } });
  assert.equal(res.status, 400);
  assert.equal(res.body.status, 400);
  assert.match(res.body.message, /^Invalid user: /);
  assert.deepEqual(res.body.responsePlatforms, {});
  assert.deepEqual(res.body.errors.map((e) => [e.pointer, e.code]).sort(), [
    ['/email', 'invalid_email'],
    ['/roles/management', 'missing_value'],
    ['/timezone', 'invalid_timezone'],
    ['/username', 'required'],
  ]);
  const wrapped = await call('POST', LC, { headers: CLOUD, json: { user: { name: 'x' } } });
  assert.deepEqual(wrapped.body.errors.map((e) => e.pointer), ['/user/username']);
  const syntax = await call('POST', LC, { headers: { ...CLOUD, 'Content-Type': 'application/json' }, body: '{"username": "a",}' });
  assert.equal(syntax.status, 400);
  assert.equal(syntax.body.errors[0].code, 'syntax');
});

test('create: a taken username (any case) or email is a 400 envelope (the vendor has no 409)', async () => {
  const username = unique('lc.dup');
  await create({ username, email: `${username}@example.org` });
  const name = await call('POST', LC, { headers: CLOUD, json: { user: { username: username.toUpperCase() } } });
  assert.equal(name.status, 400);
  assert.equal(name.body.status, 400);
  assert.deepEqual(name.body.errors.map((e) => [e.pointer, e.code]), [['/user/username', 'duplicate']]);
  const mail = await call('POST', LC, { headers: CLOUD, json: { username: unique('lc.dup2'), email: `${username}@EXAMPLE.org` } });
  assert.equal(mail.status, 400);
  assert.deepEqual(mail.body.errors.map((e) => [e.pointer, e.code]), [['/email', 'duplicate']]);
});

test('get: by id or by username; a 32-hex username is found after the id lookup misses; 404 otherwise', async () => {
  const username = unique('lc.get');
  const res = await create({ username, name: 'Ann', enabled: true, image: { url: 'https://img.example/a.png' }, roles: { management: ['admin'], training: ['trainer'] } });
  const id = res.headers.get('location').split('/').pop();
  const byName = await call('GET', `${LC}/${username}`, { headers: CLOUD });
  assert.equal(byName.status, 200);
  // The flat user: every key present, nulls written out.
  assert.deepEqual(byName.body, {
    id, username, name: 'Ann', surname: null, email: null, enabled: true, language: null, timezone: null,
    officePhone: null, mobilePhone: null, interests: null, aboutMe: null, location: null,
    image: { url: 'https://img.example/a.png' }, roles: { management: ['admin'], training: ['trainer'] }, extra: {},
  });
  const hexName = Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
  await create({ username: hexName });
  const byHex = await call('GET', `${LC}/${hexName}`, { headers: CLOUD });
  assert.equal(byHex.status, 200);
  assert.equal(byHex.body.username, hexName);
  assert.notEqual(byHex.body.id, hexName);
  const missing = await call('GET', `${LC}/${unique('lc.none')}`, { headers: CLOUD });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.status, 404);
  assert.equal(typeof missing.body.message, 'string');
  assert.equal((await call('GET', `${LC}/${'0'.repeat(32)}`, { headers: CLOUD })).status, 404);
});

test('list: a flat array, startIndex/count paging, count capped at 500', async () => {
  await create({ username: unique('lc.list') });
  await create({ username: unique('lc.list') });
  const all = await call('GET', `${LC}?count=1000`, { headers: CLOUD });
  assert.equal(all.status, 200);
  assert.ok(Array.isArray(all.body));
  assert.ok(all.body.length >= 2 && all.body.length <= 500);
  for (const u of all.body) assert.match(u.id, /^[0-9a-f]{32}$/);
  // Other test files may delete early users between two calls (when files run in parallel):
  // compare pages taken back to back, retrying a few times.
  let same = false;
  for (let attempt = 0; attempt < 3 && !same; attempt++) {
    const two = await call('GET', `${LC}?startIndex=0&count=2`, { headers: CLOUD });
    assert.equal(two.body.length, 2);
    const next = await call('GET', `${LC}?startIndex=1&count=1`, { headers: CLOUD });
    assert.equal(next.body.length, 1);
    same = next.body[0].id === two.body[1].id;
  }
  assert.ok(same, 'startIndex=1 starts at the second user');
  const bad = await call('GET', `${LC}?count=-1`, { headers: CLOUD });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.status, 400);
});

test('update: PUT replaces the learningcloud user (six required fields), envelope status 204', async () => {
  const username = unique('lc.upd');
  const res = await create({ username, location: 'Leeds', interests: 'maths' });
  const id = res.headers.get('location').split('/').pop();
  const renamed = `${username}.new`;
  const put = await call('PUT', `${LC}/${username}`, { headers: CLOUD, json: lcUpdateBody(renamed, { interests: 'engines', externalId: 'ext-1' }) });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.body.status, 204);
  assert.deepEqual(platformStatuses(put.body), { training: 200, social: 204, play: 204, management: 204 });
  const got = await call('GET', `${LC}/${id}`, { headers: CLOUD });
  assert.equal(got.body.username, renamed);
  assert.equal(got.body.surname, 'Lovelace');
  assert.equal(got.body.interests, 'engines');
  assert.equal(got.body.location, null, 'a full replacement clears what the body leaves out');
  assert.equal((await call('GET', `${LC}/${username}`, { headers: CLOUD })).status, 404, 'the old name is free');

  const async = await call('PUT', `${LC}/${id}`, { headers: { ...CLOUD, 'X-Cloud-Synchronization': 'asynchronous' }, json: lcUpdateBody(renamed) });
  assert.deepEqual(platformStatuses(async.body), { training: 202, social: 202, play: 204, management: 204 });
});

test('update: missing required fields, unknown users and taken usernames', async () => {
  const username = unique('lc.upe');
  await create({ username });
  const partial = await call('PUT', `${LC}/${username}`, { headers: CLOUD, json: { user: { username } } });
  assert.equal(partial.status, 400);
  assert.deepEqual(partial.body.errors.map((e) => e.pointer).sort(), ['/user/email', '/user/language', '/user/name', '/user/surname', '/user/timezone']);
  const ghost = await call('PUT', `${LC}/${unique('lc.ghost')}`, { headers: CLOUD, json: lcUpdateBody(unique('lc.ghost')) });
  assert.equal(ghost.status, 404);
  assert.equal(ghost.body.status, 404);
  const other = unique('lc.other');
  await create({ username: other });
  const taken = await call('PUT', `${LC}/${username}`, { headers: CLOUD, json: lcUpdateBody(other) });
  assert.equal(taken.status, 400);
  assert.deepEqual(taken.body.errors.map((e) => [e.pointer, e.code]), [['/username', 'duplicate']]);
  const noType = await call('PUT', `${LC}/${username}`, { headers: CLOUD, body: new TextEncoder().encode(JSON.stringify(lcUpdateBody(username))) });
  assert.equal(noType.status, 415);
});

test('deactivate and activate flip enabled; deactivate takes an optional {"message"}', async () => {
  const username = unique('lc.act');
  await create({ username, enabled: true });
  const off = await call('PUT', `${LC}/${username}/deactivate`, { headers: CLOUD });
  assert.equal(off.status, 200);
  assert.equal(off.body.status, 204);
  assert.equal((await call('GET', `${LC}/${username}`, { headers: CLOUD })).body.enabled, false);
  const on = await call('PUT', `${LC}/${username}/activate`, { headers: { ...CLOUD, 'X-Cloud-Synchronization': 'asynchronous' } });
  assert.equal(on.body.status, 204);
  assert.equal(on.body.responsePlatforms.training.status, 202);
  assert.equal((await call('GET', `${LC}/${username}`, { headers: CLOUD })).body.enabled, true);
  const withMessage = await call('PUT', `${LC}/${username}/deactivate`, { headers: CLOUD, json: { message: 'Account closed' } });
  assert.equal(withMessage.status, 200);
  assert.equal((await call('GET', `${LC}/${username}`, { headers: CLOUD })).body.enabled, false);
  const badMessage = await call('PUT', `${LC}/${username}/deactivate`, { headers: CLOUD, json: { message: 42 } });
  assert.equal(badMessage.status, 400);
  assert.deepEqual(badMessage.body.errors.map((e) => [e.pointer, e.code]), [['/message', 'invalid_type']]);
  const untyped = await call('PUT', `${LC}/${username}/deactivate`, { headers: CLOUD, body: new TextEncoder().encode('{"message":"x"}') });
  assert.equal(untyped.status, 415, 'a body needs its Content-Type');
  assert.equal((await call('PUT', `${LC}/${unique('lc.none')}/activate`, { headers: CLOUD })).status, 404);
});

test('changePassword: envelope for the management platform only; newPassword required', async () => {
  const username = unique('lc.pw');
  await create({ username, password: 'first-secret' });
  const ok = await call('PUT', `${LC}/${username}/changePassword`, { headers: CLOUD, json: { newPassword: 'second-secret' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.status, 204);
  assert.deepEqual(Object.keys(ok.body.responsePlatforms), ['management']);
  const missing = await call('PUT', `${LC}/${username}/changePassword`, { headers: CLOUD, json: { password: 'x' } });
  assert.equal(missing.status, 400);
  assert.deepEqual(missing.body.errors.map((e) => [e.pointer, e.code]), [['/newPassword', 'required']]);
  const empty = await call('PUT', `${LC}/${username}/changePassword`, { headers: CLOUD, json: { newPassword: '' } });
  assert.equal(empty.status, 400);
  const ghost = await call('PUT', `${LC}/${unique('lc.none')}/changePassword`, { headers: CLOUD, json: { newPassword: 'x' } });
  assert.equal(ghost.status, 404);
  const v1 = await call('GET', `/v1/users/${await idOfUsername(username)}`, { headers: BEARER });
  assert.ok(!v1.text.includes('second-secret') && !v1.text.includes('pbkdf2'));
});

test('delete: envelope status 204, then the user is gone', async () => {
  const username = unique('lc.del');
  await create({ username });
  const del = await call('DELETE', `${LC}/${username}`, { headers: { ...CLOUD, 'X-Cloud-Synchronization': 'synchronous' } });
  assert.equal(del.status, 200);
  assert.equal(del.body.status, 204);
  assert.equal((await call('GET', `${LC}/${username}`, { headers: CLOUD })).status, 404);
  assert.equal((await call('DELETE', `${LC}/${username}`, { headers: CLOUD })).status, 404);
});

test('the token is X-Cloud-Auth-Token: missing or wrong is a 401 envelope', async () => {
  const none = await call('GET', LC);
  assert.equal(none.status, 401);
  assert.equal(none.body.status, 401);
  assert.ok('responsePlatforms' in none.body);
  const wrong = await call('POST', LC, { headers: { 'X-Cloud-Auth-Token': 'guess' }, json: { username: unique('lc.x') } });
  assert.equal(wrong.status, 401);
  assert.equal((await call('PUT', `${LC}/x/changePassword`, { json: { newPassword: 'y' } })).status, 401);
});

test('a learningcloud update keeps what only primavera holds', async () => {
  const email = `${unique('lc.pv')}@example.org`;
  const created = await call('POST', PV, { headers: BEARER, json: pvCreateBody(email, { title: 'Admiral', productNames: ['TASKS'] }) });
  assert.equal(created.status, 201);
  const userId = created.body.userId;
  const uid = (await call('GET', `/v1/users/${userId}`, { headers: BEARER })).body.uid;
  const username = unique('lc.pvname');
  const put = await call('PUT', `${LC}/${uid}`, { headers: CLOUD, json: lcUpdateBody(username, { email, name: 'Amazing', surname: 'Grace' }) });
  assert.equal(put.status, 200, put.text);
  const pv = await call('GET', `${PV}/${userId}`, { headers: BEARER });
  assert.equal(pv.body.firstName, 'Amazing');
  assert.equal(pv.body.companyId, 7);
  assert.deepEqual(pv.body.officeIds, [1, 2]);
  assert.equal(pv.body.title, 'Admiral');
  assert.deepEqual(pv.body.userProducts, [{ productName: 'TASKS' }]);
  assert.equal((await call('GET', `${LC}/${username}`, { headers: CLOUD })).body.id, uid);
});
