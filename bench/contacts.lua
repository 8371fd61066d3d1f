-- bench/contacts.lua -- wrk script: record contacts through the API (POST /api/v1/contacts),
-- logged in (session cookie LX_COOKIE, CSRF token LX_CSRF), one visit per request, round robin
-- over the member's households LX_HOUSEHOLDS ("12,13,14"), happened at LX_WHEN.
local households = {}
for id in string.gmatch(os.getenv("LX_HOUSEHOLDS") or "", "%d+") do
  households[#households + 1] = id
end
local when = os.getenv("LX_WHEN")
local n = 0

wrk.method = "POST"
wrk.headers["Cookie"] = os.getenv("LX_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("LX_CSRF")
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
  thread:set("offset", math.random(1, 1000))
end

request = function()
  n = n + 1
  local h = households[(n % #households) + 1]
  return wrk.format(nil, nil, nil,
    '{"kind":"visit","happened_at":"' .. when .. '","household_ids":[' .. h .. '],' ..
    '"notes":"压测：入户走访，了解家庭近况，宣传惠民政策"}')
end
