#!/usr/bin/env python3
# compare-with-redis.py - sends the same seeded random commands (sets, sorted sets, lists,
# hashes, bitmaps, SORT) to a redis-server and a raft-node and prints every reply that differs.
# Set replies (SMEMBERS, SUNION...) are compared as sets; lex ranges run on equal scores only
# with EQUAL_SCORES=1 (Redis leaves them undefined on mixed scores), otherwise they are skipped.
# Usage: scripts/compare-with-redis.py REDIS_PORT NODE_PORT SEED PROTOCOL(2|3) COUNT
# Both servers are FLUSHALLed first: point it at throwaway instances on 127.0.0.1 only.
import os, socket, random, sys
def enc(args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out
class Conn:
    def __init__(s, port, proto):
        s.s = socket.create_connection(("127.0.0.1", port)); s.f = s.s.makefile("rb")
        if proto == 3: s.call(["HELLO", "3"])
    def read(s):
        line = s.f.readline()
        t, rest = line[:1], line[1:-2]
        if t in b"+-:,(#": return (t, rest)
        if t == b"_": return None
        if t in b"$=":
            n = int(rest)
            if n < 0: return None
            d = s.f.read(n + 2)[:-2]; return d
        if t in b"*~%>":
            n = int(rest)
            if n < 0: return None
            if t == b"%": n *= 2
            items = [s.read() for _ in range(n)]
            return ("set", sorted(map(repr, items))) if t == b"~" else items
        raise Exception("bad " + repr(line))
    def call(s, args):
        s.s.sendall(enc(args)); return s.read()
redis_port, node_port, seed, proto, count = map(int, sys.argv[1:6])
random.seed(seed)
a, b = Conn(redis_port, proto), Conn(node_port, proto)
a.call(["FLUSHALL"]); b.call(["FLUSHALL"])
m = lambda: "m%d" % random.randint(0, 12)
k = lambda p: p + str(random.randint(0, 2))
equal = os.environ.get("EQUAL_SCORES") == "1"
sc = (lambda: "0") if equal else (lambda: random.choice(["1", "2", "2.5", "-1", "0", "inf", "-inf", "10", "3"]))
bound = lambda: random.choice(["-inf", "+inf", "(1", "2", "(2.5", "0", "x"])
lex = lambda: random.choice(["-", "+", "[m1", "(m5", "[m9", "m1"])
gens = [
 lambda: ["SADD", k("s"), m(), m()], lambda: ["SREM", k("s"), m()], lambda: ["SCARD", k("s")],
 lambda: ["SISMEMBER", k("s"), m()], lambda: ["SMISMEMBER", k("s"), m(), m()], lambda: ["SMEMBERS", k("s")],
 lambda: ["SINTER", k("s"), k("s")], lambda: ["SUNION", k("s"), k("s")], lambda: ["SDIFF", k("s"), k("s")],
 lambda: ["SINTERSTORE", k("s"), k("s"), k("s")], lambda: ["SDIFFSTORE", k("s"), k("s"), k("s")],
 lambda: ["SMOVE", k("s"), k("s"), m()], lambda: ["SINTERCARD", "2", k("s"), k("s"), "LIMIT", "1"],
 lambda: ["ZADD", k("z"), sc(), m(), sc(), m()], lambda: ["ZADD", k("z")] + random.sample(["NX","XX","GT","LT","CH"], 2) + [sc(), m()],
 lambda: ["ZADD", k("z"), "INCR", sc(), m()], lambda: ["ZINCRBY", k("z"), sc(), m()], lambda: ["ZREM", k("z"), m()],
 lambda: ["ZSCORE", k("z"), m()], lambda: ["ZMSCORE", k("z"), m(), m()], lambda: ["ZRANK", k("z"), m()], lambda: ["ZREVRANK", k("z"), m()],
 lambda: ["ZCARD", k("z")], lambda: ["ZCOUNT", k("z"), bound(), bound()], lambda: ["ZLEXCOUNT", k("z"), lex(), lex()],
 lambda: ["ZRANGE", k("z"), str(random.randint(-4, 4)), str(random.randint(-4, 4))] + random.choice([[], ["REV"], ["WITHSCORES"] if proto == 2 else []]),
 lambda: ["ZRANGE", k("z"), bound(), bound(), "BYSCORE"] + random.choice([[], ["REV"], ["LIMIT", "1", "2"]]),
 lambda: ["ZRANGEBYLEX", k("z"), lex(), lex()], lambda: ["ZREVRANGEBYSCORE", k("z"), bound(), bound()],
 lambda: ["ZRANGESTORE", k("z"), k("z"), "0", str(random.randint(-3, 3))],
 lambda: ["ZREMRANGEBYSCORE", k("z"), bound(), bound()], lambda: ["ZREMRANGEBYRANK", k("z"), "0", "1"], lambda: ["ZREMRANGEBYLEX", k("z"), lex(), lex()],
 lambda: ["ZPOPMIN", k("z")] + ([] if proto == 3 else random.choice([[], ["2"]])), lambda: ["ZPOPMAX", k("z")],
 lambda: ["ZUNIONSTORE", k("z"), "2", k("z"), k("s"), "WEIGHTS", sc(), sc()],
 lambda: ["ZINTERSTORE", k("z"), "2", k("z"), k("z"), "AGGREGATE", random.choice(["MIN", "MAX", "SUM"])],
 lambda: ["ZDIFFSTORE", k("z"), "2", k("z"), k("z")], lambda: ["ZINTERCARD", "2", k("z"), k("z")],
 lambda: ["ZMPOP", "2", k("z"), k("z"), random.choice(["MIN", "MAX"]), "COUNT", "2"],
 lambda: ["RPUSH", k("l"), m(), m()], lambda: ["LINSERT", k("l"), random.choice(["BEFORE", "AFTER"]), m(), m()],
 lambda: ["LPOS", k("l"), m(), "RANK", random.choice(["1", "-1", "2"]), "COUNT", random.choice(["0", "1"])],
 lambda: ["LMOVE", k("l"), k("l"), random.choice(["LEFT", "RIGHT"]), random.choice(["LEFT", "RIGHT"])],
 lambda: ["LMPOP", "2", k("l"), k("l"), "LEFT", "COUNT", "2"], lambda: ["LRANGE", k("l"), "0", "-1"],
 lambda: ["SORT", k("l"), "ALPHA"], lambda: ["SORT", k("s"), "ALPHA", "DESC", "LIMIT", "0", "3"],
 lambda: ["SORT", k("z"), "ALPHA", "STORE", k("l")],
 lambda: ["HSET", k("h"), m(), sc()], lambda: ["HINCRBYFLOAT", k("h"), m(), sc()], lambda: ["HSTRLEN", k("h"), m()],
 lambda: ["SETBIT", k("b"), str(random.randint(0, 40)), random.choice(["0", "1"])], lambda: ["BITCOUNT", k("b")],
 lambda: ["BITPOS", k("b"), random.choice(["0", "1"])], lambda: ["BITOP", random.choice(["AND", "OR", "XOR"]), k("b"), k("b"), k("b")],
 lambda: ["BITFIELD", k("b"), "INCRBY", random.choice(["u4", "i5", "u8"]), str(random.randint(0, 20)), str(random.randint(-20, 20)), "GET", "i8", "0"],
 lambda: ["TYPE", random.choice([k("s"), k("z"), k("l"), k("h"), k("b")])], lambda: ["DEL", random.choice([k("s"), k("z"), k("l")])],
]
if not equal: gens = [g for g in gens if "LEX" not in " ".join(g())]
diffs = 0
for i in range(count):
    cmd = random.choice(gens)()
    x, y = a.call(cmd), b.call(cmd)
    if cmd[0] in ("SMEMBERS", "SUNION", "SINTER", "SDIFF") and isinstance(x, list) and isinstance(y, list):
        x, y = sorted(x), sorted(y)
    if x != y:
        diffs += 1
        if diffs <= 15: print("DIFF", cmd, "\n  redis:", x, "\n  ours: ", y)
print("commands", count, "diffs", diffs)
sys.exit(1 if diffs else 0)
