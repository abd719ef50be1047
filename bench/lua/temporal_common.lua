-- Shared by the temporal wrk scripts: the sensors of bench/sensor_series.hpp and the month the
-- aggregations cover (30 days from 2026-01-01, inside every sensor's 10,000 readings at scale 1).
local temporal = {}

temporal.base = "/ngsi-ld/v1/temporal/entities"
temporal.month = "timerel=between&timeAt=2026-01-01T00:00:00Z&endTimeAt=2026-01-31T00:00:00Z"

function temporal.id(i)
  return "urn:ngsi-ld:Sensor:bench-" .. string.format("%d", i)
end

return temporal
