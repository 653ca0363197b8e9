// Speed from Node: userbridge's `validate` (wasm, the API module) against ajv 8 on the same
// payloads, in the same process. ajv gets the JSON Schema the core exports
// (`schema(dialect, 'update')`), compiled to standalone code, with every error collected
// (`allErrors`, as the core reports every violation) and regex formats for email and uri.
// The core checks more than JSON Schema can say (time zones, locales, role sections, one-of
// rules), so ajv does less work per call: the ratio is what that extra checking costs, or saves.
//
// Run by `cargo xtask bench` (Node 22 from node_modules/.bin); standalone:
//   node_modules/.bin/node tests/bench/validate.mjs [milliseconds per measurement]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv2020 from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { initSync, schema, validate } from '../../www/pkg/userbridge_api.js';

initSync({ module: readFileSync(new URL('../../www/pkg/userbridge_api_bg.wasm', import.meta.url)) });

const DIALECTS = ['learningcloud', 'publisher', 'primavera', 'devicehive', 'scim'];
const MS = Number(process.argv[2] ?? 1000);

/** Calls per second of `fn`, after a warm-up: batches until `ms` have passed, best of 3. */
function rate(fn, ms = MS) {
  const until = performance.now() + ms / 4;
  while (performance.now() < until) for (let i = 0; i < 100; i++) fn();
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      for (let i = 0; i < 200; i++) fn();
      calls += 200;
      elapsed = performance.now() - start;
    } while (elapsed < ms / 3);
    best = Math.max(best, (calls * 1000) / elapsed);
  }
  return best;
}

/**
 * ajv's standalone validator for a schema. The generated CommonJS module requires ajv's small
 * runtime helpers (`ucs2length`), resolved from this repository's node_modules.
 */
const require = createRequire(import.meta.url);
function standalone(jsonSchema) {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    code: { source: true },
    formats: { email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, uri: /^https?:\/\/[^\s]+$/ },
  });
  const module = { exports: {} };
  new Function('require', 'module', 'exports', standaloneCode(ajv, ajv.compile(jsonSchema)))(require, module, module.exports);
  return module.exports;
}

const rows = [];
for (const dialect of DIALECTS) {
  const text = readFileSync(new URL(`../../crates/core/tests/fixtures/${dialect}/update.json`, import.meta.url), 'utf8');
  const payload = JSON.parse(text);
  const report = validate(dialect, 'update', payload);
  const ajvValidate = standalone(schema(dialect, 'update'));
  if (!report.valid || !ajvValidate(payload)) {
    throw new Error(`${dialect}: the fixture must be valid for both (${JSON.stringify(report.errors)} / ${JSON.stringify(ajvValidate.errors)})`);
  }
  rows.push({
    dialect,
    bytes: text.length,
    object: rate(() => validate(dialect, 'update', payload)),
    string: rate(() => validate(dialect, 'update', text)),
    ajv: rate(() => ajvValidate(payload)),
  });
}

const k = (n) => `${(n / 1000).toFixed(1)} k/s`.padStart(11);
console.log(`validate(dialect, 'update', fixture) from Node ${process.version}, calls per second (best of 3)`);
console.log(`${'dialect'.padEnd(14)} ${'bytes'.padStart(6)} ${'userbridge'.padStart(11)} ${'(as string)'.padStart(11)} ${'ajv'.padStart(11)} ${'ajv ÷ ub'.padStart(9)}`);
for (const r of rows) {
  console.log(`${r.dialect.padEnd(14)} ${String(r.bytes).padStart(6)} ${k(r.object)} ${k(r.string)} ${k(r.ajv)} ${(r.ajv / r.object).toFixed(1).padStart(8)}×`);
}
