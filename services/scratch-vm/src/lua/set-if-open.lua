-- Sets a field of a pad only while the pad exists, so that a late write never re-creates an expired
-- pad without its TTL.
-- KEYS: the pad hash. ARGV: the field, the value.
-- Returns: 1 written, 0 the pad is gone.
if redis.call("exists", KEYS[1]) == 1 then
  redis.call("hset", KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0
