-- bench/cookie.lua -- wrk script: send the session cookie with every request.
-- The cookie ("lx_session=...") comes from the environment variable LX_COOKIE,
-- set by bench/lib.sh run_wrk; when it is empty (nginx runs) nothing is added.
local cookie = os.getenv("LX_COOKIE")
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end
