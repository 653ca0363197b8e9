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

// --- what identity providers send (Microsoft Entra ID, Okta) and the defects they found ---------

test('an explicit primary: false reads back as set, on PUT and on PATCH, for every multi-valued attribute', async () => {
  const name = unique('prim');
  const { body: u } = await create(name);
  const entry = (value) => [{ value, type: 'work', primary: false }];
  const put = await call('PUT', `/scim/v2/Users/${u.id}`, {
    headers: SCIM,
    json: scimUser(name, {
      emails: [{ value: `${name}@example.com`, type: 'work', primary: true }, { value: `${name}@home.example`, type: 'home', primary: false }],
      phoneNumbers: [{ value: '+1 555 0100', type: 'work', primary: false }],
      ims: entry('aim-1'),
      photos: entry('https://photos.example/a.png'),
      entitlements: entry('ent-1'),
      roles: entry('role-1'),
      x509Certificates: entry('MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx'),
      addresses: [{ locality: 'Hollywood', type: 'work', primary: false }],
    }),
  });
  assert.equal(put.status, 200, put.text);
  const read = (await call('GET', `/scim/v2/Users/${u.id}`, { headers: BEARER })).body;
  assert.equal(read.emails[0].primary, true);
  assert.equal(read.emails[1].primary, false);
  for (const attr of ['phoneNumbers', 'ims', 'photos', 'entitlements', 'roles', 'x509Certificates', 'addresses']) {
    assert.equal(read[attr][0].primary, false, `${attr}: ${JSON.stringify(read[attr])}`);
  }
  // PATCH: the flag set on an entry that had none, then on the email that was primary.
  const other = await create(unique('prim2'), { phoneNumbers: [{ value: '1', type: 'mobile' }] });
  const patched = await patch(other.body.id, [
    { op: 'replace', path: 'phoneNumbers[type eq "mobile"].primary', value: false },
    { op: 'replace', path: 'emails[type eq "work"].primary', value: false },
  ]);
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.body.phoneNumbers[0].primary, false);
  assert.equal(patched.body.emails[0].primary, false);
  const again = (await call('GET', `/scim/v2/Users/${other.body.id}`, { headers: BEARER })).body;
  assert.equal(again.emails[0].primary, false);
  // A user that never said anything about primary still reads back without it.
  const plain = await create(unique('prim3'), { emails: [{ value: `${unique('p')}@example.com` }] });
  assert.equal('primary' in plain.body.emails[0], false);
});

test('PATCH adding enterprise attributes to a user without the extension adds its URN to schemas (RFC 7644 §3.5.2)', async () => {
  const { body: u } = await create(unique('ext'));
  assert.deepEqual(u.schemas, [USER]);
  const withPath = await patch(u.id, [{ op: 'add', path: `${ENTERPRISE}:department`, value: 'Tour Operations' }]);
  assert.equal(withPath.status, 200, withPath.text);
  assert.deepEqual(withPath.body.schemas, [USER, ENTERPRISE]);
  assert.equal(withPath.body[ENTERPRISE].department, 'Tour Operations');

  const { body: v } = await create(unique('ext2'));
  const noPath = await patch(v.id, [{ op: 'Add', value: { [`${ENTERPRISE}:employeeNumber`]: '701984', [ENTERPRISE]: { costCenter: '4130' } } }]);
  assert.equal(noPath.status, 200, noPath.text);
  assert.deepEqual(noPath.body.schemas, [USER, ENTERPRISE]);
  assert.equal(noPath.body[ENTERPRISE].employeeNumber, '701984');
  assert.equal(noPath.body[ENTERPRISE].costCenter, '4130');
  // Removing the last extension attribute drops the extension again.
  const removed = await patch(v.id, [{ op: 'remove', path: ENTERPRISE }]);
  assert.equal(removed.status, 200, removed.text);
  assert.deepEqual(removed.body.schemas, [USER]);
});

test('locale, preferredLanguage and timezone take any string, stored verbatim; closed-list dialects report it', async () => {
  for (const [preferredLanguage, locale, timezone] of [
    ['en_US', 'en-US', 'America/Los_Angeles'],
    ['zh-Hant-TW', 'en_US', 'Pacific Standard Time'],
    ['klingon', 'x-private', 'W. Europe Standard Time'],
  ]) {
    const name = unique('loc');
    const res = await create(name, { preferredLanguage, locale, timezone });
    assert.deepEqual([res.body.preferredLanguage, res.body.locale, res.body.timezone], [preferredLanguage, locale, timezone]);
    const read = (await call('GET', `/scim/v2/Users/${res.body.id}`, { headers: BEARER })).body;
    assert.deepEqual([read.preferredLanguage, read.locale, read.timezone], [preferredLanguage, locale, timezone]);
    const put = await call('PUT', `/scim/v2/Users/${res.body.id}`, { headers: SCIM, json: read });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual([put.body.preferredLanguage, put.body.locale, put.body.timezone], [preferredLanguage, locale, timezone]);
  }
  // learningcloud keeps a bare known language and IANA zones only: the rest is reported lost.
  const body = scimUser(unique('loc2'), { preferredLanguage: 'fr_CA', timezone: 'Pacific Standard Time' });
  const lc = await call('POST', '/v1/translate?from=scim&to=learningcloud&op=update', { headers: BEARER, json: body });
  assert.equal(lc.status, 200, lc.text);
  assert.equal(lc.body.body.language, 'fr');
  assert.equal('timezone' in lc.body.body, false);
  const lost = Object.fromEntries(lc.body.lost.map((l) => [l.pointer, l.reason]));
  assert.equal(lost['/preferredLanguage'], 'narrowed');
  assert.equal(lost['/timezone'], 'not_supported');
  // primavera: a locale it lacks is lost, and its create requires one it knows (unmet).
  const pv = await call('POST', '/v1/translate?from=scim&to=primavera&op=create', { headers: BEARER, json: { ...body, preferredLanguage: 'klingon' } });
  assert.equal(pv.status, 200, pv.text);
  assert.equal(pv.body.lost.find((l) => l.pointer === '/preferredLanguage')?.reason, 'not_supported');
  assert.ok(pv.body.unmet.some((v) => v.pointer === '/userLocale'), JSON.stringify(pv.body.unmet));
  // A stored unknown value reads as absent in primavera and learningcloud.
  const { body: u } = await create(unique('loc3'), { preferredLanguage: 'klingon', timezone: 'Pacific Standard Time' });
  const lcRead = await call('GET', `${LC}/${u.id}`, { headers: CLOUD });
  assert.equal(lcRead.status, 200, lcRead.text);
  assert.equal(lcRead.body.language ?? null, null);
  assert.equal(lcRead.body.timezone ?? null, null);
  // /v1 still sets known values only, but a value the user has can be written back.
  const v1 = (await call('GET', `/v1/users?username=${encodeURIComponent(u.userName)}`, { headers: BEARER })).body.users[0];
  assert.equal(v1.language, 'klingon');
  const back = await call('PUT', `/v1/users/${v1.id}`, { headers: BEARER, json: v1 });
  assert.equal(back.status, 200, back.text);
  const changed = await call('PUT', `/v1/users/${v1.id}`, { headers: BEARER, json: { ...v1, language: 'vulcan' } });
  assert.equal(changed.status, 400);
  assert.deepEqual(changed.body.errors.map((e) => [e.pointer, e.code]), [['/language', 'invalid_locale']]);
});

test('an email address may be shared (RFC 7643: uniqueness none); publisher and primavera, which address users by it, refuse to pick one', async () => {
  const mailbox = `${unique('shared')}@example.com`;
  const a = await create(unique('sa'), { emails: [{ value: mailbox, type: 'work', primary: true }] });
  const b = await call('POST', '/scim/v2/Users', { headers: SCIM, json: scimUser(unique('sb'), { emails: [{ value: mailbox.toUpperCase(), type: 'work', primary: true }] }) });
  assert.equal(b.status, 201, b.text);
  const v1 = await call('POST', '/v1/users', { headers: BEARER, json: { username: unique('sc'), emails: [{ value: mailbox, primary: true }] } });
  assert.equal(v1.status, 201, v1.text);
  // A SCIM PUT or PATCH onto a shared address is fine too.
  const { body: c } = await create(unique('sd'));
  const onto = await patch(c.id, [{ op: 'replace', path: 'emails[type eq "work"].value', value: mailbox }]);
  assert.equal(onto.status, 200, onto.text);
  const found = await call('GET', `/scim/v2/Users?filter=${encodeURIComponent(`emails.value eq "${mailbox}"`)}`, { headers: BEARER });
  assert.equal(found.body.totalResults, 4);

  // publisher: addressing by a shared email is a clear 409 in its shape, never one of them.
  const PUB = '/api/2/users';
  const get = await call('GET', `${PUB}/${encodeURIComponent(mailbox)}`, { headers: BEARER });
  assert.equal(get.status, 409, get.text);
  assert.equal(get.body.error.ref, 409);
  assert.match(get.body.error.summary, /shared by several users/);
  // Its create and rename still refuse a taken address.
  const taken = await call('POST', PUB, { headers: BEARER, json: { user: { email: mailbox } } });
  assert.equal(taken.status, 409, taken.text);
  assert.deepEqual(taken.body.error.field.map((f) => [f.pointer, f.code]), [['/user/email', 'duplicate']]);
  const own = await call('POST', PUB, { headers: BEARER, json: { user: { email: `${unique('own')}@example.com` } } });
  assert.equal(own.status, 200, own.text);
  const rename = await call('PUT', `${PUB}/${own.body.user.id}`, { headers: BEARER, json: { user: { email: mailbox } } });
  assert.equal(rename.status, 409, rename.text);
  // A user that already shares its address can still be updated through publisher.
  const aId = (await call('GET', `/v1/users?username=${encodeURIComponent(a.body.userName)}`, { headers: BEARER })).body.users[0].id;
  const keep = await call('PUT', `${PUB}/${aId}`, { headers: BEARER, json: { user: { email: mailbox, jobtitle: 'Lead' } } });
  assert.equal(keep.status, 200, keep.text);

  // primavera: useExistingUser cannot pick one of several users either; without it, a duplicate.
  const reuse = await call('POST', PV, { headers: BEARER, json: { companyId: 1, email: mailbox, firstName: 'A', lastName: 'B', officeIds: [1], userLocale: 'en' } });
  assert.equal(reuse.status, 409, reuse.text);
  assert.match(reuse.body.message, /shared by several users/);
  const refuse = await call('POST', PV, { headers: BEARER, json: { companyId: 1, email: mailbox, firstName: 'A', lastName: 'B', officeIds: [1], userLocale: 'en', useExistingUser: false } });
  assert.equal(refuse.status, 400, refuse.text);
  assert.deepEqual(refuse.body.errors.map((e) => [e.field, e.code]), [['email', 'duplicate']]);
});

test('Entra: the manager sent as a bare id string is read as {value}', async () => {
  const { body: boss } = await create(unique('boss'));
  const { body: u } = await create(unique('emp'));
  const res = await patch(u.id, [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: boss.id }]);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.schemas, [USER, ENTERPRISE]);
  assert.deepEqual(res.body[ENTERPRISE].manager, { value: boss.id });
  const replaced = await patch(u.id, [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: { value: 'other-id' } }]);
  assert.deepEqual(replaced.body[ENTERPRISE].manager, { value: 'other-id' });
  const created = await call('POST', '/scim/v2/Users', {
    headers: SCIM,
    json: scimUser(unique('emp2'), { schemas: [USER, ENTERPRISE], [ENTERPRISE]: { manager: boss.id } }),
  });
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(created.body[ENTERPRISE].manager, { value: boss.id });
});

test('Entra: filter emails[type eq "work"].value eq "x" finds the user (as emails[type eq "work" and value eq "x"])', async () => {
  const name = unique('entraf');
  const { body: u } = await create(name, { emails: [{ value: `${name}@home.example`, type: 'home' }, { value: `${name}@work.example`, type: 'work', primary: true }] });
  const q = (f) => call('GET', `/scim/v2/Users?filter=${encodeURIComponent(f)}`, { headers: BEARER });
  const hit = await q(`emails[type eq "work"].value eq "${name}@WORK.example"`);
  assert.equal(hit.status, 200, hit.text);
  assert.deepEqual(hit.body.Resources.map((r) => r.id), [u.id]);
  const miss = await q(`emails[type eq "work"].value eq "${name}@home.example"`);
  assert.equal(miss.body.totalResults, 0, 'both conditions hold on one email');
  const search = await call('POST', '/scim/v2/Users/.search', {
    headers: SCIM,
    json: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `emails[type eq "work"].value eq "${name}@work.example"` },
  });
  assert.equal(search.body.totalResults, 1);
  assertScimError(await q('emails[type eq "work"].value'), 400, 'invalidFilter');
  // The same search at the server root (RFC 7644 §3.4.3), where Users is the only resource type.
  const root = await call('POST', '/scim/v2/.search', {
    headers: SCIM,
    json: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `emails[type eq "work"].value eq "${name}@work.example"`, attributes: ['userName'] },
  });
  assert.equal(root.status, 200, root.text);
  assert.deepEqual(root.body.Resources, [{ schemas: [USER], id: u.id, userName: name }]);
});

test('401 carries WWW-Authenticate: Bearer realm="userbridge" on every Bearer surface (RFC 6750 §3)', async () => {
  const challenge = 'Bearer realm="userbridge"';
  const wrong = { Authorization: 'Bearer wrong-token' };
  for (const [path, headers] of [
    ['/scim/v2/Users', {}],
    ['/scim/v2/Users', wrong],
    ['/v1/users', {}],
    ['/api/2/users', wrong],
    [`${PV}/1`, {}],
    ['/api/rest/user/current', {}],
    ['/api/rest/user/current', wrong],
  ]) {
    const res = await call('GET', path, { headers });
    assert.equal(res.status, 401, `${path}: ${res.text}`);
    assert.equal(res.headers.get('www-authenticate'), challenge, path);
  }
  // learningcloud's credential is its own header, not a Bearer token.
  const lc = await call('GET', `${LC}/x`, {});
  assert.equal(lc.status, 401);
  assert.equal(lc.headers.get('www-authenticate'), null);
  // Authenticated errors carry no challenge.
  assert.equal((await call('GET', '/scim/v2/Users/nope', { headers: BEARER })).headers.get('www-authenticate'), null);
});

// Okta's SCIM 2.0 guide (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20): the
// requests Okta sends when a user is assigned, updated and deactivated.
test('Okta: lookup by userName with startIndex and count', async () => {
  const name = `${unique('okta')}@okta.local`;
  const q = `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}&startIndex=1&count=100`;
  const none = await call('GET', q, { headers: BEARER });
  assert.equal(none.status, 200, none.text);
  assert.deepEqual(none.body, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  const { body: u } = await create(name, { emails: [{ value: name, type: 'work', primary: true }] });
  const one = await call('GET', q, { headers: BEARER });
  assert.equal(one.body.totalResults, 1);
  assert.equal(one.body.startIndex, 1);
  assert.equal(one.body.Resources[0].id, u.id);
});

test('Okta: create with externalId, locale, password and an empty groups', async () => {
  const name = `${unique('okta')}@okta.local`;
  const res = await call('POST', '/scim/v2/Users', {
    headers: SCIM,
    json: {
      schemas: [USER],
      userName: name,
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: name, type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    },
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.userName, name);
  assert.equal(res.body.externalId, '00ujl29u0le5T6Aj10h7');
  assert.equal(res.body.locale, 'en-US');
  assert.equal(res.body.displayName, 'Test User');
  assert.equal(res.body.active, true);
  assert.equal(res.body.password, undefined);
});

test('Okta: PUT replaces the whole user (id, meta and groups sent back as read)', async () => {
  const name = `${unique('okta')}@okta.local`;
  const { body: u } = await create(name, { emails: [{ value: name }], displayName: 'Test User', title: 'Engineer', nickName: 'Testy' });
  const full = {
    schemas: [USER],
    id: u.id,
    userName: name,
    name: { givenName: 'Another', middleName: 'M', familyName: 'User' },
    emails: [{ primary: true, value: name, type: 'work' }],
    displayName: 'Another User',
    locale: 'en-US',
    externalId: '00ujl29u0le5T6Aj10h7',
    groups: [],
    active: true,
    meta: { resourceType: 'User', created: u.meta.created, lastModified: u.meta.lastModified },
  };
  const res = await call('PUT', `/scim/v2/Users/${u.id}`, { headers: SCIM, json: full });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.name.givenName, 'Another');
  assert.equal(res.body.displayName, 'Another User');
  assert.equal(res.body.title, undefined, 'left out of a PUT: cleared');
  assert.equal(res.body.nickName, undefined);
});

test('Okta: PATCH active false without a path deactivates, and true reactivates', async () => {
  const { body: u } = await create(unique('okta'));
  const off = await patch(u.id, [{ op: 'replace', value: { active: false } }]);
  assert.equal(off.status, 200, off.text);
  assert.equal(off.body.active, false);
  assert.equal((await call('GET', `/scim/v2/Users/${u.id}`, { headers: BEARER })).body.active, false);
  const on = await patch(u.id, [{ op: 'replace', value: { active: true } }]);
  assert.equal(on.body.active, true);
});

// Microsoft Entra's SCIM guide (learn.microsoft.com, "Tutorial: Develop and plan provisioning for
// a SCIM endpoint"): the request shapes of its provisioning service.
test('Entra: create with the enterprise extension, query by userName, update, disable, delete', async () => {
  const name = `${unique('entra')}@testuser.com`;
  const created = await call('POST', '/scim/v2/Users', {
    headers: SCIM,
    json: {
      schemas: [USER, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: name,
      active: true,
      emails: [{ primary: true, type: 'work', value: name }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
      [ENTERPRISE]: { department: 'Sales' },
    },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id;
  const query = await call('GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`, { headers: BEARER });
  assert.deepEqual(query.body.Resources.map((r) => r.id), [id]);
  const zero = await call('GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "non-existent user"')}`, { headers: BEARER });
  assert.equal(zero.body.totalResults, 0);

  const multi = await patch(id, [
    { op: 'Replace', path: 'emails[type eq "work"].value', value: `updated-${name}` },
    { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
  ]);
  assert.equal(multi.status, 200, multi.text);
  assert.equal(multi.body.emails[0].value, `updated-${name}`);
  assert.equal(multi.body.name.familyName, 'updatedFamilyName');
  const renamed = `renamed-${name}`;
  const single = await patch(id, [{ op: 'Replace', path: 'userName', value: renamed }]);
  assert.equal(single.body.userName, renamed);
  const disabled = await patch(id, [{ op: 'Replace', path: 'active', value: 'False' }]);
  assert.equal(disabled.status, 200, disabled.text);
  assert.equal(disabled.body.active, false);
  assert.equal((await call('DELETE', `/scim/v2/Users/${id}`, { headers: BEARER })).status, 204);
  assertScimError(await call('GET', `/scim/v2/Users/${id}`, { headers: BEARER }), 404);
});
