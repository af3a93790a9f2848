-- Records one seed interest (and its vector when given) and keeps the newest `max`, in one round trip.
-- KEYS: the interests hash (title -> JSON {text, at, model}), the vectors hash (title -> float32 bytes).
-- ARGV: title, its JSON, max entries kept, then optionally the vector's bytes. Without them any stored
--       vector goes too (the JSON then names no model either: the planner embeds the text).
-- Returns: how many of the oldest entries were dropped.
local title, entry, max = ARGV[1], ARGV[2], tonumber(ARGV[3])
redis.call("hset", KEYS[1], title, entry)
if ARGV[4] then redis.call("hset", KEYS[2], title, ARGV[4]) else redis.call("hdel", KEYS[2], title) end
if redis.call("hlen", KEYS[1]) <= max then return 0 end
local all = redis.call("hgetall", KEYS[1])
local ages = {}
for i = 1, #all, 2 do
  local ok, v = pcall(cjson.decode, all[i + 1])
  local at = (ok and type(v) == "table" and tonumber(v.at)) or 0
  ages[#ages + 1] = { all[i], at }
end
table.sort(ages, function(a, b) return a[2] < b[2] end)
local dropped = #ages - max
for i = 1, dropped do
  redis.call("hdel", KEYS[1], ages[i][1])
  redis.call("hdel", KEYS[2], ages[i][1])
end
return dropped
