// Time from page load to an interactive <user-edit> form, in headless Chromium on loopback
// (Debian's chromium, driven by playwright-core). "Interactive" is the moment the element has
// rendered its form (the `data-ready` attribute, set after the wasm module is instantiated and
// the shadow tree built; its listeners are attached in the same task), measured in the page as
// `performance.now()` (milliseconds since navigation start).
//
// Run by `cargo xtask bench` against a `wrangler dev` it starts; standalone:
//   USERBRIDGE_URL=http://127.0.0.1:8787 node_modules/.bin/node tests/bench/load.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.USERBRIDGE_URL;
if (!BASE) throw new Error('USERBRIDGE_URL is not set');
const RUNS = Number(process.env.RUNS ?? 15);

const profile = mkdtempSync(join(tmpdir(), 'userbridge-load-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
await context.addInitScript(() => {
  new MutationObserver((_, observer) => {
    if (document.querySelector('user-edit[data-ready]')) {
      window.__ready = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
});

/** One load of `query`: ms to the interactive form, and to DOMContentLoaded for reference. */
async function load(page, query, cache) {
  if (!cache) await page.context().clearCookies();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache });
  await page.goto(`${BASE}/${query}`);
  await page.waitForFunction(() => window.__ready !== undefined, null, { timeout: 15_000 });
  const t = await page.evaluate(() => ({
    ready: window.__ready,
    dcl: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN,
  }));
  await cdp.detach();
  return t;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`page load → interactive <user-edit>, headless Chromium, loopback, ${RUNS} runs each (ms; median [min–max])`);
console.log(`${'page'.padEnd(22)} ${'cache'.padEnd(8)} ${'interactive'.padStart(24)} ${'DOMContentLoaded'.padStart(24)}`);
try {
  const page = await context.newPage();
  for (const query of ['', '?dialect=scim']) {
    for (const cache of [false, true]) {
      const runs = [];
      await load(page, query, cache); // warm-up: compile caches, connection
      for (let i = 0; i < RUNS; i++) runs.push(await load(page, query, cache));
      const fmt = (key) => {
        const xs = runs.map((r) => r[key]);
        return `${median(xs).toFixed(1)} [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`.padStart(24);
      };
      console.log(`${('/' + query).padEnd(22)} ${(cache ? 'warm' : 'disabled').padEnd(8)} ${fmt('ready')} ${fmt('dcl')}`);
    }
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
