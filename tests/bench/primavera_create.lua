-- wrk script: primavera create (POST /api/restapi/user) with a unique email per request (emails are
-- unique in the store). BENCH_RUN makes them unique across runs against the same database; each
-- wrk thread gets its own number, so any -t works.
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local token = os.getenv("BENCH_TOKEN") or "dev-admin-token"
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
local threads = 0
local counter = 0

setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

request = function()
  counter = counter + 1
  local body = string.format(
    '{"companyId":1,"email":"bench-%s-%d-%d@example.org","firstName":"Bench","lastName":"Mark",'
      .. '"officeIds":[1],"userLocale":"en","productNames":["TASKS"]}',
    run, tid or 0, counter)
  return wrk.format("POST", "/api/restapi/user", headers, body)
end
