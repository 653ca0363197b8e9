-- wrk script: SCIM filtered list (GET /scim/v2/Users?filter=userName eq "…"), the lookup every
-- identity provider makes before provisioning. The user is one `cargo xtask bench` created.
local base = os.getenv("BENCH_USERNAME") or "bench-user"
local token = os.getenv("BENCH_TOKEN") or "dev-admin-token"

wrk.method = "GET"
wrk.path = "/scim/v2/Users?filter=" .. string.format("userName%%20eq%%20%%22%s-0%%22", base)
wrk.headers["Authorization"] = "Bearer " .. token
