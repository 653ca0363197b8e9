// Idempotency-Key on creates, every dialect: a repeated create replays the first 2xx answer
// (same status, body, Location, ETag; Idempotent-Replayed: true) and makes no second user; the
// same key with another body is 422, while the first request runs 409; failed answers are not
// kept; keys are scoped by dialect and caller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BEARER, CLOUD, LC, PV, call, lcUpdateBody, pvCreateBody, unique } from './_support.mjs';

const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCIM = { ...BEARER, 'Content-Type': 'application/scim+json' };
const PUB = '/api/2/users';
const DH = '/api/rest';
const REUSED = 'Idempotency-Key reused with a different body.';

const key = () => unique('idem-key');
const email = (tag) => `${unique(tag)}@example.org`;
const withKey = (headers, k) => ({ ...headers, 'Idempotency-Key': k });

/** Sends the same create twice with one key; answers both. */
async function twice(path, headers, json, k = key()) {
  const first = await call('POST', path, { headers: withKey(headers, k), json });
  const second = await call('POST', path, { headers: withKey(headers, k), json });
  return { first, second, k };
}

/** The second answer is the first one again, marked as a replay. */
function assertReplayed({ first, second }, status) {
  assert.equal(first.status, status, first.text);
  assert.equal(first.headers.get('idempotent-replayed'), null, 'the first answer is not a replay');
  assert.equal(second.status, status, second.text);
  assert.equal(second.headers.get('idempotent-replayed'), 'true');
  assert.equal(second.text, first.text);
  for (const h of ['content-type', 'location', 'etag']) assert.equal(second.headers.get(h), first.headers.get(h), h);
  assert.notEqual(second.headers.get('x-request-id'), first.headers.get('x-request-id'), 'a new request all the same');
}

/** How many users have this primary email (any dialect made them). */
async function usersWithEmail(address) {
  const res = await call('GET', `/v1/users?email=${encodeURIComponent(address)}`, { headers: BEARER });
  assert.equal(res.status, 200, res.text);
  return res.body.total;
}

// --- primavera ------------------------------------------------------------------------------------

test('primavera: a repeated create replays 201, entity and Location; one user exists', async () => {
  const mail = email('idem.pv');
  const pair = await twice(PV, BEARER, pvCreateBody(mail));
  assertReplayed(pair, 201);
  assert.equal(pair.first.body.email, mail);
  assert.ok(pair.first.headers.get('location').endsWith(`${PV}/${pair.first.body.userId}`));
  assert.equal(await usersWithEmail(mail), 1);
});

test('primavera: the same key with another body is 422 {"message"}; the first answer still replays', async () => {
  const mail = email('idem.pv422');
  const k = key();
  const first = await call('POST', PV, { headers: withKey(BEARER, k), json: pvCreateBody(mail) });
  assert.equal(first.status, 201, first.text);
  const other = await call('POST', PV, { headers: withKey(BEARER, k), json: pvCreateBody(email('idem.pv422b')) });
  assert.equal(other.status, 422, other.text);
  assert.deepEqual(other.body, { message: REUSED });
  assert.equal(other.headers.get('idempotent-replayed'), null);
  const again = await call('POST', PV, { headers: withKey(BEARER, k), json: pvCreateBody(mail) });
  assertReplayed({ first, second: again }, 201);
  assert.equal(await usersWithEmail(mail), 1);
});

test('primavera: failed answers are not kept: 400, 400, then a valid body with the key makes the user', async () => {
  const k = key();
  const invalid = { email: 'not-an-email' };
  for (let i = 0; i < 2; i++) {
    const res = await call('POST', PV, { headers: withKey(BEARER, k), json: invalid });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.headers.get('idempotent-replayed'), null);
    assert.ok(Array.isArray(res.body.errors));
  }
  const mail = email('idem.pv.retry');
  const pair = await twice(PV, BEARER, pvCreateBody(mail), k);
  assertReplayed(pair, 201);
  assert.equal(await usersWithEmail(mail), 1);
});

test('primavera: a wrong credential with a used key is 401, never the stored answer', async () => {
  const mail = email('idem.pv401');
  const k = key();
  const first = await call('POST', PV, { headers: withKey(BEARER, k), json: pvCreateBody(mail) });
  assert.equal(first.status, 201, first.text);
  const res = await call('POST', PV, { headers: withKey({ Authorization: 'Bearer nope' }, k), json: pvCreateBody(mail) });
  assert.equal(res.status, 401);
  assert.ok(!res.text.includes(mail));
});

test('primavera: an empty key or one over 255 characters is 400 in the dialect shape', async () => {
  for (const k of ['', 'k'.repeat(256)]) {
    const mail = email('idem.pvkey');
    const res = await call('POST', PV, { headers: withKey(BEARER, k), json: pvCreateBody(mail) });
    assert.equal(res.status, 400, `${k.length} chars: ${res.text}`);
    assert.match(res.body.message, /Idempotency-Key/);
    assert.equal(await usersWithEmail(mail), 0, 'nothing was created');
  }
  const longest = await twice(PV, BEARER, pvCreateBody(email('idem.pv255')), key().padEnd(255, 'k'));
  assertReplayed(longest, 201);
});

test('primavera: concurrent creates with one key make one user; the rest replay or get 409', async () => {
  const mail = email('idem.pv.race');
  const k = key();
  const answers = await Promise.all(
    Array.from({ length: 8 }, () => call('POST', PV, { headers: withKey(BEARER, k), json: pvCreateBody(mail) })),
  );
  const statuses = answers.map((a) => a.status);
  assert.ok(statuses.every((s) => s === 201 || s === 409), statuses.join(','));
  const originals = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null);
  assert.equal(originals.length, 1, statuses.join(','));
  for (const a of answers.filter((a) => a.status === 201)) assert.equal(a.text, originals[0].text);
  for (const a of answers.filter((a) => a.status === 409)) assert.equal(typeof a.body.message, 'string');
  const later = await call('POST', PV, { headers: withKey(BEARER, k), json: pvCreateBody(mail) });
  assertReplayed({ first: originals[0], second: later }, 201);
  assert.equal(await usersWithEmail(mail), 1);
});

// --- SCIM -----------------------------------------------------------------------------------------

const scimUser = (userName) => ({
  schemas: [SCIM_USER],
  userName,
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [{ value: `${userName}@example.com`, type: 'work', primary: true }],
});

async function scimCount(userName) {
  const filter = encodeURIComponent(`userName eq "${userName}"`);
  const res = await call('GET', `/scim/v2/Users?filter=${filter}`, { headers: BEARER });
  assert.equal(res.status, 200, res.text);
  return res.body.totalResults;
}

test('SCIM: POST /Users replays 201, resource, Location and ETag; one user exists', async () => {
  const userName = unique('idem.scim');
  const pair = await twice('/scim/v2/Users', SCIM, scimUser(userName));
  assertReplayed(pair, 201);
  assert.ok(pair.second.headers.get('etag'));
  assert.equal(pair.second.body.userName, userName);
  assert.equal(await scimCount(userName), 1);
});

test('SCIM: another body with the key is 422 as a SCIM error; an invalid body is not kept', async () => {
  const userName = unique('idem.scim422');
  const k = key();
  const bad = await call('POST', '/scim/v2/Users', { headers: withKey(SCIM, k), json: { schemas: [SCIM_USER] } });
  assert.equal(bad.status, 400, bad.text);
  const first = await call('POST', '/scim/v2/Users', { headers: withKey(SCIM, k), json: scimUser(userName) });
  assert.equal(first.status, 201, first.text);
  const other = await call('POST', '/scim/v2/Users', { headers: withKey(SCIM, k), json: scimUser(unique('idem.scim422b')) });
  assert.equal(other.status, 422, other.text);
  assert.deepEqual(other.body.schemas, [SCIM_ERROR]);
  assert.equal(other.body.status, '422');
  assert.equal(other.body.detail, REUSED);
  assert.equal(await scimCount(userName), 1);
});

// --- /v1 ------------------------------------------------------------------------------------------

test('/v1: POST /v1/users replays 201, user, Location and ETag; one user exists', async () => {
  const username = unique('idem.v1');
  const pair = await twice('/v1/users', BEARER, { username, emails: [{ value: `${username}@example.org`, primary: true }] });
  assertReplayed(pair, 201);
  assert.equal(pair.second.body.username, username);
  assert.ok(pair.second.headers.get('etag'));
  const list = await call('GET', `/v1/users?username=${username}`, { headers: BEARER });
  assert.equal(list.body.total, 1);
});

test('/v1: another body, or the same body under another ?dialect, is 422 problem+json', async () => {
  const mail = email('idem.v1.422');
  const k = key();
  const first = await call('POST', '/v1/users', { headers: withKey(BEARER, k), json: pvCreateBody(mail) });
  assert.equal(first.status, 400, 'a primavera body is not a canonical user');
  const created = await call('POST', '/v1/users?dialect=primavera', { headers: withKey(BEARER, k), json: pvCreateBody(mail) });
  assert.equal(created.status, 201, created.text);
  for (const [path, body] of [['/v1/users', pvCreateBody(mail)], ['/v1/users?dialect=primavera', pvCreateBody(email('x'))]]) {
    const res = await call('POST', path, { headers: withKey(BEARER, k), json: body });
    assert.equal(res.status, 422, res.text);
    assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
    assert.equal(res.body.status, 422);
    assert.equal(res.body.detail, REUSED);
  }
  assert.equal(await usersWithEmail(mail), 1);
});

test('/v1: only creates are idempotent (validate with the key and two bodies answers both)', async () => {
  const k = key();
  for (const body of [pvCreateBody(email('idem.val')), { email: 'bad' }]) {
    const res = await call('POST', '/v1/validate/primavera/create', { headers: withKey(BEARER, k), json: body });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('idempotent-replayed'), null);
  }
});

test('scope: one key on two dialects makes two users', async () => {
  const k = key();
  const pv = await call('POST', PV, { headers: withKey(BEARER, k), json: pvCreateBody(email('idem.scope.pv')) });
  assert.equal(pv.status, 201, pv.text);
  const username = unique('idem.scope.v1');
  const v1 = await call('POST', '/v1/users', { headers: withKey(BEARER, k), json: { username } });
  assert.equal(v1.status, 201, v1.text);
  assert.equal(v1.headers.get('idempotent-replayed'), null);
  assert.notEqual(v1.body.id, pv.body.userId);
});

// --- learningcloud, publisher -----------------------------------------------------------------------

test('learningcloud: a repeated create replays HTTP 200, the envelope and Location; one user exists', async () => {
  const username = unique('idem.lc');
  const body = { ...lcUpdateBody(username), password: 'pa55word!' };
  const pair = await twice(LC, CLOUD, body);
  assertReplayed(pair, 200);
  assert.equal(pair.second.body.status, 201);
  assert.ok(!pair.second.text.includes('pa55word!'));
  assert.equal(await usersWithEmail(`${username}@example.org`), 1);
  const other = await call('POST', LC, { headers: withKey(CLOUD, pair.k), json: lcUpdateBody(unique('idem.lc2')) });
  assert.equal(other.status, 422, other.text);
  assert.equal(other.body.status, 422);
  assert.equal(other.body.message, REUSED);
});

test('publisher: a repeated create replays 200 and the summary; one user exists', async () => {
  const address = email('idem.pub');
  const user = { name: { firstname: 'Ada', lastname: 'Lovelace' }, email: address };
  const pair = await twice(PUB, BEARER, { user });
  assertReplayed(pair, 200);
  assert.equal(pair.second.body.user.email, address);
  assert.equal(await usersWithEmail(address), 1);
  const other = await call('POST', PUB, { headers: withKey(BEARER, pair.k), json: { user: { ...user, email: email('x') } } });
  assert.equal(other.status, 422, other.text);
  assert.equal(other.body.error.ref, 422);
  assert.equal(other.body.error.summary, REUSED);
});

test('publisher: an XML create replays the XML answer; the same bytes sent as JSON are another request', async () => {
  const address = email('idem.pubxml');
  const xml = `<user><name><firstname>Ada</firstname><lastname>Lovelace</lastname></name><email>${address}</email></user>`;
  const k = key();
  const send = (headers) => call('POST', PUB, { headers: withKey({ ...BEARER, ...headers }, k), body: xml });
  const XML = { 'Content-Type': 'application/xml', Accept: 'application/xml' };
  const first = await send(XML);
  const second = await send(XML);
  assertReplayed({ first, second }, 200);
  assert.match(second.headers.get('content-type'), /xml/);
  assert.ok(second.text.includes(`<email>${address}</email>`));
  const asJson = await send({ 'Content-Type': 'application/json' });
  assert.equal(asJson.status, 422, asJson.text);
  assert.equal(await usersWithEmail(address), 1);
});

// --- DeviceHive -----------------------------------------------------------------------------------

const ADMIN_LOGIN = process.env.USERBRIDGE_ADMIN_LOGIN ?? 'admin';
const ADMIN_PASSWORD = process.env.USERBRIDGE_ADMIN_PASSWORD ?? 'dev-admin-password';
const bearer = (token) => ({ Authorization: `Bearer ${token}` });

async function accessToken(login, password) {
  const res = await call('POST', `${DH}/token`, { json: { login, password } });
  assert.equal(res.status, 201, res.text);
  return res.body.accessToken;
}

async function dhCount(login) {
  const res = await call('GET', `${DH}/user/count?login=${encodeURIComponent(login)}`, { headers: BEARER });
  assert.equal(res.status, 200, res.text);
  return res.body.count;
}

test('DeviceHive: POST /user replays 201 for the admin token and for an admin JWT; one user each', async () => {
  const jwt = bearer(await accessToken(ADMIN_LOGIN, ADMIN_PASSWORD));
  for (const headers of [BEARER, jwt]) {
    const login = unique('idem.dh');
    const pair = await twice(`${DH}/user`, headers, { login, password: 'secret-123', role: 1 });
    assertReplayed(pair, 201);
    assert.ok(!pair.second.text.includes('secret-123'));
    assert.equal(await dhCount(login), 1);
  }
});

test('DeviceHive: keys belong to the caller: admin token and admin JWT with one key do not meet', async () => {
  const jwt = bearer(await accessToken(ADMIN_LOGIN, ADMIN_PASSWORD));
  const k = key();
  const first = await call('POST', `${DH}/user`, { headers: withKey(BEARER, k), json: { login: unique('idem.dha'), password: 'secret-123', role: 1 } });
  assert.equal(first.status, 201, first.text);
  // Another body under the same key: 422 if the key were shared, a new user since it is not.
  const second = await call('POST', `${DH}/user`, { headers: withKey(jwt, k), json: { login: unique('idem.dhb'), password: 'secret-123', role: 1 } });
  assert.equal(second.status, 201, second.text);
  assert.notEqual(second.body.id, first.body.id);
  const reused = await call('POST', `${DH}/user`, { headers: withKey(jwt, k), json: { login: unique('idem.dhc'), password: 'secret-123', role: 1 } });
  assert.equal(reused.status, 422, reused.text);
  assert.deepEqual(reused.body.error, 422);
  assert.equal(reused.body.message, REUSED);
});

test('DeviceHive: a client-role caller with a used key gets the vendor 403, not the stored answer', async () => {
  const k = key();
  const body = { login: unique('idem.dh401'), password: 'secret-123', role: 1 };
  const first = await call('POST', `${DH}/user`, { headers: withKey(BEARER, k), json: body });
  assert.equal(first.status, 201, first.text);
  const client = bearer(await accessToken(body.login, body.password));
  const res = await call('POST', `${DH}/user`, { headers: withKey(client, k), json: body });
  assert.equal(res.status, 403, res.text);
  assert.deepEqual(res.body, { error: 403, message: 'Access is denied' });
});
