// Browser end-to-end: the demo page, served by the Worker's assets, loads the Rust widget and
// <user-edit> renders into its shadow root. Debian's Chromium driven by playwright-core (never a
// browser download); a fresh profile per run. Screenshots go to tests/output/.
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
async function openDemo() {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(`${BASE}/`);
  await page.locator('user-edit[data-ready]').waitFor({ timeout: 15_000 });
  return { page, errors };
}

test('the demo page renders <user-edit> into an open shadow root', async () => {
  const { page, errors } = await openDemo();
  const rendered = await page.evaluate(() => {
    const el = document.querySelector('user-edit');
    const root = el?.shadowRoot;
    return {
      mode: root?.mode,
      title: root?.querySelector('h2')?.textContent,
      dialect: root?.querySelector('[data-dialect]')?.textContent,
    };
  });
  assert.deepEqual(rendered, {
    mode: 'open',
    title: 'Edit user',
    dialect: 'Dialect: learningcloud',
  });
  // Playwright's locators pierce open shadow roots: what a user sees, not only the DOM.
  assert.equal(await page.locator('user-edit h2').isVisible(), true);
  await page.screenshot({ path: join(OUTPUT, 'demo.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('changing the dialect attribute re-renders from Rust', async () => {
  const { page, errors } = await openDemo();
  await page.evaluate(() => document.querySelector('user-edit').setAttribute('dialect', 'scim'));
  await page.locator('user-edit [data-dialect="scim"]').waitFor({ timeout: 5_000 });
  const sections = await page.evaluate(
    () => document.querySelector('user-edit').shadowRoot.querySelectorAll('section').length,
  );
  assert.equal(sections, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the widget reports its version to the page', async () => {
  const { page } = await openDemo();
  const version = await page.evaluate(async () => (await import('/userbridge.js')).version());
  assert.match(version, /^\d+\.\d+\.\d+/);
  await page.close();
});
