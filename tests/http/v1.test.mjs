// /v1: the canonical user API, dialect bodies through ?dialect=, ETag/If-Match, validation,
// translation, field metadata and the OpenAPI document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BEARER, call, createCanonical, unique } from './_support.mjs';

const PROBLEM = /^application\/problem\+json/;

function canonical(username, extra = {}) {
  return {
    username,
    name: { given: 'Ada', family: 'Lovelace' },
    emails: [{ value: `${username}@example.org`, primary: true }],
    ...extra,
  };
}

test('POST /v1/users creates a user: 201, Location, ETag, ids assigned, password never returned', async () => {
  const username = unique('v1c');
  const res = await call('POST', '/v1/users', { headers: BEARER, json: canonical(username, { password: 'correct horse', id: 999999, uid: 'f'.repeat(32) }) });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('etag'), '"1"');
  assert.ok(Number.isInteger(res.body.id) && res.body.id !== 999999, 'the store assigns the id');
  assert.match(res.body.uid, /^[0-9a-f]{32}$/);
  assert.notEqual(res.body.uid, 'f'.repeat(32));
  assert.ok(res.headers.get('location').endsWith(`/v1/users/${res.body.id}`));
  assert.equal(res.body.username, username);
  assert.equal(res.body.password, undefined);
  assert.ok(!res.text.includes('correct horse'));
  const again = await call('GET', `/v1/users/${res.body.id}`, { headers: BEARER });
  assert.equal(again.status, 200);
  assert.equal(again.body.password, undefined);
  assert.ok(!again.text.includes('pbkdf2'), 'nor its hash');
  assert.deepEqual(again.body, res.body);
});

test('POST /v1/users: invalid canonical bodies are 400 problems pointing at the field', async () => {
  const empty = await call('POST', '/v1/users', { headers: BEARER, json: { name: { given: 'Nobody' } } });
  assert.equal(empty.status, 400);
  assert.match(empty.headers.get('content-type'), PROBLEM);
  assert.equal(empty.body.type, 'urn:userbridge:problem:invalid');
  assert.equal(empty.body.status, 400);
  assert.deepEqual(empty.body.errors.map((e) => [e.pointer, e.code]), [['/username', 'required']]);
  // An empty username is as missing as none, as in every dialect.
  const blank = await call('POST', '/v1/users', { headers: BEARER, json: { username: '' } });
  assert.equal(blank.status, 400, blank.text);
  assert.deepEqual(blank.body.errors.map((e) => [e.pointer, e.code, e.params]), [['/username', 'required', { min: 1 }]]);

  const email = await call('POST', '/v1/users', { headers: BEARER, json: { username: unique('v1e'), emails: [{ value: 'ok@example.org' }, { value: 'not-an-email' }] } });
  assert.equal(email.status, 400);
  assert.deepEqual(email.body.errors.map((e) => [e.pointer, e.code]), [['/emails/1/value', 'invalid_email']]);
  assert.deepEqual(Object.keys(email.body.errors[0]).sort(), ['code', 'message', 'params', 'pointer']);

  const tz = await call('POST', '/v1/users', { headers: BEARER, json: { username: unique('v1t'), timezone: 'Mars/Olympus' } });
  assert.deepEqual(tz.body.errors.map((e) => [e.pointer, e.code]), [['/timezone', 'invalid_timezone']]);

  const syntax = await call('POST', '/v1/users', { headers: { ...BEARER, 'Content-Type': 'application/json' }, body: '{\n  "username": "x",\n}' });
  assert.equal(syntax.status, 400);
  assert.equal(syntax.body.errors[0].code, 'syntax');
  assert.equal(syntax.body.errors[0].params.line, 3);
  assert.equal(syntax.body.errors[0].params.column, 1);

  const array = await call('POST', '/v1/users', { headers: BEARER, json: [1, 2] });
  assert.equal(array.status, 400);
  assert.equal(array.body.errors[0].code, 'invalid_type');
});

test('POST /v1/users: a taken username (any case) is 409 with a duplicate at its pointer; an email may be shared', async () => {
  const username = unique('v1d');
  await createCanonical(canonical(username));
  const name = await call('POST', '/v1/users', { headers: BEARER, json: canonical(username.toUpperCase(), { emails: [] }) });
  assert.equal(name.status, 409);
  assert.match(name.headers.get('content-type'), PROBLEM);
  assert.equal(name.body.type, 'urn:userbridge:problem:duplicate');
  assert.deepEqual(name.body.errors.map((e) => [e.pointer, e.code]), [['/username', 'duplicate']]);

  const other = unique('v1d2');
  const mail = await call('POST', '/v1/users', {
    headers: BEARER,
    json: { username: other, emails: [{ value: `home-${other}@example.org` }, { value: `${username.toUpperCase()}@EXAMPLE.org`, primary: true }] },
  });
  assert.equal(mail.status, 201, 'RFC 7643 gives emails uniqueness "none"');
});

test('POST /v1/users?dialect=: the dialect\'s create rules, errors pointing into its body', async () => {
  const username = unique('v1lc');
  const created = await call('POST', '/v1/users?dialect=learningcloud', { headers: BEARER, json: { user: { username, email: `${username}@example.org`, name: 'Lin' } } });
  assert.equal(created.status, 201);
  // The answer is the user as learningcloud's update body.
  assert.equal(created.body.username, username);
  assert.equal(created.body.name, 'Lin');
  assert.equal(created.body.email, `${username}@example.org`);
  assert.match(created.headers.get('location'), /\/v1\/users\/\d+$/);

  const wrapped = await call('POST', '/v1/users?dialect=learningcloud', { headers: BEARER, json: { user: { email: 'nope' } } });
  assert.equal(wrapped.status, 400);
  assert.deepEqual(wrapped.body.errors.map((e) => [e.pointer, e.code]).sort(), [['/user/email', 'invalid_email'], ['/user/username', 'required']]);

  const dup = await call('POST', '/v1/users?dialect=primavera', {
    headers: BEARER,
    json: { companyId: 1, email: `${username}@example.org`, firstName: 'A', lastName: 'B', officeIds: [1], userLocale: 'en' },
  });
  assert.equal(dup.status, 409);
  assert.deepEqual(dup.body.errors.map((e) => [e.pointer, e.code]), [['/email', 'duplicate']]);

  const bogus = await call('POST', '/v1/users?dialect=ldap', { headers: BEARER, json: {} });
  assert.equal(bogus.status, 400);
  assert.equal(bogus.body.type, 'urn:userbridge:problem:invalid-parameter');
});

test('GET /v1/users/{id}: canonical with ETag, or as a dialect\'s update body; 404 for unknown ids', async () => {
  const username = unique('v1g');
  const { user } = await createCanonical(canonical(username, { company_id: 3, office_ids: [4], job_title: 'Engineer', language: 'pt-BR' }));
  const plain = await call('GET', `/v1/users/${user.id}`, { headers: BEARER });
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get('etag'), '"1"');
  assert.equal(plain.body.company_id, 3);

  const pv = await call('GET', `/v1/users/${user.id}?dialect=primavera`, { headers: BEARER });
  assert.equal(pv.status, 200);
  assert.equal(pv.headers.get('etag'), '"1"');
  assert.deepEqual(pv.body, { userId: user.id, email: `${username}@example.org`, firstName: 'Ada', lastName: 'Lovelace', title: 'Engineer', userLocale: 'pt_BR' });

  const lc = await call('GET', `/v1/users/${user.id}?dialect=learningcloud`, { headers: BEARER });
  assert.deepEqual(lc.body, { username, name: 'Ada', surname: 'Lovelace', language: 'pt', email: `${username}@example.org` });

  assert.equal((await call('GET', '/v1/users/987654321', { headers: BEARER })).status, 404);
  assert.equal((await call('GET', '/v1/users/not-a-number', { headers: BEARER })).status, 404);
  assert.equal((await call('GET', `/v1/users/${user.id}?dialect=nope`, { headers: BEARER })).status, 400);
});

test('GET /v1/users lists with filters, offset and limit', async () => {
  const tag = unique('v1l');
  for (const n of [1, 2, 3]) await createCanonical(canonical(`${tag}-${n}`));
  const all = await call('GET', `/v1/users?search=${tag}`, { headers: BEARER });
  assert.equal(all.status, 200);
  assert.equal(all.body.total, 3);
  assert.deepEqual(all.body.users.map((u) => u.username), [`${tag}-1`, `${tag}-2`, `${tag}-3`]);
  const page = await call('GET', `/v1/users?search=${tag}&offset=1&limit=1`, { headers: BEARER });
  assert.deepEqual(page.body.users.map((u) => u.username), [`${tag}-2`]);
  assert.equal(page.body.total, 3);
  assert.equal(page.body.limit, 1);
  const one = await call('GET', `/v1/users?username=${tag.toUpperCase()}-2`, { headers: BEARER });
  assert.equal(one.body.total, 1);
  const byMail = await call('GET', `/v1/users?email=${tag}-3@EXAMPLE.ORG`, { headers: BEARER });
  assert.deepEqual(byMail.body.users.map((u) => u.username), [`${tag}-3`]);
  // As a LIKE pattern `<tag>_%` would match all three; as text, none holds it.
  const wildcard = await call('GET', `/v1/users?search=${encodeURIComponent(`${tag}_%`)}`, { headers: BEARER });
  assert.equal(wildcard.body.total, 0, 'LIKE wildcards are literal');
  const capped = await call('GET', '/v1/users?limit=100000', { headers: BEARER });
  assert.equal(capped.body.limit, 500);
  const bad = await call('GET', '/v1/users?limit=ten', { headers: BEARER });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.type, 'urn:userbridge:problem:invalid-parameter');
});

test('PUT /v1/users/{id}: full replacement; If-Match must name the current version', async () => {
  const username = unique('v1p');
  const { user, etag } = await createCanonical(canonical(username, { location: 'Paris' }));
  const replaced = await call('PUT', `/v1/users/${user.id}`, { headers: { ...BEARER, 'If-Match': etag }, json: canonical(username, { bio: 'new' }) });
  assert.equal(replaced.status, 200);
  assert.equal(replaced.headers.get('etag'), '"2"');
  assert.equal(replaced.body.bio, 'new');
  assert.equal(replaced.body.location, undefined, 'PUT replaces: absent fields are gone');
  assert.equal(replaced.body.uid, user.uid, 'identity is kept');

  const stale = await call('PUT', `/v1/users/${user.id}`, { headers: { ...BEARER, 'If-Match': etag }, json: canonical(username) });
  assert.equal(stale.status, 412);
  assert.match(stale.headers.get('content-type'), PROBLEM);
  const garbage = await call('PUT', `/v1/users/${user.id}`, { headers: { ...BEARER, 'If-Match': '"abc"' }, json: canonical(username) });
  assert.equal(garbage.status, 412);
  const star = await call('PUT', `/v1/users/${user.id}`, { headers: { ...BEARER, 'If-Match': '*' }, json: canonical(username) });
  assert.equal(star.status, 200);
  assert.equal(star.headers.get('etag'), '"3"');

  const missing = await call('PUT', '/v1/users/987654321', { headers: BEARER, json: canonical(unique('ghost')) });
  assert.equal(missing.status, 404);
  const invalid = await call('PUT', `/v1/users/${user.id}`, { headers: BEARER, json: { username, phones: [{ value: '1' }] } });
  assert.equal(invalid.status, 400);
  assert.deepEqual(invalid.body.errors.map((e) => [e.pointer, e.code]), [['/phones/0/type', 'required']]);
  const other = await createCanonical(canonical(unique('v1p2')));
  const taken = await call('PUT', `/v1/users/${other.user.id}`, { headers: BEARER, json: canonical(username, { emails: [] }) });
  assert.equal(taken.status, 409);
  assert.deepEqual(taken.body.errors.map((e) => e.pointer), ['/username']);
});

test('PUT /v1/users/{id}?dialect=: the dialect\'s view is replaced, everything else is kept', async () => {
  const username = unique('v1pd');
  const { user } = await createCanonical(canonical(username, { company_id: 9, office_ids: [5, 6], location: 'Lisbon', language: 'pt-BR' }));
  const view = await call('GET', `/v1/users/${user.id}?dialect=learningcloud`, { headers: BEARER });
  const edited = { ...view.body, timezone: 'Europe/Lisbon', surname: 'Byron' };
  delete edited.location;
  const put = await call('PUT', `/v1/users/${user.id}?dialect=learningcloud`, { headers: { ...BEARER, 'If-Match': view.headers.get('etag') }, json: edited });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.body.surname, 'Byron');
  const after = await call('GET', `/v1/users/${user.id}`, { headers: BEARER });
  assert.equal(after.body.company_id, 9, 'primavera\'s fields survive a learningcloud replace');
  assert.deepEqual(after.body.office_ids, [5, 6]);
  assert.equal(after.body.location, undefined, 'the learningcloud field left out is cleared');
  assert.equal(after.body.language, 'pt-BR', 'an unchanged narrowed value keeps its detail');
  assert.equal(after.body.timezone, 'Europe/Lisbon');

  const pvView = await call('GET', `/v1/users/${user.id}?dialect=primavera`, { headers: BEARER });
  const mismatch = await call('PUT', `/v1/users/${user.id}?dialect=primavera`, { headers: BEARER, json: { ...pvView.body, userId: user.id + 1000 } });
  assert.equal(mismatch.status, 400);
  assert.deepEqual(mismatch.body.errors.map((e) => [e.pointer, e.code]), [['/userId', 'mismatch']]);
  const invalid = await call('PUT', `/v1/users/${user.id}?dialect=learningcloud`, { headers: BEARER, json: { username } });
  assert.equal(invalid.status, 400);
  assert.deepEqual(invalid.body.errors.map((e) => e.pointer).sort(), ['/email', '/language', '/name', '/surname', '/timezone']);
});

test('PATCH /v1/users/{id}: RFC 7396 merge patch with ETag and If-Match', async () => {
  const username = unique('v1m');
  const { user, etag } = await createCanonical(canonical(username, { location: 'Rome', bio: 'old' }));
  const patched = await call('PATCH', `/v1/users/${user.id}`, {
    headers: { ...BEARER, 'Content-Type': 'application/merge-patch+json', 'If-Match': etag },
    json: { bio: 'new', location: null, name: { family: 'King' } },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.headers.get('etag'), '"2"');
  assert.equal(patched.body.bio, 'new');
  assert.equal(patched.body.location, undefined);
  assert.deepEqual(patched.body.name, { given: 'Ada', family: 'King' });
  assert.equal(patched.body.username, username);

  const stale = await call('PATCH', `/v1/users/${user.id}`, { headers: { ...BEARER, 'If-Match': etag }, json: { bio: 'x' } });
  assert.equal(stale.status, 412);
  const invalid = await call('PATCH', `/v1/users/${user.id}`, { headers: BEARER, json: { emails: [{ value: 'broken' }] } });
  assert.equal(invalid.status, 400);
  assert.deepEqual(invalid.body.errors.map((e) => [e.pointer, e.code]), [['/emails/0/value', 'invalid_email']]);
  const text = await call('PATCH', `/v1/users/${user.id}`, { headers: { ...BEARER, 'Content-Type': 'text/plain' }, body: '{}' });
  assert.equal(text.status, 415);
  const pw = await call('PATCH', `/v1/users/${user.id}`, { headers: BEARER, json: { password: 'n3w-secret' } });
  assert.equal(pw.status, 200);
  assert.equal(pw.body.password, undefined);
  assert.equal((await call('PATCH', '/v1/users/987654321', { headers: BEARER, json: {} })).status, 404);
});

test('DELETE /v1/users/{id}: 204, then 404; a stale If-Match is 412', async () => {
  const { user, etag } = await createCanonical(canonical(unique('v1x')));
  await call('PATCH', `/v1/users/${user.id}`, { headers: BEARER, json: { bio: 'bump' } });
  const stale = await call('DELETE', `/v1/users/${user.id}`, { headers: { ...BEARER, 'If-Match': etag } });
  assert.equal(stale.status, 412);
  const gone = await call('DELETE', `/v1/users/${user.id}`, { headers: { ...BEARER, 'If-Match': '"2"' } });
  assert.equal(gone.status, 204);
  assert.equal(gone.text, '');
  assert.equal((await call('GET', `/v1/users/${user.id}`, { headers: BEARER })).status, 404);
  assert.equal((await call('DELETE', `/v1/users/${user.id}`, { headers: BEARER })).status, 404);
});

test('20 concurrent PUTs with the same If-Match: one wins whole, the rest are 412', async () => {
  const username = unique('v1cc');
  const { user, etag } = await createCanonical(canonical(username));
  const body = (i) => canonical(username, { name: { given: `Writer${i}`, family: `Family${i}` }, bio: `bio ${i}`, location: `place ${i}`, job_title: `title ${i}` });
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => call('PUT', `/v1/users/${user.id}`, { headers: { ...BEARER, 'If-Match': etag }, json: body(i) }).then((r) => ({ i, r }))),
  );
  const ok = results.filter(({ r }) => r.status === 200);
  const refused = results.filter(({ r }) => r.status === 412);
  assert.equal(ok.length, 1, `statuses: ${results.map(({ r }) => r.status).join(',')}`);
  assert.equal(refused.length, 19);
  const winner = ok[0].i;
  const final = await call('GET', `/v1/users/${user.id}`, { headers: BEARER });
  assert.equal(final.headers.get('etag'), '"2"');
  // Nothing half-applied: every field is the winner's.
  assert.deepEqual(final.body.name, { given: `Writer${winner}`, family: `Family${winner}` });
  assert.equal(final.body.bio, `bio ${winner}`);
  assert.equal(final.body.location, `place ${winner}`);
  assert.equal(final.body.job_title, `title ${winner}`);
});

test('20 concurrent unconditional PUTs: each acknowledged write is final or superseded by a later one', async () => {
  const username = unique('v1cu');
  const { user } = await createCanonical(canonical(username));
  const body = (i) => canonical(username, { name: { given: `W${i}`, family: `F${i}` }, bio: `bio ${i}`, location: `loc ${i}` });
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => call('PUT', `/v1/users/${user.id}`, { headers: BEARER, json: body(i) }).then((r) => ({ i, r }))));
  for (const { r } of results) assert.equal(r.status, 200);
  const versions = results.map(({ r }) => Number(JSON.parse(r.headers.get('etag'))));
  assert.equal(new Set(versions).size, 20, 'every acknowledged write has its own version');
  const last = results.reduce((a, b) => (Number(JSON.parse(b.r.headers.get('etag'))) > Number(JSON.parse(a.r.headers.get('etag'))) ? b : a));
  // Each answer shows its own write whole.
  for (const { i, r } of results) {
    assert.equal(r.body.bio, `bio ${i}`);
    assert.equal(r.body.location, `loc ${i}`);
  }
  const final = await call('GET', `/v1/users/${user.id}`, { headers: BEARER });
  assert.equal(final.headers.get('etag'), `"${Math.max(...versions)}"`);
  assert.deepEqual(final.body.name, { given: `W${last.i}`, family: `F${last.i}` });
  assert.equal(final.body.bio, `bio ${last.i}`);
  assert.equal(final.body.location, `loc ${last.i}`);
});

test('POST /v1/validate/{dialect}/{op}: every violation at once, 200 either way', async () => {
  const bad = await call('POST', '/v1/validate/primavera/update', { headers: BEARER, json: { userId: 1, email: 'a@b.org', title: 'x'.repeat(26), nickname: 'n' } });
  assert.equal(bad.status, 200);
  assert.equal(bad.body.valid, false);
  assert.deepEqual(bad.body.errors.map((e) => [e.pointer, e.code]), [['/firstName', 'required'], ['/lastName', 'required'], ['/title', 'too_long']]);
  assert.equal(bad.body.errors[2].params.max, 25);
  assert.deepEqual(bad.body.ignored, ['/nickname']);
  const good = await call('POST', '/v1/validate/learningcloud/create', { headers: BEARER, json: { username: 'x' } });
  assert.deepEqual(good.body, { valid: true, errors: [], ignored: [] });
  const syntax = await call('POST', '/v1/validate/scim/create', { headers: { ...BEARER, 'Content-Type': 'application/json' }, body: '{"userName": }' });
  assert.equal(syntax.status, 200);
  assert.equal(syntax.body.errors[0].code, 'syntax');
  const xml = await call('POST', '/v1/validate/publisher/create', { headers: { ...BEARER, 'Content-Type': 'application/xml' }, body: '<user><email>not-an-email</email></user>' });
  assert.equal(xml.status, 200);
  assert.equal(xml.body.valid, false);
  const xmlElsewhere = await call('POST', '/v1/validate/primavera/create', { headers: { ...BEARER, 'Content-Type': 'application/xml' }, body: '<user/>' });
  assert.equal(xmlElsewhere.status, 415);
  assert.equal((await call('POST', '/v1/validate/ldap/create', { headers: BEARER, json: {} })).status, 404);
  assert.equal((await call('POST', '/v1/validate/primavera/delete', { headers: BEARER, json: {} })).status, 404);
});

test('POST /v1/translate: a dry run with body, lost, ignored and unmet; nothing is stored', async () => {
  const username = unique('v1tr');
  const res = await call('POST', '/v1/translate?from=learningcloud&to=primavera&op=create', {
    headers: BEARER,
    json: { username, name: 'Ana', surname: 'Lima', email: `${username}@example.org`, timezone: 'Europe/Lisbon', shoeSize: 42 },
  });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.body, { email: `${username}@example.org`, firstName: 'Ana', lastName: 'Lima' });
  assert.deepEqual(res.body.lost.map((l) => [l.pointer, l.reason]).sort(), [['/timezone', 'not_supported'], ['/username', 'not_supported']]);
  assert.deepEqual(res.body.ignored, ['/shoeSize']);
  assert.deepEqual(res.body.unmet.map((v) => v.pointer).sort(), ['/companyId', '/officeIds', '/userLocale']);
  const stored = await call('GET', `/v1/users?username=${username}`, { headers: BEARER });
  assert.equal(stored.body.total, 0, 'a translation stores nothing');

  const invalid = await call('POST', '/v1/translate?from=primavera&to=scim', { headers: BEARER, json: { email: 'x' } });
  assert.equal(invalid.status, 400);
  assert.ok(invalid.body.errors.some((e) => e.pointer === '/email' && e.code === 'invalid_email'));
  const missing = await call('POST', '/v1/translate?to=scim', { headers: BEARER, json: {} });
  assert.equal(missing.status, 400);
  assert.match(missing.body.detail, /from/);
  const badOp = await call('POST', '/v1/translate?from=scim&to=primavera&op=remove', { headers: BEARER, json: {} });
  assert.equal(badOp.status, 400);
});

test('GET /v1/dialects: field metadata for every dialect and operation', async () => {
  const res = await call('GET', '/v1/dialects', { headers: BEARER });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.dialects.map((d) => d.name), ['learningcloud', 'publisher', 'primavera', 'devicehive', 'scim']);
  const pv = res.body.dialects.find((d) => d.name === 'primavera');
  const title = pv.operations.update.fields.find((f) => f.pointer === '/title');
  assert.equal(title.max, 25);
  assert.equal(pv.operations.create.fields.find((f) => f.pointer === '/title').max, 200);
  const lc = res.body.dialects.find((d) => d.name === 'learningcloud');
  assert.equal(lc.operations.create.fields.find((f) => f.pointer === '/password').write_only, true);
});

test('GET /openapi.json: an OpenAPI 3.1 document of /v1 with the component schemas', async () => {
  const res = await call('GET', '/openapi.json', { headers: BEARER });
  assert.equal(res.status, 200);
  assert.equal(res.body.openapi, '3.1.0');
  assert.ok(res.body.paths['/v1/users/{id}'].patch);
  assert.ok(res.body.components.schemas.User.properties.emails);
  assert.equal(res.body.components.schemas.User.properties.password.writeOnly, true);
  assert.ok(res.body.components.schemas.Problem);
});
