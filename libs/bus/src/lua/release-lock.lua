-- Releases a lock only for its holder.
-- KEYS: the lock key. ARGV: the holder's token.
-- Returns: 1 released, 0 held by someone else (or expired).
if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end
return 0
