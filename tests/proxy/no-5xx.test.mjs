// The no-5xx fuzz of tests/http, against the Worker in proxy mode: the same seeded requests and
// WebSocket frames go through translation to the upstream and back.
import '../http/no-5xx.test.mjs';
