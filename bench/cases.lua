-- bench/cases.lua -- wrk script: open cases through the API (POST /api/v1/cases), logged in
-- (session cookie LX_COOKIE, CSRF token LX_CSRF), one case a request, round robin over the
-- villages LX_NODES ("12,13,14"), as a reception desk would.
local nodes = {}
for id in string.gmatch(os.getenv("LX_NODES") or "", "%d+") do
  nodes[#nodes + 1] = id
end
local cats = { "water", "roads", "medical", "employment", "elderly_care", "housing", "other" }
local n = 0

wrk.method = "POST"
wrk.headers["Cookie"] = os.getenv("LX_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("LX_CSRF")
wrk.headers["Content-Type"] = "application/json"

request = function()
  n = n + 1
  return wrk.format(nil, nil, nil,
    '{"channel":"reception","category":"' .. cats[(n % #cats) + 1] .. '","node_id":' ..
    nodes[(n % #nodes) + 1] .. ',"text":"压测：群众来访反映村道路灯损坏，夜间出行不便，请求维修"}')
end
