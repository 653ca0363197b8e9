// SCIM 2.0 at /scim/v2 (RFC 7643, RFC 7644): resources, PATCH forms, filters, paging, sorting,
// projection, discovery, errors, ETags, and a SCIM user read through the other dialects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BEARER, CLOUD, LC, PV, call, unique } from './_support.mjs';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCIM = { ...BEARER, 'Content-Type': 'application/scim+json' };

function scimUser(userName, extra = {}) {
  return {
    schemas: [USER],
    userName,
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [{ value: `${userName}@example.com`, type: 'work', primary: true }],
    active: true,
    ...extra,
  };
}

async function create(userName, extra) {
  const res = await call('POST', '/scim/v2/Users', { headers: SCIM, json: scimUser(userName, extra) });
  assert.equal(res.status, 201, res.text);
  return res;
}

function patch(id, operations, headers = {}) {
  return call('PATCH', `/scim/v2/Users/${id}`, {
    headers: { ...SCIM, ...headers },
    json: { schemas: [PATCH_OP], Operations: operations },
  });
}

function assertScimError(res, status, scimType) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.body.schemas, [ERROR]);
  assert.equal(res.body.status, String(status));
  if (scimType) assert.equal(res.body.scimType, scimType);
}

test('POST /Users creates: 201, Location, ETag, meta, no password', async () => {
  const name = unique('bjensen');
  const res = await create(name, { password: 't1meMachine!' });
  assert.match(res.headers.get('content-type'), /application\/scim\+json/);
  const u = res.body;
  assert.match(u.id, /^[0-9a-f]{32}$/);
  assert.equal(u.userName, name);
  assert.equal(u.password, undefined, 'password is never returned');
  assert.equal(u.meta.resourceType, 'User');
  assert.ok(u.meta.created && u.meta.lastModified);
  assert.equal(u.meta.location, res.headers.get('location'));
  assert.ok(u.meta.location.endsWith(`/scim/v2/Users/${u.id}`));
  assert.equal(u.meta.version, res.headers.get('etag'));
});

test('duplicate userName (any case) is 409 uniqueness', async () => {
  const name = unique('dup');
  await create(name);
  const res = await call('POST', '/scim/v2/Users', {
    headers: SCIM,
    json: scimUser(name.toUpperCase(), { emails: [{ value: `${unique('other')}@example.com` }] }),
  });
  assertScimError(res, 409, 'uniqueness');
});

test('invalid bodies: schemas missing, bad email, syntax error', async () => {
  const noSchemas = await call('POST', '/scim/v2/Users', { headers: SCIM, json: { userName: unique('x') } });
  assertScimError(noSchemas, 400, 'invalidValue');
  assert.match(noSchemas.body.detail, /\/schemas/);
  const badEmail = await call('POST', '/scim/v2/Users', {
    headers: SCIM,
    json: scimUser(unique('x'), { emails: [{ value: 'not-an-email' }] }),
  });
  assertScimError(badEmail, 400, 'invalidValue');
  assert.match(badEmail.body.detail, /\/emails\/0\/value/);
  const syntax = await call('POST', '/scim/v2/Users', { headers: SCIM, body: '{"userName": "a",}' });
  assertScimError(syntax, 400, 'invalidSyntax');
});

test('attribute names are case-insensitive and "True"/"False" strings are booleans', async () => {
  const name = unique('ci');
  const res = await call('POST', '/scim/v2/Users', {
    headers: SCIM,
    json: { SCHEMAS: [USER], USERNAME: name, Active: 'False', Name: { GivenName: 'Ci' } },
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.userName, name);
  assert.equal(res.body.active, false);
  assert.equal(res.body.name.givenName, 'Ci');
});

test('GET /Users/{id}: 200, If-None-Match → 304, unknown → 404, attributes projection', async () => {
  const { body: u, headers } = await create(unique('get'));
  const ok = await call('GET', `/scim/v2/Users/${u.id}`, { headers: BEARER });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body, u);
  const cached = await call('GET', `/scim/v2/Users/${u.id}`, { headers: { ...BEARER, 'If-None-Match': headers.get('etag') } });
  assert.equal(cached.status, 304);
  const projected = await call('GET', `/scim/v2/Users/${u.id}?attributes=userName`, { headers: BEARER });
  assert.deepEqual(Object.keys(projected.body).sort(), ['id', 'schemas', 'userName']);
  const excluded = await call('GET', `/scim/v2/Users/${u.id}?excludedAttributes=emails,name`, { headers: BEARER });
  assert.equal(excluded.body.emails, undefined);
  assert.equal(excluded.body.name, undefined);
  assert.equal(excluded.body.userName, u.userName);
  assertScimError(await call('GET', `/scim/v2/Users/${'0'.repeat(32)}`, { headers: BEARER }), 404);
  assertScimError(await call('GET', '/scim/v2/Users/not-an-id', { headers: BEARER }), 404);
});

test('PUT replaces; If-Match stale → 412', async () => {
  const { body: u, headers } = await create(unique('put'), { title: 'Tour Guide' });
  const replaced = await call('PUT', `/scim/v2/Users/${u.id}`, {
    headers: { ...SCIM, 'If-Match': headers.get('etag') },
    json: { schemas: [USER], userName: u.userName, displayName: 'Babs' },
  });
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal(replaced.body.displayName, 'Babs');
  assert.equal(replaced.body.title, undefined, 'PUT replaces: title is gone');
  assert.notEqual(replaced.headers.get('etag'), headers.get('etag'));
  const stale = await call('PUT', `/scim/v2/Users/${u.id}`, {
    headers: { ...SCIM, 'If-Match': headers.get('etag') },
    json: { schemas: [USER], userName: u.userName },
  });
  assertScimError(stale, 412);
});

test('PATCH add/replace/remove with and without path answer 200 with the resource', async () => {
  const { body: u } = await create(unique('patch'));
  const add = await patch(u.id, [{ op: 'add', path: 'title', value: 'Engineer' }]);
  assert.equal(add.status, 200, add.text);
  assert.equal(add.body.title, 'Engineer');
  const noPath = await patch(u.id, [{ op: 'Replace', value: { displayName: 'BJ', nickName: 'Babs' } }]);
  assert.equal(noPath.status, 200, noPath.text);
  assert.equal(noPath.body.displayName, 'BJ');
  assert.equal(noPath.body.nickName, 'Babs');
  const remove = await patch(u.id, [{ op: 'remove', path: 'nickName' }]);
  assert.equal(remove.status, 200);
  assert.equal(remove.body.nickName, undefined);
  const got = await call('GET', `/scim/v2/Users/${u.id}`, { headers: BEARER });
  assert.equal(got.body.title, 'Engineer');
  assert.equal(got.body.displayName, 'BJ');
});

test('PATCH value filters, enterprise URN paths, remove with a value array', async () => {
  const { body: u } = await create(unique('vf'), {
    emails: [
      { value: `${unique('w')}@example.com`, type: 'work', primary: true },
      { value: `${unique('h')}@example.org`, type: 'home' },
    ],
  });
  const work = await patch(u.id, [{ op: 'replace', path: 'emails[type eq "work"].value', value: `${unique('nw')}@example.com` }]);
  assert.equal(work.status, 200, work.text);
  assert.match(work.body.emails.find((e) => e.type === 'work').value, /^nw-/);
  const ext = await patch(u.id, [{ op: 'add', path: `${ENTERPRISE}:employeeNumber`, value: '701984' }]);
  assert.equal(ext.status, 200, ext.text);
  assert.equal(ext.body[ENTERPRISE].employeeNumber, '701984');
  assert.ok(ext.body.schemas.includes(ENTERPRISE));
  const home = ext.body.emails.find((e) => e.type === 'home').value;
  const removed = await patch(u.id, [{ op: 'remove', path: 'emails', value: [{ value: home }] }]);
  assert.equal(removed.status, 200, removed.text);
  assert.equal(removed.body.emails.length, 1);
  assert.equal(removed.body.emails[0].type, 'work');
});

test('PATCH errors: wrong schemas, empty Operations, noTarget, mutability, invalidPath', async () => {
  const { body: u } = await create(unique('pe'));
  const wrongSchema = await call('PATCH', `/scim/v2/Users/${u.id}`, {
    headers: SCIM,
    json: { schemas: [USER], Operations: [{ op: 'add', path: 'title', value: 'x' }] },
  });
  assertScimError(wrongSchema, 400, 'invalidSyntax');
  assertScimError(await patch(u.id, []), 400, 'invalidSyntax');
  assertScimError(await patch(u.id, [{ op: 'replace', path: 'emails[type eq "fax"].value', value: 'a@b.co' }]), 400, 'noTarget');
  assertScimError(await patch(u.id, [{ op: 'replace', path: 'id', value: 'x' }]), 400, 'mutability');
  assertScimError(await patch(u.id, [{ op: 'add', path: 'emails[type eq', value: 'x' }]), 400, 'invalidPath');
  const unchanged = await call('GET', `/scim/v2/Users/${u.id}`, { headers: BEARER });
  assert.equal(unchanged.body.meta.version, u.meta.version, 'a failed PATCH changes nothing');
});

test('DELETE answers 204, then 404', async () => {
  const { body: u } = await create(unique('del'));
  assert.equal((await call('DELETE', `/scim/v2/Users/${u.id}`, { headers: BEARER })).status, 204);
  assertScimError(await call('GET', `/scim/v2/Users/${u.id}`, { headers: BEARER }), 404);
  assertScimError(await call('DELETE', `/scim/v2/Users/${u.id}`, { headers: BEARER }), 404);
});

test('filters: every operator, and/or/not, parentheses, value paths, case rules', async () => {
  const tag = unique('f').replace(/-/g, '');
  const a = (await create(`${tag}alice`, { title: 'Lead', userType: 'Employee', displayName: 'Alice' })).body;
  const b = (await create(`${tag}bob`, { userType: 'Intern', displayName: 'Bob' })).body;
  const ids = async (filter) => {
    const res = await call('GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}`, { headers: BEARER });
    assert.equal(res.status, 200, `${filter}: ${res.text}`);
    assert.deepEqual(res.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    return res.body.Resources.map((r) => r.id).sort();
  };
  const both = [a.id, b.id].sort();
  assert.deepEqual(await ids(`userName eq "${tag}alice"`), [a.id]);
  assert.deepEqual(await ids(`USERNAME EQ "${tag.toUpperCase()}ALICE"`), [a.id], 'userName is caseExact false');
  assert.deepEqual(await ids(`userName sw "${tag}"`), both);
  assert.deepEqual(await ids(`userName ew "${tag}bob"`), [b.id]);
  assert.deepEqual(await ids(`userName co "${tag}al"`), [a.id]);
  assert.deepEqual(await ids(`userName sw "${tag}" and title pr`), [a.id]);
  assert.deepEqual(await ids(`userName sw "${tag}" and userType ne "Employee"`), [b.id]);
  assert.deepEqual(await ids(`userName sw "${tag}" and not (userType eq "Employee")`), [b.id]);
  assert.deepEqual(await ids(`userName sw "${tag}" and (title pr or userType eq "Intern")`), both);
  assert.deepEqual(await ids(`userName sw "${tag}" and displayName gt "Alice"`), [b.id]);
  assert.deepEqual(await ids(`userName sw "${tag}" and displayName ge "Alice"`), both);
  assert.deepEqual(await ids(`userName sw "${tag}" and displayName lt "Bob"`), [a.id]);
  assert.deepEqual(await ids(`userName sw "${tag}" and displayName le "Bob"`), both);
  assert.deepEqual(await ids(`userName sw "${tag}" and emails[type eq "work" and value co "${tag}bob"]`), [b.id]);
  assert.deepEqual(await ids(`userName sw "${tag}" and emails.value ew "@example.com"`), both);
  assert.deepEqual(await ids(`id eq "${a.id.toUpperCase()}"`), [], 'id is caseExact');
  assert.deepEqual(await ids(`meta.resourceType eq "User" and userName sw "${tag}"`), both);
});

test('an unparseable filter is 400 invalidFilter', async () => {
  for (const filter of ['userName eq', 'userName xx "a"', '(userName eq "a"', 'userName eq "a" trailing', 'title gt true']) {
    const res = await call('GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}`, { headers: BEARER });
    assertScimError(res, 400, 'invalidFilter');
  }
});

test('paging: startIndex, count, count=0; sorting; POST /.search', async () => {
  const tag = unique('pg').replace(/-/g, '');
  for (const n of ['c', 'a', 'b']) await create(`${tag}${n}`);
  const filter = encodeURIComponent(`userName sw "${tag}"`);
  const sorted = await call('GET', `/scim/v2/Users?filter=${filter}&sortBy=userName&sortOrder=descending`, { headers: BEARER });
  assert.deepEqual(sorted.body.Resources.map((r) => r.userName), [`${tag}c`, `${tag}b`, `${tag}a`]);
  const page = await call('GET', `/scim/v2/Users?filter=${filter}&sortBy=userName&startIndex=2&count=1`, { headers: BEARER });
  assert.equal(page.body.totalResults, 3);
  assert.equal(page.body.startIndex, 2);
  assert.equal(page.body.itemsPerPage, 1);
  assert.equal(page.body.Resources[0].userName, `${tag}b`);
  const none = await call('GET', `/scim/v2/Users?filter=${filter}&count=0`, { headers: BEARER });
  assert.equal(none.body.totalResults, 3);
  assert.equal((none.body.Resources ?? []).length, 0);
  const search = await call('POST', '/scim/v2/Users/.search', {
    headers: SCIM,
    json: {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: `userName sw "${tag}"`,
      attributes: ['userName'],
      sortBy: 'userName',
      startIndex: 1,
      count: 2,
    },
  });
  assert.equal(search.status, 200, search.text);
  assert.equal(search.body.totalResults, 3);
  assert.deepEqual(search.body.Resources.map((r) => Object.keys(r).sort()), [['id', 'schemas', 'userName'], ['id', 'schemas', 'userName']]);
});

test('discovery: ServiceProviderConfig, ResourceTypes, Schemas; 405 on writes; 404 unknown', async () => {
  const spc = await call('GET', '/scim/v2/ServiceProviderConfig', { headers: BEARER });
  assert.equal(spc.status, 200);
  assert.equal(spc.body.patch.supported, true);
  assert.equal(spc.body.filter.supported, true);
  assert.equal(spc.body.bulk.supported, false);
  assert.equal(spc.body.etag.supported, true);
  const types = await call('GET', '/scim/v2/ResourceTypes', { headers: BEARER });
  assert.equal(types.body.totalResults, 1);
  assert.equal(types.body.Resources[0].schema, USER);
  assert.equal((await call('GET', '/scim/v2/ResourceTypes/User', { headers: BEARER })).body.endpoint, '/Users');
  assertScimError(await call('GET', '/scim/v2/ResourceTypes/Group', { headers: BEARER }), 404);
  const schemas = await call('GET', '/scim/v2/Schemas', { headers: BEARER });
  assert.deepEqual(schemas.body.Resources.map((s) => s.id).sort(), [ENTERPRISE, USER].sort());
  const core = await call('GET', `/scim/v2/Schemas/${USER}`, { headers: BEARER });
  const password = core.body.attributes.find((a) => a.name === 'password');
  assert.equal(password.returned, 'never');
  assert.equal(password.mutability, 'writeOnly');
  assertScimError(await call('GET', '/scim/v2/Schemas/urn:nope', { headers: BEARER }), 404);
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    const res = await call(method, '/scim/v2/Schemas', { headers: SCIM, json: {} });
    assertScimError(res, 405);
    assert.equal(res.headers.get('allow'), 'GET');
  }
  assertScimError(await call('GET', '/scim/v2/Groups', { headers: BEARER }), 404);
});

test('Bearer authentication and media types', async () => {
  assertScimError(await call('GET', '/scim/v2/Users'), 401);
  assertScimError(await call('GET', '/scim/v2/Users', { headers: { Authorization: 'Bearer wrong' } }), 401);
  const plainJson = await call('POST', '/scim/v2/Users', { headers: BEARER, json: scimUser(unique('json')) });
  assert.equal(plainJson.status, 201, 'application/json is accepted too');
  const text = await call('POST', '/scim/v2/Users', { headers: { ...BEARER, 'Content-Type': 'text/plain' }, body: '{}' });
  assertScimError(text, 415);
});

test('a user created over SCIM is readable through learningcloud, primavera, publisher and devicehive', async () => {
  const name = unique('xd');
  const { body: u } = await create(name, { preferredLanguage: 'es', timezone: 'Europe/Madrid', title: 'Lead' });
  const lc = await call('GET', `${LC}/${u.id}`, { headers: CLOUD });
  assert.equal(lc.status, 200, lc.text);
  assert.equal(lc.body.username, name);
  assert.equal(lc.body.email, `${name}@example.com`);
  assert.equal(lc.body.name, 'Barbara');
  assert.equal(lc.body.timezone, 'Europe/Madrid');
  const id = (await call('GET', `/v1/users?username=${encodeURIComponent(name)}`, { headers: BEARER })).body.users[0].id;
  const pv = await call('GET', `${PV}/${id}`, { headers: BEARER });
  assert.equal(pv.status, 200, pv.text);
  assert.equal(pv.body.email, `${name}@example.com`);
  assert.equal(pv.body.firstName, 'Barbara');
  assert.equal(pv.body.title, 'Lead');
  assert.equal(pv.body.userLocale, 'es');
  const pub = await call('GET', `/api/2/users/${encodeURIComponent(`${name}@example.com`)}`, { headers: BEARER });
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.body.user.id, id);
  assert.equal(pub.body.user.name.firstname, 'Barbara');
  assert.equal(pub.body.user.jobtitle, 'Lead');
  const dh = await call('GET', `/api/rest/user/${id}`, { headers: BEARER });
  assert.equal(dh.status, 200, dh.text);
  assert.equal(dh.body.login, name);
  assert.equal(dh.body.status, 0);
});
