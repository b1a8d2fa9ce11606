-- 50 different searches in turn (the list's count cache holds each one after its first time;
-- `cargo bench --bench search` measures them uncached).
local words = {"reparacion", "repar", "mantenimiento", "rehabilitacion+ductos", "ductos",
  "valvulas", "sustitucion+de+valvulas", "inspeccion+pintura", "anticorrosiva", "contra+incendio",
  "incendio", "habitacional", "modulo", "cableado", "instrumentacion", "patin+medicion", "montaje",
  "frente+12", "ducto+12", "descarga+frente+7", "lineas", "pemex", "exploracion", "intercom",
  "sureste", "litoral", "ramirez", "lopez", "hernandez", "villanueva", "perez+salas", "mendez",
  "dominguez", "rios", "ot-2024", "ot-2023-00", "000123", "00042", "pep-spr", "spr-12", "pte-0001",
  "pendiente", "2025", "reparacion+tanque", "grua", "xyzzy", "plataforma+marina+norte",
  "mantenimiento+valvulas", "sustit", "reparaci%C3%B3n"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/ot?q=" .. words[(i % #words) + 1])
end
