"""The shared limiter's Lua scripts: each one atomic step on the Redis server, timed by its `TIME`.

Every process reads the same clock (the server's), so skew between hotels' machines does not
matter, and each decision (a slot, a pause, a day's count) is taken once for everyone.
All keys of one account carry the same hash tag (`{zhc:<account>}`), so they live together.
"""

from __future__ import annotations

# Waits go back as integer microseconds: Redis turns Lua numbers into integers.
_PRELUDE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local function us(seconds) return math.floor(seconds * 1000000 + 0.5) end
local function factor_now(h)
  local f = tonumber(h[1]) or 1
  local changed = tonumber(h[2]) or now
  local every, step = tonumber(ARGV[1]), tonumber(ARGV[2])
  if f < 1 then f = math.min(1, f + math.floor((now - changed) / every) * step) end
  return f
end
"""

# KEYS: 1 category hash (tat, pause, factor, changed), 2 this hotel's turn, 3 active hotels
# (zset, score = last ask), 4 live processes (zset, score = expiry), 5 the family's daily hash,
# 6 the background lane (when refused background work comes back).
# ARGV: 1 recover_every, 2 recover_step, 3 requests, 4 period, 5 margin, 6 class (g|b),
# 7 holds a hotel turn (0|1), 8 hotel, 9 process, 10 connectors N, 11 background headroom,
# 12 congestion, 13 fairness floor, 14 daily limit (0: none), 15 member ttl, 16 active window.
# Returns {code, wait_us}: 0 go after the wait (slot taken); 1 the hotel's turn in its lane is
# taken, come back after the wait holding it (then a slot is certain); 2 ask again after the
# wait (a pause, or background behind guest-facing work); 3 the day's budget is spent, ask
# again after the wait (next UTC day).
RESERVE = _PRELUDE + """
local requests, period, margin = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local class, has_turn, hotel, proc = ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local n, headroom, congestion = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local fair_floor, daily_limit = tonumber(ARGV[13]), tonumber(ARGV[14])
local member_ttl, active_window = tonumber(ARGV[15]), tonumber(ARGV[16])
redis.call('ZADD', KEYS[4], now + member_ttl, proc)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
redis.call('PEXPIRE', KEYS[4], 3600000)
local live = redis.call('ZCARD', KEYS[4])
local h = redis.call('HMGET', KEYS[1], 'factor', 'changed', 'tat', 'pause')
local factor = factor_now(h)
local tat = tonumber(h[3]) or 0
local pause = tonumber(h[4]) or 0
if pause > now then return {2, us(pause - now)} end
-- A process that cannot reach us sends at its local 1/N: leave its part free.
local rate = requests / period * margin * factor * math.min(1, live / n)
local T = 1 / rate
local slot = math.max(now, tat)
if class == 'b' and slot - now > headroom then
  -- Guest-facing work is queued: background comes back when the queue would be short again,
  -- one at a time (a lane of its own), not all at once.
  local bslot = math.max(slot - headroom, tonumber(redis.call('GET', KEYS[6])) or 0)
  redis.call('SET', KEYS[6], bslot + T, 'PX', 3600000)
  return {2, us(bslot - now)}
end
local day = math.floor(now / 86400)
local used = 0
if daily_limit > 0 then
  local d = redis.call('HMGET', KEYS[5], 'day', 'used')
  if tonumber(d[1]) == day then used = tonumber(d[2]) or 0 end
  if used >= daily_limit then return {3, us((day + 1) * 86400 - now)} end
end
redis.call('ZADD', KEYS[3], now, hotel)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - active_window)
redis.call('PEXPIRE', KEYS[3], 3600000)
if has_turn ~= '1' and slot - now > congestion then
  -- The account is backlogged: no one queues further ahead; callers wait in their hotel's
  -- lane instead, each hotel paced at its fair part, and come back holding their turn.
  local active = redis.call('ZCARD', KEYS[3])
  local share = math.max(1 / math.max(active, 1), fair_floor)
  local hslot = math.max(now, tonumber(redis.call('GET', KEYS[2])) or 0)
  redis.call('SET', KEYS[2], hslot + T / share, 'PX', 3600000)
  if hslot > now then return {1, us(hslot - now)} end
end
redis.call('HSET', KEYS[1], 'tat', slot + T)
redis.call('PEXPIRE', KEYS[1], 3600000)
if daily_limit > 0 then
  redis.call('HSET', KEYS[5], 'day', day, 'used', used + 1)
  redis.call('PEXPIRE', KEYS[5], 2 * 86400000)
end
return {0, us(slot - now)}
"""

# After sleeping for a slot: has a 429 paused the category meanwhile? KEYS: 1 category hash.
# Returns the pause left, in microseconds (0: go).
PAUSED = _PRELUDE + """
local pause = tonumber(redis.call('HGET', KEYS[1], 'pause')) or 0
if pause > now then return us(pause - now) end
return 0
"""

# Zoom answered 429. KEYS: 1 category hash. ARGV: 1 recover_every, 2 recover_step, 3 pause
# (seconds), 4 brake, 5 floor, 6 least seconds between two brakes (one burst of 429s seen by
# many processes brakes once). Returns the factor now, in millionths.
RATE_LIMITED = _PRELUDE + """
local h = redis.call('HMGET', KEYS[1], 'factor', 'changed', 'tat', 'pause')
local factor = factor_now(h)
local changed = tonumber(h[2]) or 0
local pause = math.max(tonumber(h[4]) or 0, now + tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'pause', pause, 'tat', math.max(tonumber(h[3]) or 0, pause))
if tonumber(h[1]) == nil or now - changed >= tonumber(ARGV[6]) then
  factor = math.max(tonumber(ARGV[5]), factor * tonumber(ARGV[4]))
  redis.call('HSET', KEYS[1], 'factor', factor, 'changed', now)
end
redis.call('PEXPIRE', KEYS[1], 3600000)
return us(factor)
"""

# What Zoom says of the day. KEYS: 1 the family's daily hash. ARGV: 1 daily limit, 2 what Zoom
# says remains (-1: Zoom says the day is spent). Only ever lowers what remains: other apps
# spend the same budget, and Zoom knows what they spent. Returns the calls counted today.
DAILY_SEEN = _PRELUDE + """
local day = math.floor(now / 86400)
local limit, remaining = tonumber(ARGV[1]), tonumber(ARGV[2])
local d = redis.call('HMGET', KEYS[1], 'day', 'used')
local used = 0
if tonumber(d[1]) == day then used = tonumber(d[2]) or 0 end
if remaining < 0 then remaining = 0 end
if limit - used > remaining then used = limit - remaining end
redis.call('HSET', KEYS[1], 'day', day, 'used', used)
redis.call('PEXPIRE', KEYS[1], 2 * 86400000)
return used
"""

# A live process says so. KEYS: 1 live processes. ARGV: 1 process, 2 ttl seconds.
HEARTBEAT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], 3600000)
return redis.call('ZCARD', KEYS[1])
"""

# Is the server there? (a probe that joins nothing). Returns the server's seconds.
PROBE = "return redis.call('TIME')[1]"
