-- Runs one of Argo CD's resource Lua scripts (a health check, an action or the action discovery)
-- the way Argo CD does: the object as the global `obj`, the script's return value printed as JSON.
-- Usage: lua5.1 argocd-driver.lua <script.lua> < object.json
local cjson = require("cjson")

-- JSON null is nil to the scripts, as in Argo CD's conversion of the object.
local function dropNulls(value)
  if type(value) ~= "table" then return value end
  for k, v in pairs(value) do
    if v == cjson.null then value[k] = nil else dropNulls(v) end
  end
  return value
end

obj = dropNulls(cjson.decode(io.read("*a")))
local script = assert(loadfile(arg[1]))
local result = script()
io.write(cjson.encode(result))
