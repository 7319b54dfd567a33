-- wrk: POST the bench body, rotating over the funded keys (keys.txt next to the body)
local keys = {}
local i = 0
local body
function init(args)
  local f = io.open(args[1], "r"); body = f:read("*a"); f:close()
  for line in io.lines(args[2]) do keys[#keys + 1] = line end
end
function request()
  i = i + 1
  local headers = { ["content-type"] = "application/json", ["authorization"] = "Bearer " .. keys[(i % #keys) + 1] }
  return wrk.format("POST", nil, headers, body)
end
