-- GET /{token} over the benchmark's tokens (one a line in $TOKENS), with a phone's user agent.
local file = os.getenv("TOKENS")
tokens = {}
for line in io.lines(file) do if #line > 0 then tokens[#tokens + 1] = line end end
wrk.headers["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
local i = 0
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", "/" .. tokens[i])
end
