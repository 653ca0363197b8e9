// Browser end-to-end: the demo page, served by the Worker's assets, loads the Rust widget and
// <user-edit> renders its form into an open shadow root. Debian's Chromium driven by
// playwright-core (never a browser download); a fresh profile per run. Screenshots go to
// tests/output/. The widget's behaviour against the facade is in widget.test.mjs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = process.env.USERBRIDGE_URL;
if (!BASE) throw new Error('USERBRIDGE_URL is not set (e.g. http://127.0.0.1:8787)');
const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'output');

let profile;
let context;

before(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), 'userbridge-chromium-'));
  // `--user-data-dir` in launch() args is refused: a persistent context takes the directory.
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
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Opens the demo page and collects page errors and console errors. */
async function openDemo(query = '') {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(`${BASE}/${query}`);
  await page.locator('user-edit[data-ready]').waitFor({ timeout: 15_000 });
  return { page, errors };
}

test('the demo page renders the <user-edit> form into an open shadow root', async () => {
  const { page, errors } = await openDemo();
  const rendered = await page.evaluate(() => {
    const root = document.querySelector('user-edit')?.shadowRoot;
    return {
      mode: root?.mode,
      title: root?.querySelector('h2')?.firstChild?.textContent,
      dialect: root?.querySelector('form')?.dataset.dialect,
      op: root?.querySelector('form')?.dataset.op,
      innerHTMLUsed: root?.querySelector('script, img, iframe') !== null,
    };
  });
  assert.deepEqual(rendered, { mode: 'open', title: 'Create user ', dialect: 'learningcloud', op: 'create', innerHTMLUsed: false });
  // Playwright's locators pierce open shadow roots: what a user sees, not only the DOM.
  assert.equal(await page.locator('user-edit').getByRole('button', { name: 'Create user' }).isVisible(), true);
  await page.screenshot({ path: join(OUTPUT, 'demo.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('changing the dialect attribute re-renders the form from Rust', async () => {
  const { page, errors } = await openDemo();
  await page.evaluate(() => document.querySelector('user-edit').setAttribute('dialect', 'scim'));
  await page.locator('user-edit form[data-dialect="scim"]').waitFor({ timeout: 5_000 });
  const forms = await page.evaluate(() => document.querySelector('user-edit').shadowRoot.querySelectorAll('form').length);
  assert.equal(forms, 1);
  assert.equal(await page.locator('user-edit').getByLabel('Username').count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page exports the JS API and the widget version', async () => {
  const { page } = await openDemo();
  const out = await page.evaluate(async () => {
    const ub = await import('/userbridge.js');
    return {
      version: ub.version(),
      dialects: ub.dialects(),
      report: ub.validate('primavera', 'update', '{"email": 1,}'),
      translated: await ub.translate('devicehive', 'scim', 'create', { login: 'jane.doe', password: 'secret1', role: 1 }),
      // schema() loads the API module on first use, like translate(): a Promise.
      schema: await ub.schema('devicehive', 'create'),
      misuse: await ub.schema('ldap', 'create').then(() => 'resolved', (e) => `${e.name}: ${e.message}`),
    };
  });
  assert.equal(out.schema.type, 'object');
  assert.ok(out.schema.required.includes('login'), JSON.stringify(out.schema.required));
  assert.match(out.misuse, /^Error: .*ldap/);
  assert.match(out.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(out.dialects, ['learningcloud', 'publisher', 'primavera', 'devicehive', 'scim']);
  assert.equal(out.report.valid, false);
  assert.equal(out.report.errors[0].code, 'syntax');
  assert.equal(out.translated.valid, true);
  assert.equal(out.translated.body.userName, 'jane.doe');
  await page.close();
});

test('the demo playground shows a report and a translation', async () => {
  const { page, errors } = await openDemo();
  await page.getByRole('button', { name: 'Validate' }).click();
  const report = JSON.parse(await page.locator('#result').textContent());
  assert.equal(report.valid, false);
  assert.deepEqual(report.errors.map((e) => [e.pointer, e.code]), [['/title', 'too_long'], ['/userId', 'required']]);
  assert.deepEqual(report.ignored, ['/nickname']);
  await page.locator('#payload').fill('{"userId": 7, "email": "ana@example.com", "firstName": "Ana", "lastName": "García"}');
  await page.getByRole('button', { name: 'Translate' }).click();
  await page.locator('#result').filter({ hasText: '"body"' }).waitFor({ timeout: 10_000 });
  const translated = JSON.parse(await page.locator('#result').textContent());
  assert.equal(translated.valid, true);
  assert.equal(translated.body.name.givenName, 'Ana');
  assert.deepEqual(errors, []);
  await page.close();
});
