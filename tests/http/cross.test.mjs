// One store for all dialects: a user created through one dialect is readable through the others,
// each showing what its dialect can hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BEARER, CLOUD, LC, PV, call, idOfUsername, pvCreateBody, unique } from './_support.mjs';

test('created through learningcloud, read through primavera and /v1', async () => {
  const username = unique('x.lc');
  const mail = `${username}@example.org`;
  const created = await call('POST', LC, {
    headers: CLOUD,
    json: { username, name: 'Mary', surname: 'Shelley', email: mail, language: 'en', timezone: 'Europe/London', mobilePhone: '+44 1', enabled: false },
  });
  assert.equal(created.status, 200, created.text);
  const uid = created.headers.get('location').split('/').pop();
  const id = await idOfUsername(username);

  const pv = await call('GET', `${PV}/${id}`, { headers: BEARER });
  assert.equal(pv.status, 200);
  assert.deepEqual(pv.body, { userId: id, email: mail, firstName: 'Mary', lastName: 'Shelley', mobile: '+44 1', status: 'INACTIVE', userLocale: 'en' });

  const v1 = await call('GET', `/v1/users/${id}`, { headers: BEARER });
  assert.equal(v1.body.uid, uid);
  assert.equal(v1.body.username, username);
  assert.deepEqual(v1.body.name, { given: 'Mary', family: 'Shelley' });
  assert.equal(v1.body.timezone, 'Europe/London');
  assert.equal(v1.body.status, 'inactive');
});

test('created through primavera, read through learningcloud and /v1', async () => {
  const mail = `${unique('x.pv')}@example.org`;
  const created = await call('POST', PV, { headers: BEARER, json: pvCreateBody(mail, { phone: '+1 2', userLocale: 'zh_TW', productNames: ['PROGRESS'] }) });
  assert.equal(created.status, 201, created.text);
  const id = created.body.userId;
  const v1 = await call('GET', `/v1/users/${id}`, { headers: BEARER });
  assert.equal(v1.status, 200);
  assert.equal(v1.body.company_id, 7);
  assert.deepEqual(v1.body.products, [{ name: 'PROGRESS' }]);
  assert.equal(v1.body.language, 'zh-TW');

  const lc = await call('GET', `${LC}/${v1.body.uid}`, { headers: CLOUD });
  assert.equal(lc.status, 200);
  assert.equal(lc.body.id, v1.body.uid);
  assert.equal(lc.body.email, mail);
  assert.equal(lc.body.name, 'Grace');
  assert.equal(lc.body.surname, 'Hopper');
  assert.equal(lc.body.officePhone, '+1 2');
  assert.equal(lc.body.language, 'zh', 'learningcloud holds the bare language');
  assert.equal(lc.body.enabled, true);
  assert.ok(!('companyId' in lc.body));
});

test('created through /v1, changed through learningcloud and primavera, each change visible everywhere', async () => {
  const username = unique('x.v1');
  const mail = `${username}@example.org`;
  const created = await call('POST', '/v1/users', {
    headers: BEARER,
    json: { username, name: { given: 'Ida', family: 'B' }, emails: [{ value: mail, primary: true }, { value: `home-${mail}`, type: 'home' }], company_id: 1, office_ids: [3] },
  });
  assert.equal(created.status, 201);
  const { id, uid } = created.body;
  const deact = await call('PUT', `${LC}/${uid}/deactivate`, { headers: CLOUD });
  assert.equal(deact.status, 200);
  const upd = await call('PUT', PV, { headers: BEARER, json: { userId: id, email: mail, firstName: 'Ida', lastName: 'Brown', title: 'Chief' } });
  assert.equal(upd.status, 204, upd.text);
  const v1 = await call('GET', `/v1/users/${id}`, { headers: BEARER });
  assert.equal(v1.body.status, 'inactive');
  assert.equal(v1.body.job_title, 'Chief');
  assert.deepEqual(v1.body.name, { given: 'Ida', family: 'Brown' });
  assert.deepEqual(v1.body.emails.map((e) => e.value), [mail, `home-${mail}`], 'the second email survives single-email dialects');
  assert.equal(v1.headers.get('etag'), '"3"');
  const lc = await call('GET', `${LC}/${username}`, { headers: CLOUD });
  assert.equal(lc.body.surname, 'Brown');
  assert.equal(lc.body.enabled, false);
});
