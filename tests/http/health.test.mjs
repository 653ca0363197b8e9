// HTTP integration tests against a running Worker (`cargo xtask test` starts `wrangler dev` with a
// fresh local D1 and sets USERBRIDGE_URL). Run alone: USERBRIDGE_URL=http://127.0.0.1:8787 node --test tests/http/
import { test } from 'node:test';
import assert from 'node:assert/strict';

const BASE = process.env.USERBRIDGE_URL;
if (!BASE) throw new Error('USERBRIDGE_URL is not set (e.g. http://127.0.0.1:8787)');

test('GET /health answers 200 with status, version and a working D1', async () => {
  const res = await fetch(`${BASE}/health`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = await res.json();
  assert.equal(body.status, 'ok');
  assert.match(body.version, /^\d+\.\d+\.\d+/);
  // `db: ok` means a query through the DB binding read the table the first migration creates.
  assert.equal(body.db, 'ok');
});

test('an unknown path answers 404', async () => {
  const res = await fetch(`${BASE}/no-such-route`);
  assert.equal(res.status, 404);
  await res.arrayBuffer();
});

test('the demo page and the widget are served as static assets', async () => {
  const page = await fetch(`${BASE}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const html = await page.text();
  assert.match(html, /<user-edit\b[^>]*\bdialect="learningcloud"/);
  assert.match(html, /<script type="module" src="\/userbridge.js">/);

  const loader = await fetch(`${BASE}/userbridge.js`);
  assert.equal(loader.status, 200);
  assert.match(loader.headers.get('content-type') ?? '', /javascript/);
  await loader.arrayBuffer();

  const wasm = await fetch(`${BASE}/pkg/userbridge_widget_bg.wasm`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  const bytes = new Uint8Array(await wasm.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'wasm magic number');
});
