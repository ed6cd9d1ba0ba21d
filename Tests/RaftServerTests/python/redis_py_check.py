#!/usr/bin/env python3
"""Drives a running 3-node raft-node cluster with redis-py, the way an application would.

usage: redis_py_check.py LEADER_PORT FOLLOWER_PORT FOLLOWER_PORT

Prints one line per check ("ok name" or "FAIL name: why") and exits 1 if any check failed,
2 if redis-py is missing or too old (the Swift test then skips with that message).
Every client call has a socket timeout and every wait loop is bounded.
"""
import time

from redis_py_harness import all_ports, check, client, expect, finish, follower_ports, leader_port
import redis  # after the harness, which exits 2 with a message when redis-py is missing


def expect_error(fn, prefix):
    try:
        got = fn()
    except redis.ResponseError as e:
        if not str(e).startswith(prefix):
            raise AssertionError(f"error {str(e)!r} does not start with {prefix!r}")
        return
    raise AssertionError(f"expected an error starting {prefix!r}, got {got!r}")


@check("resp3 handshake (HELLO 3 on connect) and RESP2 clients side by side")
def _():
    for port in all_ports:
        r = client(port)
        expect(r.ping(), True, f"PING on {port}")
        hello = r.execute_command("HELLO", "3")
        expect(hello.get(b"proto"), 3, "HELLO proto")
        expect(client(port, protocol=2).ping(), True, f"RESP2 PING on {port}")


@check("a write on a follower is forwarded and visible on the leader")
def _():
    f = client(follower_ports[0])
    expect(f.set("fwd", "from-follower"), True, "SET on follower")
    expect(client(leader_port).get("fwd"), b"from-follower", "GET on leader")


@check("read-your-write on followers (linearizable reads)")
def _():
    n = 0
    for i in range(20):
        for port in follower_ports:
            f = client(port)
            expect(f.set(f"ryw:{port}", i), True)
            expect(f.get(f"ryw:{port}"), str(i).encode(), f"GET on {port} after SET")
            n += 1
            expect(f.incr("ryw:counter"), n, "INCR")
            expect(client(follower_ports[0] if port != follower_ports[0] else follower_ports[1]).get("ryw:counter"),
                   str(n).encode(), "GET on the other follower")


@check("TTL agreement across nodes, key gone everywhere after expiry")
def _():
    f = client(follower_ports[1])
    expect(f.set("ttl:k", "v"), True)
    expect(f.pexpire("ttl:k", 1500), True, "PEXPIRE")
    ttls = []
    for port in all_ports:
        c = client(port)
        expect(c.exists("ttl:k"), 1, f"EXISTS on {port}")
        ttls.append(c.pttl("ttl:k"))
    if not all(0 < t <= 1500 for t in ttls) or max(ttls) - min(ttls) > 1000:
        raise AssertionError(f"PTTLs disagree: {ttls}")
    deadline = time.time() + 5
    while time.time() < deadline and any(client(p).exists("ttl:k") for p in all_ports):
        time.sleep(0.1)
    for port in all_ports:
        c = client(port)
        expect(c.exists("ttl:k"), 0, f"EXISTS after expiry on {port}")
        expect(c.get("ttl:k"), None, f"GET after expiry on {port}")
        expect(c.pttl("ttl:k"), -2, f"PTTL after expiry on {port}")


@check("hashes")
def _():
    r = client(follower_ports[0])
    expect(r.hset("h", mapping={"a": "1", "b": "2"}), 2, "HSET")
    expect(r.hget("h", "a"), b"1")
    expect(r.hincrby("h", "a", 41), 42, "HINCRBY")
    expect(client(leader_port).hgetall("h"), {b"a": b"42", b"b": b"2"}, "HGETALL (a RESP3 map)")
    expect(r.hmget("h", "a", "zz"), [b"42", None])
    expect(r.hdel("h", "b", "zz"), 1, "HDEL")
    expect((r.hlen("h"), r.hexists("h", "a"), r.hkeys("h"), r.hvals("h")), (1, True, [b"a"], [b"42"]))


@check("lists")
def _():
    r = client(follower_ports[1])
    expect(r.rpush("l", "b", "c", "d"), 3)
    expect(r.lpush("l", "a"), 4)
    expect(r.lrange("l", 0, -1), [b"a", b"b", b"c", b"d"])
    expect((r.lindex("l", -1), r.llen("l")), (b"d", 4))
    expect(r.lset("l", 1, "B"), True)
    expect(r.rpush("l", "B"), 5)
    expect(r.lrem("l", 0, "B"), 2, "LREM")
    expect((r.lpop("l"), r.rpop("l")), (b"a", b"d"))
    expect(r.ltrim("l", 0, 0), True)
    expect(client(leader_port).lrange("l", 0, -1), [b"c"])


@check("CAS and pyraft's tree commands")
def _():
    r = client(follower_ports[0])
    expect(r.execute_command("CAS", "reg", "", "v1"), 1, "CAS on a missing key with expected ''")
    expect(r.execute_command("CAS", "reg", "wrong", "v2"), 0, "CAS with a stale expected value")
    expect(r.execute_command("CAS", "reg", "v1", "v2"), 1)
    expect(client(leader_port).get("reg"), b"v2")
    expect(r.execute_command("TMK", "app"), b"OK")
    expect(r.execute_command("TMK", "app/db", "host", "h1", "port", "5432"), b"OK")
    expect(r.execute_command("TSET", "app/db", "port", "6543"), b"OK")
    expect(client(follower_ports[1]).execute_command("TGET", "app/db", "port"), b"6543")
    expect(r.execute_command("TLS", "app"), [b"db"])
    expect(r.execute_command("TRM", "app/db"), b"OK")
    expect(r.execute_command("TLS", "app"), [])


@check("pipelines keep order, including reads right after writes, on a follower")
def _():
    r = client(follower_ports[0])
    p = r.pipeline(transaction=False)
    for i in range(200):
        p.set(f"p:{i}", i)
        p.get(f"p:{i}")
        p.incr("p:n")
    out = p.execute()
    for i in range(200):
        expect(out[3 * i], True, f"SET #{i}")
        expect(out[3 * i + 1], str(i).encode(), f"GET #{i}")
        expect(out[3 * i + 2], i + 1, f"INCR #{i}")
    expect(client(leader_port).mget([f"p:{i}" for i in (0, 199)]), [b"0", b"199"])


@check("WRONGTYPE, wrong arity, syntax and unknown-command errors")
def _():
    r = client(follower_ports[1])
    r.set("s", "x")
    expect_error(lambda: r.lpush("s", "y"), "WRONGTYPE Operation against a key holding the wrong kind of value")
    expect_error(lambda: r.execute_command("GET"), "wrong number of arguments for 'get' command")
    expect_error(lambda: r.execute_command("SET", "k", "v", "NX", "XX"), "syntax error")
    expect_error(lambda: r.execute_command("INCR", "s"), "value is not an integer or out of range")
    expect_error(lambda: r.execute_command("NOSUCHCMD", "a"), "unknown command 'NOSUCHCMD'")
    expect_error(lambda: r.execute_command("CONFIG", "SET", "no-such-param", "1"), "Unknown option or number of arguments for CONFIG SET")
    expect_error(lambda: r.execute_command("CONFIG", "SET", "appendonly", "yes"), "CONFIG SET failed")
    expect(r.execute_command("CONFIG", "SET", "appendonly", "no"), b"OK", "CONFIG SET to the current value")
    expect(r.get("s"), b"x", "failed commands changed nothing")


@check("binary-safe keys and values")
def _():
    value = bytes(range(256)) * 4
    key = b"bin:\x00\xff\r\n"
    r = client(follower_ports[0])
    expect(r.set(key, value), True)
    for port in all_ports:
        expect(client(port).get(key), value, f"GET on {port}")
    expect(r.strlen(key), len(value))
    expect(r.append(key, b"\x00"), len(value) + 1)


finish()
