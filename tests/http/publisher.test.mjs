// Publisher users API v2 (docs/dialects/publisher.md): JSON and XML both ways, refs 108/109/113/304,
// validation lists, duplicate email 409, list/archive, and cross-dialect reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, BEARER, CLOUD, LC, PV, call, createCanonical, idOfUsername, unique } from './_support.mjs';

const PUB = '/api/2/users';
const XML = { 'Content-Type': 'application/xml', Accept: 'application/xml' };

const email = (prefix = 'pub') => `${unique(prefix)}@example.org`;

async function create(user) {
  const res = await call('POST', PUB, { headers: BEARER, json: { user } });
  assert.equal(res.status, 200, res.text);
  return res.body.user;
}

/** The text of the first `<name>` element (no attributes) in an XML document. */
const xmlText = (xml, name) => xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1];

test('credentials: none or a wrong bearer is 401 in the error shape', async () => {
  for (const headers of [{}, { Authorization: 'Bearer nope' }, { Authorization: 'Basic eDp5' }]) {
    const res = await call('GET', PUB, { headers });
    assert.equal(res.status, 401);
    assert.deepEqual(Object.keys(res.body.error).sort(), ['link', 'ref', 'summary']);
    assert.equal(res.body.error.ref, 401);
  }
});

test('POST creates (200 + summary); GET by id and by email gives the full user', async () => {
  const address = email();
  const res = await call('POST', PUB, {
    headers: BEARER,
    json: {
      user: {
        name: { firstname: 'Ada', lastname: 'Lovelace', title: 'Dr' },
        email: address,
        jobtitle: 'Analyst',
        status: 'active',
        location: { city: 'London', country: 'UK' },
        sociallinks: { link: { name: 'LinkedIn', value: 'https://example.org/ada' } },
      },
    },
  });
  assert.equal(res.status, 200, res.text);
  const { id } = res.body.user;
  assert.deepEqual(res.body, { user: { id, email: address, link: `${BASE}${PUB}/${id}` } });

  for (const key of [id, encodeURIComponent(address), encodeURIComponent(address.toUpperCase())]) {
    const got = await call('GET', `${PUB}/${key}`, { headers: BEARER });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.user.id, id);
    assert.equal(got.body.user.email, address);
    assert.deepEqual(got.body.user.name, { firstname: 'Ada', lastname: 'Lovelace', title: 'Dr' });
    assert.deepEqual(got.body.user.location, { city: 'London', country: 'UK' });
    assert.deepEqual(got.body.user.sociallinks, { link: { name: 'LinkedIn', value: 'https://example.org/ada' } });
  }
});

test('PUT replaces the whole user (by id or email); a body id naming another user is 400', async () => {
  const u = await create({ email: email(), jobtitle: 'Old', department: 'R&D', name: { firstname: 'A' } });
  const put = await call('PUT', `${PUB}/${u.id}`, { headers: BEARER, json: { user: { id: u.id, email: u.email, jobtitle: 'New' } } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.body, { user: { id: u.id, email: u.email, link: `${BASE}${PUB}/${u.id}` } });
  const got = (await call('GET', `${PUB}/${u.id}`, { headers: BEARER })).body.user;
  assert.equal(got.jobtitle, 'New');
  assert.equal(got.department, undefined, 'omitted fields are cleared');
  assert.equal(got.name, undefined);

  const renamed = email('renamed');
  const byEmail = await call('PUT', `${PUB}/${encodeURIComponent(u.email)}`, { headers: BEARER, json: { user: { email: renamed } } });
  assert.equal(byEmail.status, 200, byEmail.text);
  assert.equal(byEmail.body.user.email, renamed);

  const mismatch = await call('PUT', `${PUB}/${u.id}`, { headers: BEARER, json: { user: { id: u.id + 100000, email: renamed } } });
  assert.equal(mismatch.status, 400);
  assert.deepEqual(mismatch.body.error.field.map((f) => [f.pointer, f.code]), [['/user/id', 'mismatch']]);
});

test('errors: 404 ref 108, 400 ref 113 / 304 / 109, in JSON and, when asked, XML', async () => {
  const missing = await call('GET', `${PUB}/987654321`, { headers: BEARER });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.ref, 108);
  assert.equal(missing.body.error.summary, 'The requested user does not exist');
  assert.match(missing.body.error.link, /\/api\/2\/error\//);
  const noEmail = await call('GET', `${PUB}/${encodeURIComponent(email('none'))}`, { headers: BEARER });
  assert.equal(noEmail.body.error.ref, 108);

  const xml = await call('GET', `${PUB}/987654321`, { headers: { ...BEARER, Accept: 'application/xml' } });
  assert.equal(xml.status, 404);
  assert.match(xml.headers.get('content-type'), /^application\/xml/);
  assert.match(xml.text, /^<\?xml version="1\.0" encoding="UTF-8" standalone="yes"\?>/);
  assert.equal(xmlText(xml.text, 'ref'), '108');
  assert.equal(xmlText(xml.text, 'summary'), 'The requested user does not exist');

  const cases = [
    ['GET', `${PUB}/abc`, 400, 113],
    ['POST', `${PUB}/-5/archive`, 400, 113],
    ['GET', `${PUB}/${'1'.repeat(51)}`, 400, 304],
    ['PUT', PUB, 400, 109],
    ['GET', `${PUB}/1/nothing`, 404, 404],
  ];
  for (const [method, path, status, ref] of cases) {
    const res = await call(method, path, { headers: BEARER, json: method === 'GET' ? undefined : { user: { email: email() } } });
    assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
    assert.equal(res.body.error.ref, ref, `${method} ${path}`);
  }
  const del = await call('DELETE', PUB, { headers: BEARER });
  assert.equal(del.status, 405);
  assert.equal(del.headers.get('allow'), 'GET, HEAD, POST');
});

test('validation: 400 with one field entry per violation; the seed trailing comma names line and column', async () => {
  const res = await call('POST', PUB, { headers: BEARER, json: { user: { status: 'gone', img: 'not a url', secretarymail: 'x' } } });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.ref, 400);
  const found = res.body.error.field.map((f) => `${f.pointer} ${f.code}`).sort();
  assert.deepEqual(found, ['/user/email required', '/user/img invalid_url', '/user/secretarymail invalid_email', '/user/status not_allowed_value']);
  assert.ok(res.body.error.field.every((f) => f.message));

  const seed = '{\n  "user": {\n    "email": "a@example.org",\n    "specialities": "java,dotNet",\n  }\n}';
  const comma = await call('POST', PUB, { headers: { ...BEARER, 'Content-Type': 'application/json' }, body: seed });
  assert.equal(comma.status, 400);
  assert.match(comma.body.error.summary, /line 5, column 3/);
  assert.equal(comma.body.error.field[0].code, 'syntax');

  const missingUser = await call('POST', PUB, { headers: BEARER, json: { email: 'a@example.org' } });
  assert.equal(missingUser.status, 400);
  assert.ok(missingUser.body.error.field.some((f) => f.pointer === '/user' && f.code === 'required'));

  const media = await call('POST', PUB, { headers: { ...BEARER, 'Content-Type': 'text/csv' }, body: 'a,b' });
  assert.equal(media.status, 415);
  assert.equal(media.body.error.ref, 415);
});

/** Seed 001's PUT body, verbatim but for the id and email (the document's trailing comma kept). */
function seedBody(id, address) {
  return `{
    "user": {
        "id": ${id},
        "name": {
            "firstname": "User",
            "lastname": "Name",
            "title": "Dr"
            },
        "externalid": "456",
        "email": "${address}",
        "phone": "44156680000",
        "jobtitle": "Senior Solution Architect",
        "mobile": "441561510000",
        "department": "Development",
        "status": "active",
        "organisation": {
            "orgname": "Organisation Pty Ltd",
            "orgid": 75,
            "orgaddressid": 98
        },
        "location": {
            "addressline1": "New London House",
            "addressline2": "6 London Street",
            "city": "London",
            "country": "United Kingdom",
            "postcode": "EC3R 7LP"
        },
        "img": "http://blog.newrelic.com/wp-content/uploads/java-logo.jpg",
        "sociallinks": {
            "link": {
                "name": "LinkedIn",
                "value": "http://www.linkedin.com/in/user.name"
            }
        },
        "customlinks": {
            "link": {
                "name": "My Web",
                "value": "http://www.mywebsite.com"
            }
        },
        "messaginglinks": {
            "link": {
                "name": "Skype",
                "value": "user.name.skype"
            }
        },
        "secretaryname": "Secretary Name",
        "secretarymail": "secretary@domain.com",
        "bio": "Development manager",
        "sourcetype": "AD",
        "specialities": "java,dotNet",
    }
}`;
}

test('seed 001: its trailing comma is a 400 naming line 52; without it the PUT replaces the user', async () => {
  const u = await create({ email: email('seed') });
  const text = seedBody(u.id, u.email);
  const headers = { ...BEARER, 'Content-Type': 'application/json' };
  const typo = await call('PUT', `${PUB}/${u.id}`, { headers, body: text });
  assert.equal(typo.status, 400, typo.text);
  assert.match(typo.body.error.summary, /line 52, column 5/);

  const fixed = text.replace('"java,dotNet",', '"java,dotNet"');
  const put = await call('PUT', `${PUB}/${u.id}`, { headers, body: fixed });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.body, { user: { id: u.id, email: u.email, link: `${BASE}${PUB}/${u.id}` } });
  const got = await call('GET', `${PUB}/${u.id}`, { headers: BEARER });
  assert.deepEqual(got.body, JSON.parse(fixed), 'everything the seed sends comes back');
});

test('a taken email is 409 (case-insensitive), on create and on update', async () => {
  const a = await create({ email: email('dup') });
  const b = await create({ email: email('dup') });
  const again = await call('POST', PUB, { headers: BEARER, json: { user: { email: a.email.toUpperCase() } } });
  assert.equal(again.status, 409, again.text);
  assert.equal(again.body.error.ref, 409);
  assert.deepEqual(again.body.error.field.map((f) => [f.pointer, f.code]), [['/user/email', 'duplicate']]);
  const onto = await call('PUT', `${PUB}/${b.id}`, { headers: BEARER, json: { user: { email: a.email } } });
  assert.equal(onto.status, 409);
});

test('XML in and out: create, summary with atom:link, full user, XML validation errors', async () => {
  const address = email('xml');
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<user><name><firstname>Grace</firstname><lastname>Hopper</lastname></name><email>${address}</email>
<location><city>Arlington</city><postCode>22201</postCode></location><status>active</status></user>`;
  const res = await call('POST', PUB, { headers: { ...BEARER, ...XML }, body });
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^application\/xml/);
  const id = Number(xmlText(res.text, 'id'));
  assert.ok(id > 0, res.text);
  assert.equal(xmlText(res.text, 'email'), address);
  assert.match(res.text, new RegExp(`<atom:link rel="self" href="${BASE}${PUB}/${id}"/>`));

  const got = await call('GET', `${PUB}/${id}`, { headers: { ...BEARER, Accept: 'application/xml' } });
  assert.equal(got.status, 200);
  assert.equal(xmlText(got.text, 'firstname'), 'Grace');
  assert.equal(xmlText(got.text, 'postCode'), '22201', 'XML spells postcode postCode');
  const json = await call('GET', `${PUB}/${id}`, { headers: BEARER });
  assert.equal(json.body.user.location.postcode, '22201');

  const bad = await call('POST', PUB, { headers: { ...BEARER, ...XML }, body: '<user><status>gone</status></user>' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /<error>/);
  assert.equal(xmlText(bad.text, 'ref'), '400');
  assert.match(bad.text, /<pointer>\/user\/email<\/pointer>/);

  const doctype = '<?xml version="1.0"?><!DOCTYPE user [<!ENTITY x SYSTEM "file:///etc/passwd">]><user><email>&x;</email></user>';
  const xxe = await call('POST', PUB, { headers: { ...BEARER, ...XML }, body: doctype });
  assert.equal(xxe.status, 400, 'no DOCTYPE, no entity expansion');
  assert.match(xmlText(xxe.text, 'summary'), /DOCTYPE/);

  // Accept wins over the request's syntax: XML in, JSON out.
  const mixed = await call('POST', PUB, {
    headers: { ...BEARER, 'Content-Type': 'application/xml', Accept: 'application/json' },
    body: `<user><email>${email('mix')}</email></user>`,
  });
  assert.equal(mixed.status, 200);
  assert.ok(mixed.body.user.id);
});

test('archive: 200 + summary, status archive; list filters by status and search, pages, fields=all', async () => {
  const tag = unique('lst');
  const a = await create({ email: `${tag}-a@example.org`, status: 'active' });
  const b = await create({ email: `${tag}-b@example.org`, status: 'active' });
  const archived = await call('POST', `${PUB}/${encodeURIComponent(b.email)}/archive`, { headers: BEARER });
  assert.equal(archived.status, 200, archived.text);
  assert.deepEqual(archived.body, { user: { id: b.id, email: b.email, link: `${BASE}${PUB}/${b.id}` } });
  assert.equal((await call('GET', `${PUB}/${b.id}`, { headers: BEARER })).body.user.status, 'archive');

  const list = async (q) => {
    const res = await call('GET', `${PUB}?${q}`, { headers: BEARER });
    assert.equal(res.status, 200, `${q}: ${res.text}`);
    return res.body.users.user;
  };
  assert.deepEqual((await list(`search=${tag}`)).map((u) => u.id), [a.id, b.id]);
  assert.deepEqual(await list(`search=${tag}&status=archive`), [{ id: b.id, email: b.email, link: `${BASE}${PUB}/${b.id}` }]);
  assert.deepEqual((await list(`search=${tag}&status=active`)).map((u) => u.id), [a.id]);
  assert.deepEqual((await list(`search=${tag}&limit=1&offset=1`)).map((u) => u.id), [b.id]);
  const full = await list(`search=${tag}&fields=all&limit=1`);
  assert.equal(full[0].status, 'active');
  const bad = await call('GET', `${PUB}?status=gone`, { headers: BEARER });
  assert.equal(bad.status, 400);

  const xml = await call('GET', `${PUB}?search=${tag}`, { headers: { ...BEARER, Accept: 'application/xml' } });
  assert.equal(xml.status, 200);
  assert.match(xml.text, /<users>\s*<user>/);
  assert.equal(xml.text.match(/<user>/g).length, 2);
});

test('search is a plain substring: `%` and `_` match only themselves, and any length works', async () => {
  const tag = unique('srch');
  const odd = await create({ email: `${tag}_50%off@example.org` });
  const plain = await create({ email: `${tag}x50xoff@example.org` });
  const ids = async (q) => {
    const res = await call('GET', `${PUB}?search=${encodeURIComponent(q)}`, { headers: BEARER });
    assert.equal(res.status, 200, `${q}: ${res.text}`);
    return (res.body.users.user ?? []).map((u) => u.id);
  };
  assert.deepEqual(await ids(tag), [odd.id, plain.id]);
  assert.deepEqual(await ids(`${tag}_50%off`), [odd.id], 'wildcards are literal');
  assert.deepEqual(await ids(`${tag.toUpperCase()}X50`), [plain.id], 'case-insensitive');
  // Longer than D1's 50-byte LIKE limit: still a search, not a store failure.
  assert.deepEqual(await ids(`${tag}_50%off@example.org`), [odd.id]);
  assert.deepEqual(await ids('x'.repeat(500)), []);
});

test('a publisher user is readable through /v1, learningcloud, primavera, DeviceHive and SCIM', async () => {
  const u = await create({ email: email('cross'), name: { firstname: 'Lin', lastname: 'Wu' }, mobile: '+1 555 0100' });
  const v1 = await call('GET', `/v1/users/${u.id}`, { headers: BEARER });
  assert.equal(v1.status, 200, v1.text);
  assert.equal(v1.body.emails[0].value, u.email);
  assert.equal(v1.body.name.given, 'Lin');

  const lc = await call('GET', `${LC}/${v1.body.uid}`, { headers: CLOUD });
  assert.equal(lc.status, 200, lc.text);
  assert.equal(lc.body.email, u.email);
  assert.equal(lc.body.name, 'Lin');

  const pv = await call('GET', `${PV}/${u.id}`, { headers: BEARER });
  assert.equal(pv.status, 200, pv.text);
  assert.equal(pv.body.email, u.email);
  assert.equal(pv.body.lastName, 'Wu');

  const dh = await call('GET', `/api/rest/user/${u.id}`, { headers: BEARER });
  assert.equal(dh.status, 200, dh.text);
  assert.equal(dh.body.id, u.id);

  const scim = await call('GET', `/scim/v2/Users/${v1.body.uid}`, { headers: BEARER });
  assert.equal(scim.status, 200, scim.text);
  assert.equal(scim.body.emails[0].value, u.email);
  assert.equal(scim.body.name.familyName, 'Wu');
});

test('users made through /v1, learningcloud, primavera and SCIM are readable through publisher (and DeviceHive)', async () => {
  const username = unique('pv1');
  const { user } = await createCanonical({ username, emails: [{ value: `${username}@example.org`, primary: true }], job_title: 'Chief' });
  const got = await call('GET', `${PUB}/${user.id}`, { headers: BEARER });
  assert.equal(got.status, 200, got.text);
  assert.equal(got.body.user.email, `${username}@example.org`);
  assert.equal(got.body.user.jobtitle, 'Chief');

  const lcName = unique('plc');
  const lc = await call('POST', LC, { headers: CLOUD, json: { username: lcName, email: `${lcName}@example.org`, name: 'Ana' } });
  assert.equal(lc.status, 200, lc.text);
  const viaEmail = await call('GET', `${PUB}/${encodeURIComponent(`${lcName}@example.org`)}`, { headers: BEARER });
  assert.equal(viaEmail.status, 200, viaEmail.text);
  assert.equal(viaEmail.body.user.name.firstname, 'Ana');

  const pvEmail = email('ppv');
  const pv = await call('POST', PV, {
    headers: BEARER,
    json: { companyId: 7, email: pvEmail, firstName: 'Grace', lastName: 'Hopper', officeIds: [1], userLocale: 'en' },
  });
  assert.equal(pv.status, 201, pv.text);
  const viaPv = await call('GET', `${PUB}/${pv.body.userId}`, { headers: BEARER });
  assert.equal(viaPv.status, 200);
  assert.equal(viaPv.body.user.email, pvEmail);
  assert.equal(viaPv.body.user.name.lastname, 'Hopper');

  const scimName = unique('pscim');
  const scim = await call('POST', '/scim/v2/Users', {
    headers: { ...BEARER, 'Content-Type': 'application/scim+json' },
    json: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: scimName,
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [{ value: `${scimName}@example.com`, primary: true }],
    },
  });
  assert.equal(scim.status, 201, scim.text);
  const id = await idOfUsername(scimName);
  const viaScim = await call('GET', `${PUB}/${id}`, { headers: BEARER });
  assert.equal(viaScim.status, 200);
  assert.equal(viaScim.body.user.email, `${scimName}@example.com`);
  const viaDh = await call('GET', `/api/rest/user/${id}`, { headers: BEARER });
  assert.equal(viaDh.status, 200);
  assert.equal(viaDh.body.login, scimName);
});
