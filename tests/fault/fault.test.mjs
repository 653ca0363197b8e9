// The forced fault: a panic answers 500 once and the next request works (workers-rs 0.8
// re-initialises the Wasm instance after a panic). Runs alone, after every other live test: a
// panic fails every request in flight in the instance. The route exists only with
// ENVIRONMENT=development and USERBRIDGE_FAULT_INJECTION=1 (cargo xtask test sets both).
import { test } from 'node:test';
import assert from 'node:assert/strict';

const BASE = process.env.USERBRIDGE_URL;
if (!BASE) throw new Error('USERBRIDGE_URL is not set');
const BEARER = { Authorization: `Bearer ${process.env.USERBRIDGE_ADMIN_TOKEN ?? 'dev-admin-token'}` };

test('a panic answers 500, and the Worker answers the next requests normally', async () => {
  for (let round = 0; round < 2; round++) {
    const fault = await fetch(`${BASE}/__fault/panic`);
    await fault.arrayBuffer();
    assert.equal(fault.status, 500, `round ${round}`);
    const health = await fetch(`${BASE}/health`);
    assert.equal(health.status, 200, `round ${round}: the next request works`);
    assert.equal((await health.json()).db, 'ok');
    const users = await fetch(`${BASE}/v1/users?limit=1`, { headers: BEARER });
    assert.equal(users.status, 200, `round ${round}: authenticated routes work too`);
    await users.arrayBuffer();
  }
});
