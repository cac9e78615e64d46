"""The election's and the claims' Lua scripts: each one atomic step on the Redis server.

Keys share the `{zhc:<account>}` hash tag of the shared limiter, so a Redis Cluster keeps an
account's keys on one node. A leader's value is `<holder>|<epoch>`; the epoch comes from
`INCR` of a counter that never goes back while Redis keeps it (a Redis restarted empty starts
again at 1; see claims.py for why that stays safe).
"""

from __future__ import annotations

# KEYS: leader, epoch counter. ARGV: holder, lease ms.
# Free: INCR the epoch and SET NX PX. Held: -1. (`SET NX` and `INCR` in one script, so an
# epoch is never spent without a leader holding it.)
ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local epoch = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. epoch, 'NX', 'PX', ARGV[2])
return epoch
"""

# KEYS: leader. ARGV: '<holder>|<epoch>', lease ms. Compare-and-set on the holder: 1 renewed.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""

# KEYS: leader. ARGV: '<holder>|<epoch>'. Deletes only its own leadership.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# KEYS: job. ARGV: epoch, keep ms. A claim with a lower epoch than stored loses; a done job
# is not claimed again. Returns {1, previous epoch} claimed, {0, 'done'|'stale'} not.
CLAIM = """
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'done' then return {0, 'done'} end
local held = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '0')
local epoch = tonumber(ARGV[1])
if epoch < held then return {0, 'stale'} end
redis.call('HSET', KEYS[1], 'epoch', epoch, 'state', 'running')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, tostring(held)}
"""

# KEYS: job, its steps set. ARGV: epoch, step. 1: the step is recorded as done under this
# epoch's claim; 0: a newer leader holds the job (nothing recorded).
STEP_DONE = """
if tonumber(redis.call('HGET', KEYS[1], 'epoch') or '-1') ~= tonumber(ARGV[1]) then
  return 0
end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
return 1
"""

# KEYS: job, its steps set. ARGV: epoch. The steps done so far if this epoch holds the job,
# else {0}.
STEPS = """
if tonumber(redis.call('HGET', KEYS[1], 'epoch') or '-1') ~= tonumber(ARGV[1]) then
  return {0}
end
return {1, redis.call('SMEMBERS', KEYS[2])}
"""

# KEYS: job. ARGV: epoch, result. 1: marked done; 0: a newer leader holds the job.
FINISH = """
if tonumber(redis.call('HGET', KEYS[1], 'epoch') or '-1') ~= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'done', 'result', ARGV[2])
return 1
"""

# KEYS: a cursor (a job's watermark). ARGV: epoch, value. Set only by the epoch that holds
# it or a newer one.
SET_CURSOR = """
local held = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '0')
if tonumber(ARGV[1]) < held then return 0 end
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'value', ARGV[2])
return 1
"""
