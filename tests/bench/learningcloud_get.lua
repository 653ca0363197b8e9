-- wrk script: learningcloud get (GET …/users/{username}), rotating over the BENCH_USERS users that
-- `cargo xtask bench` created (BENCH_USERNAME-0 … -(n-1)).
local base = os.getenv("BENCH_USERNAME") or "bench-user"
local users = tonumber(os.getenv("BENCH_USERS") or "1")
local headers = { ["X-Cloud-Auth-Token"] = os.getenv("BENCH_TOKEN") or "dev-admin-token" }
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", string.format("/integration/ws/management/rest/users/%s-%d", base, counter % users), headers)
end
