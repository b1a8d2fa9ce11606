-- 50 different filters in turn: status x project manager x kind, year, client.
local statuses = {5, 6, 7, 8, 9, 10, 11, 16}
local i = 0
request = function()
  i = i + 1
  local n = i % 50
  local q = "estatus=" .. statuses[(n % 8) + 1] .. "&responsable=" .. ((n % 3) + 1)
  if n % 2 == 0 then q = q .. "&tipo=todos" end
  if n >= 24 then q = q .. "&anio=" .. (2024 + n % 3) end
  if n >= 40 then q = q .. "&cliente=" .. ((n % 4) + 1) end
  return wrk.format("GET", "/ot?" .. q)
end
