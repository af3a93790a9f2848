-- For each title, in one round trip: whether it is a read article, its PageRank, its in-degree.
-- KEYS: the node set (kg:nodes), the PageRank ZSET (kg:pagerank), then each title's in-link set.
-- ARGV: the titles, in the order of their in-link keys.
-- Returns: a flat array, three values per title: 1 or 0, the score or false, the in-degree.
local out = {}
for i = 1, #ARGV do
  out[3 * i - 2] = redis.call("sismember", KEYS[1], ARGV[i])
  out[3 * i - 1] = redis.call("zscore", KEYS[2], ARGV[i])
  out[3 * i] = redis.call("scard", KEYS[i + 2])
end
return out
