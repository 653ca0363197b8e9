// Speed from Node: userbridge's `validate` (wasm, the API module) against ajv 8 on the same
// payloads, in the same process. ajv gets the JSON Schema the core exports
// (`schema(dialect, 'update')`), compiled once with every error collected (`allErrors`, as the
// core reports every violation) and ajv-formats' formats (email, uri…).
//
// Two fair comparisons, each on every dialect's update fixture (valid) and on an invalid payload
// per dialect with 3+ errors:
// * JSON text in: `JSON.parse(text)` + ajv, against userbridge `validate(d, 'update', text)`
//   (ajv cannot read text: a caller holding JSON text pays for the parse);
// * object in: ajv on the object, against userbridge `validate(d, 'update', object)` (the object
//   crosses into wasm; ajv validates it in place).
// The ratio is userbridge's calls per second ÷ the reference's (≥ 1 means userbridge is faster).
// The core checks more than JSON Schema can say (time zones, locales, role sections, one-of
// rules), so ajv does less work per call.
//
// Run by `cargo xtask bench` (Node 22 from node_modules/.bin); standalone:
//   node_modules/.bin/node tests/bench/validate.mjs [milliseconds per measurement]
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { initSync, schema, validate } from '../../www/pkg/userbridge_api.js';

initSync({ module: readFileSync(new URL('../../www/pkg/userbridge_api_bg.wasm', import.meta.url)) });

const DIALECTS = ['learningcloud', 'publisher', 'primavera', 'devicehive', 'scim'];
const MS = Number(process.argv[2] ?? 1000);
/** The validation-speed goals (docs/benchmarks.md): text in ≥ 1.0× (JSON.parse + ajv), object in ≥ 0.25× ajv. */
const GOAL_TEXT = 1.0;
const GOAL_OBJECT = 0.25;

/**
 * Invalid variants of each update fixture: three or more violations that both validators see
 * (too long, wrong type, bad format, value outside an enumeration).
 */
const INVALID = {
  learningcloud: (b) => ({ ...b, timezone: 'Mars/Olympus', email: 'not-an-email', enabled: 'yes', image: { ...b.image, mimeType: 'text/plain' } }),
  publisher: (b) => ({ user: { ...b.user, email: 'not-an-email', status: 'sleeping', id: 'three', img: 'not a url' } }),
  primavera: (b) => ({ ...b, email: 'not-an-email', title: 'x'.repeat(26), status: 'SLEEPING', userId: '4321' }),
  devicehive: (b) => ({ ...b, login: 'a', role: 5, status: 'on', introReviewed: 'yes' }),
  scim: (b) => ({ ...b, userName: 42, active: 'yes', emails: [{ ...b.emails[0], value: 'not-an-email', primary: 'yes' }] }),
};

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

function compile(jsonSchema) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(jsonSchema);
}

const rows = [];
for (const dialect of DIALECTS) {
  const fixture = readFileSync(new URL(`../../crates/core/tests/fixtures/${dialect}/update.json`, import.meta.url), 'utf8');
  const ajvValidate = compile(schema(dialect, 'update'));
  const cases = [
    ['valid', fixture],
    ['invalid', JSON.stringify(INVALID[dialect](JSON.parse(fixture)), null, 2)],
  ];
  for (const [kind, text] of cases) {
    const payload = JSON.parse(text);
    const report = validate(dialect, 'update', payload);
    const ajvValid = ajvValidate(payload);
    const ajvErrors = ajvValidate.errors?.length ?? 0;
    const fromText = validate(dialect, 'update', text);
    if (JSON.stringify(fromText) !== JSON.stringify(report)) {
      throw new Error(`${dialect} ${kind}: the text and the object give different reports`);
    }
    if (kind === 'valid' ? !report.valid || !ajvValid : report.errors.length < 3 || ajvValid) {
      throw new Error(`${dialect} ${kind}: ${JSON.stringify(report.errors)} / ${JSON.stringify(ajvValidate.errors)}`);
    }
    rows.push({
      dialect,
      kind,
      bytes: Buffer.byteLength(text),
      errors: `${report.errors.length}/${ajvErrors}`,
      ubText: rate(() => validate(dialect, 'update', text)),
      ajvText: rate(() => ajvValidate(JSON.parse(text))),
      ubObject: rate(() => validate(dialect, 'update', payload)),
      ajvObject: rate(() => ajvValidate(payload)),
    });
  }
}

const k = (n) => `${(n / 1000).toFixed(1)} k/s`.padStart(11);
const x = (n) => `${n.toFixed(2)}×`.padStart(7);
console.log(`validate(dialect, 'update', payload) from Node ${process.version}: calls per second (best of 3), one run`);
console.log('ratio = userbridge ÷ reference; errors = userbridge/ajv');
console.log(
  `${'dialect'.padEnd(14)} ${'payload'.padEnd(8)} ${'bytes'.padStart(5)} ${'errors'.padStart(6)} │` +
    ` ${'ub(text)'.padStart(11)} ${'parse+ajv'.padStart(11)} ${'ratio'.padStart(7)} │` +
    ` ${'ub(object)'.padStart(11)} ${'ajv(object)'.padStart(11)} ${'ratio'.padStart(7)}`,
);
for (const r of rows) {
  console.log(
    `${r.dialect.padEnd(14)} ${r.kind.padEnd(8)} ${String(r.bytes).padStart(5)} ${r.errors.padStart(6)} │` +
      ` ${k(r.ubText)} ${k(r.ajvText)} ${x(r.ubText / r.ajvText)} │` +
      ` ${k(r.ubObject)} ${k(r.ajvObject)} ${x(r.ubObject / r.ajvObject)}`,
  );
}
const worst = (key) => Math.min(...rows.map((r) => key(r)));
const textWorst = worst((r) => r.ubText / r.ajvText);
const objectWorst = worst((r) => r.ubObject / r.ajvObject);
const verdict = (v, goal) => (v >= goal ? 'met' : 'not met');
console.log(`goal JSON text in ≥ ${GOAL_TEXT.toFixed(2)}× (JSON.parse + ajv) on every row: ${verdict(textWorst, GOAL_TEXT)} (lowest ${textWorst.toFixed(3)}×)`);
console.log(`goal object in ≥ ${GOAL_OBJECT.toFixed(2)}× ajv on every row: ${verdict(objectWorst, GOAL_OBJECT)} (lowest ${objectWorst.toFixed(3)}×)`);
