-- wrk script: DeviceHive get (GET /api/rest/user/{id}) with an access JWT, as a DeviceHive client
-- reads a user. `cargo xtask bench` logs in as the bootstrap admin, creates the user and passes
-- BENCH_DH_ID and BENCH_DH_TOKEN.
local id = os.getenv("BENCH_DH_ID") or "1"
local token = os.getenv("BENCH_DH_TOKEN") or ""

wrk.method = "GET"
wrk.path = "/api/rest/user/" .. id
wrk.headers["Authorization"] = "Bearer " .. token
