-- wrk script: SCIM create (POST /scim/v2/Users) with a unique userName and email per request, as
-- an identity provider provisions users. BENCH_RUN makes them unique across runs.
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local token = os.getenv("BENCH_TOKEN") or "dev-admin-token"
local headers = { ["Content-Type"] = "application/scim+json", ["Authorization"] = "Bearer " .. token }
local threads = 0
local counter = 0

setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

request = function()
  counter = counter + 1
  local name = string.format("scim-%s-%d-%d", run, tid or 0, counter)
  local body = string.format(
    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s",'
      .. '"name":{"givenName":"Bench","familyName":"Mark"},"emails":[{"value":"%s@example.org","primary":true}]}',
    name, name)
  return wrk.format("POST", "/scim/v2/Users", headers, body)
end
