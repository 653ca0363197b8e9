-- wrk script: learningcloud update (PUT …/users/{username}), a full body that changes `interests`
-- on every request (a real write each time). `cargo xtask bench` creates BENCH_USERS users named
-- BENCH_USERNAME-0 … -(n-1) and the requests rotate over them, so 16 connections do not all
-- rewrite one row (that measures optimistic-concurrency conflicts, which the HTTP tests cover).
local base = os.getenv("BENCH_USERNAME") or "bench-user"
local users = tonumber(os.getenv("BENCH_USERS") or "1")
local token = os.getenv("BENCH_TOKEN") or "dev-admin-token"
local headers = {
  ["Content-Type"] = "application/json",
  ["X-Cloud-Auth-Token"] = token,
}
local counter = 0

request = function()
  counter = counter + 1
  local username = string.format("%s-%d", base, counter % users)
  local body = string.format(
    '{"username":"%s","name":"Bench","surname":"Mark","language":"en","timezone":"Europe/London",'
      .. '"email":"%s@example.org","officePhone":"+44 20 0000","interests":"run %d",'
      .. '"roles":{"management":["user"]}}',
    username, username, counter)
  return wrk.format("PUT", "/integration/ws/management/rest/users/" .. username, headers, body)
end
