// primavera at the vendor's paths: 201 + entity on create, 204 on update (by userId, else
// ldapGuid), userProducts as a delta, {"message","errors"} errors, Bearer token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BEARER, CLOUD, PV, call, pvCreateBody, unique } from './_support.mjs';

const email = (tag = 'pv') => `${unique(tag)}@example.org`;

async function create(body) {
  const res = await call('POST', PV, { headers: BEARER, json: body });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

test('create: 201 and the user entity, Location at its id', async () => {
  const mail = email();
  const res = await call('POST', PV, {
    headers: BEARER,
    json: pvCreateBody(mail, { title: 'Rear Admiral', mobile: '+1 555 0100', productNames: ['SCHEDULE', 'TASKS'], userType: 'USER', userLocale: 'pt_BR' }),
  });
  assert.equal(res.status, 201, res.text);
  assert.ok(Number.isInteger(res.body.userId));
  assert.ok(res.headers.get('location').endsWith(`${PV}/${res.body.userId}`));
  assert.deepEqual(res.body, {
    userId: res.body.userId, companyId: 7, email: mail, firstName: 'Grace', lastName: 'Hopper', mobile: '+1 555 0100',
    status: 'ACTIVE', title: 'Rear Admiral', userLocale: 'pt_BR', userType: 'USER', officeIds: [1, 2],
    userProducts: [{ productName: 'SCHEDULE' }, { productName: 'TASKS' }],
  });
  const got = await call('GET', `${PV}/${res.body.userId}`, { headers: BEARER });
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, res.body);
});

test('create: every error at once as {"message","errors":[{field,code,message}]}', async () => {
  const res = await call('POST', PV, { headers: BEARER, json: { email: 'x'.repeat(250) + '@example.org', title: 't'.repeat(201), productNames: ['IDEA'] } });
  assert.equal(res.status, 400);
  assert.equal(typeof res.body.message, 'string');
  const found = res.body.errors.map((e) => [e.field, e.code]).sort();
  assert.deepEqual(found, [
    ['companyId', 'required'],
    ['email', 'invalid_email'],
    ['email', 'too_long'],
    ['firstName', 'required'],
    ['lastName', 'required'],
    ['officeIds', 'required'],
    ['productNames[0]', 'not_allowed_value'],
    ['title', 'too_long'],
    ['userLocale', 'required'],
  ]);
  for (const e of res.body.errors) assert.equal(typeof e.message, 'string');
});

test('create: a taken email answers the existing user (useExistingUser, default true) or 400 when false', async () => {
  const mail = email('pv.dup');
  const first = await create(pvCreateBody(mail));
  const reuse = await call('POST', PV, { headers: BEARER, json: pvCreateBody(mail.toUpperCase(), { firstName: 'Other' }) });
  assert.equal(reuse.status, 200);
  assert.equal(reuse.body.userId, first.userId);
  assert.equal(reuse.body.firstName, 'Grace', 'the existing user, unchanged');
  const refuse = await call('POST', PV, { headers: BEARER, json: pvCreateBody(mail, { useExistingUser: false }) });
  assert.equal(refuse.status, 400);
  assert.deepEqual(refuse.body.errors.map((e) => [e.field, e.code]), [['email', 'duplicate']]);
});

test('get: 404 for an unknown id, 400 for a non-numeric one', async () => {
  const missing = await call('GET', `${PV}/987654321`, { headers: BEARER });
  assert.equal(missing.status, 404);
  assert.equal(typeof missing.body.message, 'string');
  const bad = await call('GET', `${PV}/abc`, { headers: BEARER });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.errors.map((e) => [e.field, e.code]), [['userId', 'invalid_type']]);
});

test('update by userId: 204; absent optional fields keep their value; userProducts is a delta', async () => {
  const mail = email('pv.upd');
  const user = await create(pvCreateBody(mail, { title: 'Captain', phone: '111', productNames: ['PORTFOLIO', 'TASKS'] }));
  const res = await call('PUT', PV, {
    headers: BEARER,
    json: { userId: user.userId, email: mail, firstName: 'Grace B.', lastName: 'Hopper', status: 'INACTIVE', userProducts: [{ productName: 'TASKS', action: 'DELETE' }, { productName: 'IDEA', productId: 5 }] },
  });
  assert.equal(res.status, 204, res.text);
  assert.equal(res.text, '');
  const got = (await call('GET', `${PV}/${user.userId}`, { headers: BEARER })).body;
  assert.equal(got.firstName, 'Grace B.');
  assert.equal(got.status, 'INACTIVE');
  assert.equal(got.title, 'Captain', 'absent optional field kept');
  assert.equal(got.phone, '111');
  assert.equal(got.companyId, 7);
  assert.deepEqual(got.userProducts, [{ productName: 'PORTFOLIO' }, { productName: 'IDEA', productId: 5 }]);
});

test('update by ldapGuid when userId is absent', async () => {
  const mail = email('pv.ldap');
  const user = await create(pvCreateBody(mail));
  const guid = unique('guid');
  const set = await call('PUT', PV, { headers: BEARER, json: { userId: user.userId, ldapGuid: guid, email: mail, firstName: 'G', lastName: 'H' } });
  assert.equal(set.status, 204, set.text);
  const byGuid = await call('PUT', PV, { headers: BEARER, json: { ldapGuid: guid, email: mail, firstName: 'ByGuid', lastName: 'H' } });
  assert.equal(byGuid.status, 204, byGuid.text);
  assert.equal((await call('GET', `${PV}/${user.userId}`, { headers: BEARER })).body.firstName, 'ByGuid');
  const unknown = await call('PUT', PV, { headers: BEARER, json: { ldapGuid: unique('guid'), email: mail, firstName: 'G', lastName: 'H' } });
  assert.equal(unknown.status, 404);
  const other = await create(pvCreateBody(email('pv.ldap2')));
  const taken = await call('PUT', PV, { headers: BEARER, json: { userId: other.userId, ldapGuid: guid, email: `x-${mail}`, firstName: 'G', lastName: 'H' } });
  assert.equal(taken.status, 400);
  assert.deepEqual(taken.body.errors.map((e) => [e.field, e.code]), [['ldapGuid', 'duplicate']]);
});

test('update: neither userId nor ldapGuid is 400; unknown userId is 404; update limits apply', async () => {
  const neither = await call('PUT', PV, { headers: BEARER, json: { email: email(), firstName: 'A', lastName: 'B' } });
  assert.equal(neither.status, 400);
  assert.deepEqual(neither.body.errors.map((e) => [e.field, e.code]), [['userId', 'required']]);
  const unknown = await call('PUT', PV, { headers: BEARER, json: { userId: 987654321, email: email(), firstName: 'A', lastName: 'B' } });
  assert.equal(unknown.status, 404);
  const mail = email('pv.lim');
  const user = await create(pvCreateBody(mail, { title: 'x'.repeat(200) }));
  const long = await call('PUT', PV, { headers: BEARER, json: { userId: user.userId, email: mail, firstName: 'A', lastName: 'B', title: 'x'.repeat(26) } });
  assert.equal(long.status, 400, 'title is 200 on create but 25 on update');
  assert.deepEqual(long.body.errors.map((e) => [e.field, e.code]), [['title', 'too_long']]);
  const deleteWithoutName = await call('PUT', PV, { headers: BEARER, json: { userId: user.userId, email: mail, firstName: 'A', lastName: 'B', userProducts: [{ action: 'DELETE' }] } });
  assert.deepEqual(deleteWithoutName.body.errors.map((e) => [e.field, e.code]), [['userProducts[0].productName', 'required']]);
  const taken = await create(pvCreateBody(email('pv.lim2')));
  const dup = await call('PUT', PV, { headers: BEARER, json: { userId: taken.userId, email: mail, firstName: 'A', lastName: 'B' } });
  assert.equal(dup.status, 400);
  assert.deepEqual(dup.body.errors.map((e) => [e.field, e.code]), [['email', 'duplicate']]);
});

test('the credential is a Bearer token: missing or wrong is 401 {"message"}', async () => {
  const none = await call('POST', PV, { json: pvCreateBody(email()) });
  assert.equal(none.status, 401);
  assert.equal(typeof none.body.message, 'string');
  const wrong = await call('PUT', PV, { headers: { Authorization: 'Bearer nope' }, json: {} });
  assert.equal(wrong.status, 401);
  const cloud = await call('GET', `${PV}/1`, { headers: CLOUD });
  assert.equal(cloud.status, 401);
});

test('other methods and paths: 405 with Allow, 404 under the resource', async () => {
  const del = await call('DELETE', `${PV}/1`, { headers: BEARER });
  assert.equal(del.status, 405);
  assert.equal(del.headers.get('allow'), 'GET, HEAD');
  assert.equal(typeof del.body.message, 'string');
  const deep = await call('GET', `${PV}/1/products`, { headers: BEARER });
  assert.equal(deep.status, 404);
});
