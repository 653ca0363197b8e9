// Browser end-to-end of <user-edit> against the facade's /v1 API (wrangler dev): create a user
// through the widget, reload it by id and update it, client- and server-side errors on their
// fields, keyboard-only use, a network failure, axe-core, and a screenshot per dialect.
//
// Tests that talk to /v1 are skipped — with a message saying why — only when `GET /v1/dialects`
// answers 404 (a facade without /v1). Everything else runs against the demo page alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = process.env.USERBRIDGE_URL;
if (!BASE) throw new Error('USERBRIDGE_URL is not set (e.g. http://127.0.0.1:8787)');
const HERE = dirname(fileURLToPath(import.meta.url));
const OUTPUT = join(HERE, '..', 'output');
const AXE = join(HERE, '..', '..', 'node_modules', 'axe-core', 'axe.min.js');
const TOKEN = 'dev-admin-token';
const DIALECTS = ['learningcloud', 'publisher', 'primavera', 'devicehive', 'scim'];
const EVENTS = ['user-saved', 'user-invalid', 'user-error', 'user-loaded'];

let profile;
let context;
/** Why the /v1 tests cannot run, or null. */
let noV1 = null;

before(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  const probe = await fetch(`${BASE}/v1/dialects`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  if (probe.status === 404) noV1 = 'GET /v1/dialects answered 404: the facade has no /v1 yet';
  profile = mkdtempSync(join(tmpdir(), 'userbridge-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // Every widget event, in order, for the tests to wait on.
  await context.addInitScript((names) => {
    window.__events = [];
    for (const name of names) document.addEventListener(name, (e) => window.__events.push([name, e.detail]));
  }, EVENTS);
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const unique = (prefix) => `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** The demo page with the widget in a given state; collects page errors and every request. */
async function open(query) {
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('request', (req) => requests.push(req));
  await page.goto(`${BASE}/?${new URLSearchParams(query)}`);
  await page.locator('user-edit[data-ready]').waitFor({ timeout: 15_000 });
  const ue = page.locator('user-edit');
  return { page, ue, errors, requests };
}

/** Waits for the next widget event after `count` earlier ones; returns `[name, detail]`. */
async function nextEvent(page, count) {
  await page.waitForFunction((n) => window.__events.length > n, count, { timeout: 15_000 });
  return page.evaluate((n) => window.__events[n], count);
}

const eventCount = (page) => page.evaluate(() => window.__events.length);

/** Submits with the form's button and returns the event that follows. */
async function submit(page, ue, name = /Create user|Save changes/) {
  const n = await eventCount(page);
  await ue.getByRole('button', { name }).click();
  return nextEvent(page, n);
}

/** The visible error text of the field anchored at `pointer` (null when hidden). */
async function fieldError(ue, pointer) {
  const line = ue.locator(`[data-for="${pointer}"] > .error, [data-for="${pointer}"] > p.error`).first();
  return (await line.isVisible()) ? line.textContent() : null;
}

/** POSTs a dialect body to /v1 directly (test setup), asserting 201. */
async function createViaApi(dialect, body) {
  const res = await fetch(`${BASE}/v1/users?dialect=${dialect}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, `${dialect} setup: ${await res.text()}`);
}

// What the form needs per dialect for a create, one update, and where the email sits.
const SCENARIOS = {
  learningcloud: {
    create: async (ue, u) => {
      await ue.getByLabel('Username').fill(u);
      await ue.getByLabel('First name').fill('Ana');
      await ue.getByLabel('Last name').fill('García');
      await ue.getByLabel('Language').fill('es');
      await ue.getByLabel('Time zone').fill('Europe/Madrid');
      await ue.getByLabel('Email').fill(`${u}@example.com`);
      await ue.locator('[data-for="/roles/management"]').getByLabel('User', { exact: true }).check();
    },
    change: (ue) => ue.getByLabel('Location').fill('Madrid HQ'),
    changed: (ue) => ue.getByLabel('Location'),
    expect: 'Madrid HQ',
  },
  publisher: {
    create: async (ue, u) => {
      await ue.getByLabel('First name').fill('Ana');
      await ue.getByLabel('Last name').fill('García');
      await ue.locator('[data-p="/user/email"]').fill(`${u}@example.com`);
    },
    change: (ue) => ue.getByLabel('Job title').fill('Architect'),
    changed: (ue) => ue.getByLabel('Job title'),
    expect: 'Architect',
    email: '/user/email',
    body: (email) => ({ user: { email, name: { firstname: 'Bo', lastname: 'Ek' } } }),
  },
  primavera: {
    create: async (ue, u) => {
      await ue.getByLabel('Company id').fill('7');
      await ue.getByLabel('Email').fill(`${u}@example.com`);
      await ue.getByLabel('First name').fill('Ana');
      await ue.getByLabel('Last name').fill('García');
      await ue.getByLabel('Office ids').fill('1, 2');
      await ue.getByLabel('Language').selectOption('es');
      await ue.getByLabel('PORTFOLIO').check();
    },
    change: (ue) => ue.getByLabel('Job title').fill('Controls Lead'),
    changed: (ue) => ue.getByLabel('Job title'),
    expect: 'Controls Lead',
    email: '/email',
    body: (email) => ({ companyId: 7, email, firstName: 'Bo', lastName: 'Ek', officeIds: [1], userLocale: 'en' }),
  },
  devicehive: {
    create: async (ue, u) => {
      await ue.getByLabel('Username').fill(u);
      await ue.getByLabel('Password').fill('s3cret-pass');
      await ue.getByLabel('Access').selectOption({ label: 'Client' });
    },
    change: (ue) => ue.getByLabel('Data').fill('{"theme": "dark"}'),
    changed: (ue) => ue.getByLabel('Data'),
    expect: '{"theme":"dark"}',
  },
  scim: {
    create: async (ue, u) => {
      await ue.getByLabel('Username').fill(u);
      await ue.locator('[data-for="/emails/0/value"]').getByLabel('Email').fill(`${u}@example.com`);
    },
    change: (ue) => ue.getByLabel('Display name', { exact: true }).fill('Ana G.'),
    changed: (ue) => ue.getByLabel('Display name', { exact: true }),
    expect: 'Ana G.',
    email: '/emails/0/value',
    body: (email) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: unique('dup'), emails: [{ value: email }] }),
  },
};

for (const dialect of DIALECTS) {
  test(`${dialect}: create through the widget, reload by id, update`, async (t) => {
    if (noV1) return t.skip(noV1);
    const scenario = SCENARIOS[dialect];
    const u = unique('w');
    const { page, ue, errors, requests } = await open({ dialect });
    await scenario.create(ue, u);
    const [created, saved] = await submit(page, ue, 'Create user');
    assert.equal(created, 'user-saved', JSON.stringify(saved));
    // The form switches to editing the new user: update fields, loaded from the facade.
    await ue.locator('form[data-op="update"]').waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => window.__events.some(([name]) => name === 'user-loaded'));
    const id = await ue.getAttribute('user-id');
    assert.match(id, /^\d+$/);
    assert.equal(await ue.locator('[role=status]').textContent(), 'Saved.');

    // Reload by id, in a fresh page: the stored user fills the update form.
    const again = await open({ dialect, 'user-id': id });
    const [loaded] = await nextEvent(again.page, 0);
    assert.equal(loaded, 'user-loaded');
    await scenario.change(again.ue);
    const [updated, detail] = await submit(again.page, again.ue, 'Save changes');
    assert.equal(updated, 'user-saved', JSON.stringify(detail));

    const third = await open({ dialect, 'user-id': id });
    await nextEvent(third.page, 0);
    assert.equal(await scenario.changed(third.ue).inputValue(), scenario.expect);

    // The token went to the endpoint (this origin, /v1) and nowhere else.
    for (const p of [page, again.page, third.page]) await p.close();
    const withToken = [...requests, ...again.requests, ...third.requests].filter((r) => r.headers().authorization);
    assert.ok(withToken.length >= 3);
    for (const r of withToken) {
      assert.equal(new URL(r.url()).origin, new URL(BASE).origin, r.url());
      assert.match(new URL(r.url()).pathname, /^\/v1\/users/);
      assert.equal(r.headers().authorization, `Bearer ${TOKEN}`);
    }
    assert.deepEqual([...errors, ...again.errors, ...third.errors], []);
  });
}

// SCIM emails have uniqueness "none" (RFC 7643): there a shared address is saved (below).
for (const dialect of ['primavera', 'publisher']) {
  test(`${dialect}: a duplicate email from the server lands on the email field`, async (t) => {
    if (noV1) return t.skip(noV1);
    const scenario = SCENARIOS[dialect];
    const u = unique('d');
    const email = `${u}@example.com`;
    await createViaApi(dialect, scenario.body(email));
    const { page, ue } = await open({ dialect });
    await scenario.create(ue, u); // the same address: the scenarios derive it from `u`
    const [name, problem] = await submit(page, ue, 'Create user');
    assert.equal(name, 'user-error');
    assert.equal(problem.status, 409);
    assert.deepEqual(problem.errors.map((e) => [e.pointer, e.code]), [[scenario.email, 'duplicate']]);
    assert.equal(await fieldError(ue, scenario.email), 'This value is already taken.');
    const input = ue.locator(`[data-p="${scenario.email}"]`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.match(await ue.locator('.summary').textContent(), /Duplicate value/);
    // Input is kept; editing the field clears the server's error.
    assert.equal(await input.inputValue(), email);
    await input.fill(`other.${email}`);
    assert.equal(await fieldError(ue, scenario.email), null);
    await page.close();
  });
}

test('scim: an email address another user holds is saved (shared mailboxes)', async (t) => {
  if (noV1) return t.skip(noV1);
  const scenario = SCENARIOS.scim;
  const u = unique('d');
  await createViaApi('scim', scenario.body(`${u}@example.com`));
  const { page, ue } = await open({ dialect: 'scim' });
  await scenario.create(ue, u);
  const [name, detail] = await submit(page, ue, 'Create user');
  assert.equal(name, 'user-saved', JSON.stringify(detail));
  await page.close();
});

test('a client-side error appears on leaving the field and clears when fixed', async () => {
  const { page, ue, errors } = await open({ dialect: 'primavera' });
  const email = ue.getByLabel('Email');
  await email.fill('not-an-email');
  assert.equal(await fieldError(ue, '/email'), null, 'not while typing the first time');
  await email.press('Tab');
  assert.equal(await fieldError(ue, '/email'), 'Enter a valid email address.');
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  const describedBy = await email.getAttribute('aria-describedby');
  assert.equal(await ue.locator(`[id="${describedBy}"]`).textContent(), 'Enter a valid email address.');
  await email.fill('ana@example.com');
  assert.equal(await fieldError(ue, '/email'), null);
  assert.equal(await email.getAttribute('aria-invalid'), null);
  // Spanish, from the same core code.
  await page.evaluate(() => { document.querySelector('user-edit').lang = 'es'; });
  await ue.getByLabel('Correo electrónico').fill('no');
  await ue.getByLabel('Correo electrónico').press('Tab');
  assert.equal(await fieldError(ue, '/email'), 'Introduce una dirección de correo válida.');
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard only: the summary links to the field, Enter submits, the user is saved', async (t) => {
  if (noV1) return t.skip(noV1);
  const { page, ue } = await open({ dialect: 'devicehive' });
  const focusedPointer = () => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.dataset?.p ?? null);
  // Tab from the top of the page into the form.
  await page.locator('body').focus();
  for (let i = 0; i < 20 && (await focusedPointer()) !== '/login'; i++) await page.keyboard.press('Tab');
  assert.equal(await focusedPointer(), '/login');
  // Enter in an empty form: the summary takes focus, its first link leads to the field.
  await page.keyboard.press('Enter');
  const [invalid, report] = await nextEvent(page, 0);
  assert.equal(invalid, 'user-invalid');
  assert.deepEqual(report.errors.map((e) => e.pointer), ['/login', '/password', '/role']);
  const focusedClass = () => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.className ?? null);
  assert.equal(await focusedClass(), 'summary');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal(await focusedPointer(), '/login');
  await page.keyboard.type(unique('kb'));
  await page.keyboard.press('Tab');
  assert.equal(await focusedPointer(), '/password');
  await page.keyboard.type('s3cret-pass');
  await page.keyboard.press('Tab');
  assert.equal(await focusedPointer(), '/role');
  await page.keyboard.press('ArrowDown'); // Administrator
  assert.equal(await ue.getByLabel('Access').inputValue(), '0');
  // Tab to the submit button and press Enter.
  for (let i = 0; i < 10 && (await focusedClass()) !== 'submit'; i++) await page.keyboard.press('Tab');
  assert.equal(await focusedClass(), 'submit');
  const n = await eventCount(page);
  await page.keyboard.press('Enter');
  const [saved, user] = await nextEvent(page, n);
  assert.equal(saved, 'user-saved', JSON.stringify(user));
  await page.close();
});

test('while saving submit is disabled; a network failure is announced and input kept', async () => {
  const { page, ue } = await open({ dialect: 'devicehive' });
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/v1/users**', async (route) => {
    await held;
    await route.abort('connectionrefused');
  });
  await SCENARIOS.devicehive.create(ue, 'offline.user');
  const n = await eventCount(page);
  await ue.getByRole('button', { name: 'Create user' }).click();
  const button = ue.getByRole('button', { name: 'Create user' });
  await page.waitForFunction(() => document.querySelector('user-edit').shadowRoot.querySelector('.submit').getAttribute('aria-disabled') === 'true');
  assert.equal(await ue.locator('[role=status]').textContent(), 'Saving…');
  await button.click({ force: true }); // ignored while saving (aria-disabled keeps it focusable)
  release();
  const [name, problem] = await nextEvent(page, n);
  assert.equal(name, 'user-error');
  assert.equal(problem.status, 0);
  assert.equal(await eventCount(page), n + 1, 'one request, one outcome');
  assert.match(await ue.locator('.summary').textContent(), /^Could not reach the server\./);
  assert.equal(await button.getAttribute('aria-disabled'), null);
  assert.equal(await ue.getByLabel('Username').inputValue(), 'offline.user');
  assert.equal(await ue.getByLabel('Password').inputValue(), 's3cret-pass');
  await page.close();
});

test('axe-core finds no violations, empty and with errors, and each dialect is screenshot', async () => {
  for (const dialect of DIALECTS) {
    const { page, ue } = await open({ dialect });
    await page.addScriptTag({ path: AXE });
    const clean = await page.evaluate(() => window.axe.run(document));
    assert.deepEqual(clean.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `${dialect} (empty)`);
    await ue.screenshot({ path: join(OUTPUT, `widget-${dialect}.png`) });
    // The error state: summary, aria-invalid fields, error lines.
    await ue.getByRole('button', { name: 'Create user' }).click();
    await ue.locator('.summary:not([hidden])').waitFor();
    const errors = await page.evaluate(() => window.axe.run(document));
    assert.deepEqual(errors.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `${dialect} (errors)`);
    if (dialect === 'primavera') await ue.screenshot({ path: join(OUTPUT, 'widget-primavera-errors.png') });
    await page.close();
  }
});
