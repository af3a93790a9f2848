-- Writes a node and its page_link edges atomically, so readers never see half an edit.
-- KEYS: the node set, the node's hash, its out-link set, then the in-link set of each fresh target
--       followed by those of the dropped ones.
-- ARGV: title, how many targets are fresh, the targets (fresh, then dropped), then the hash's
--       field/value pairs.
-- Returns: the number of targets.
local title, fresh, targets = ARGV[1], tonumber(ARGV[2]), #KEYS - 3
redis.call("sadd", KEYS[1], title)
for j = 3 + targets, #ARGV, 2 do redis.call("hset", KEYS[2], ARGV[j], ARGV[j + 1]) end
for i = 1, targets do
  if i <= fresh then
    redis.call("sadd", KEYS[3], ARGV[2 + i])
    redis.call("sadd", KEYS[3 + i], title)
  else
    redis.call("srem", KEYS[3], ARGV[2 + i])
    redis.call("srem", KEYS[3 + i], title)
  end
end
return targets
