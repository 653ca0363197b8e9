// The proxy bench's reference: about the least a Worker can do between a caller and an upstream —
// send the request on as it came (method, headers, body), answer with the upstream's status and
// body, and write one log line as the facade does (under `wrangler dev` a console line costs a few
// ms of its own) — under the same `wrangler dev` as the facade. The facade in proxy mode against
// this is the cost of what it adds (validation, translation, identity mapping), apart from the
// cost of the hop itself.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const answer = await fetch(`${env.UPSTREAM_URL}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    const type = answer.headers.get('Content-Type') ?? 'text/plain';
    console.log(JSON.stringify({ method: request.method, path: url.pathname, status: answer.status }));
    return new Response(await answer.arrayBuffer(), { status: answer.status, headers: { 'Content-Type': type } });
  },
};
