#!/usr/bin/env python3
"""Transactions, Pub/Sub and blocking pops through redis-py against a running 3-node cluster.

usage: redis_py_transactions.py LEADER_PORT FOLLOWER_PORT FOLLOWER_PORT

Prints one line per check ("ok name" or "FAIL name: why") and exits 1 if any check failed,
2 if redis-py is missing or too old. Every client call has a socket timeout and every wait
loop is bounded in count and time.
"""
import threading
import time

from redis_py_harness import all_ports, check, expect, finish, follower_ports, leader_port
from redis_py_harness import client as _client
import redis  # after the harness, which exits 2 with a message when redis-py is missing


def client(port, **kw):
    return _client(port, timeout=10, **kw)


@check("pipeline with transaction (MULTI/EXEC) on the leader and on a follower, RESP2 and RESP3")
def _():
    for port, proto in [(leader_port, 3), (follower_ports[0], 3), (follower_ports[1], 2)]:
        r = client(port, protocol=proto)
        r.delete("tx:counter", "tx:list")
        p = r.pipeline(transaction=True)
        p.set("tx:counter", 10).incrby("tx:counter", 5).rpush("tx:list", "a", "b").get("tx:counter")
        expect(p.execute(), [True, 15, 2, b"15"], f"EXEC replies on {port}")
        expect(client(leader_port).lrange("tx:list", 0, -1), [b"a", b"b"], "list after EXEC")


@check("pipeline without transaction keeps request order")
def _():
    r = client(follower_ports[0])
    p = r.pipeline(transaction=False)
    p.delete("pl:k").set("pl:k", "1").incr("pl:k").get("pl:k").append("pl:k", "x").get("pl:k")
    expect(p.execute(), [0, True, 2, b"2", 2, b"2x"], "pipelined replies")


@check("an error inside EXEC is that command's reply; a queueing error aborts EXEC")
def _():
    r = client(follower_ports[1])
    r.set("tx:str", "text")
    p = r.pipeline(transaction=True)
    p.incr("tx:str").set("tx:after", "yes")
    results = p.execute(raise_on_error=False)
    expect(isinstance(results[0], redis.ResponseError), True, "INCR on text inside EXEC")
    expect(results[1], True, "SET after the failing INCR")
    p = r.pipeline(transaction=True)
    p.set("tx:never", "1").execute_command("NOSUCHCOMMAND")
    try:
        p.execute()
        raise AssertionError("EXEC with a queueing error did not fail")
    except redis.ResponseError as e:
        expect("EXECABORT" in str(e) or "unknown command" in str(e), True, f"error {e}")
    expect(r.exists("tx:never"), 0, "nothing of the aborted transaction ran")


@check("WATCH retry loop: concurrent increments through every node lose nothing")
def _():
    client(leader_port).set("w:counter", 0)
    retries = [0]
    per_thread = 15

    def worker(port):
        r = client(port)
        for _ in range(per_thread):
            for _attempt in range(200):  # bounded retries
                with r.pipeline() as p:
                    try:
                        p.watch("w:counter")
                        value = int(p.get("w:counter"))
                        p.multi()
                        p.set("w:counter", value + 1)
                        p.execute()
                        break
                    except redis.WatchError:
                        retries[0] += 1
            else:
                raise AssertionError("200 retries without committing")

    threads = [threading.Thread(target=worker, args=(p,)) for p in all_ports]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    expect(int(client(leader_port).get("w:counter")), per_thread * len(all_ports), f"counter after {retries[0]} retries")


@check("WATCH: a write through another node makes EXEC fail with a null reply")
def _():
    r = client(follower_ports[0])
    r.set("w:key", "1")
    with r.pipeline() as p:
        p.watch("w:key")
        client(follower_ports[1]).set("w:key", "2")
        p.multi()
        p.set("w:key", "mine")
        try:
            p.execute()
            raise AssertionError("EXEC ran although the watched key changed")
        except redis.WatchError:
            pass
    expect(client(leader_port).get("w:key"), b"2", "value after the refused EXEC")


@check("pub/sub across nodes: a message published on one node reaches subscribers on every node, in order")
def _():
    subs = []
    for port, proto in [(leader_port, 3), (follower_ports[0], 2), (follower_ports[1], 3)]:
        ps = client(port, protocol=proto).pubsub()
        ps.subscribe("news")
        ps.psubscribe("ne*")
        deadline = time.time() + 5
        confirmed = 0
        while confirmed < 2 and time.time() < deadline:
            m = ps.get_message(timeout=0.5)
            if m and m["type"] in ("subscribe", "psubscribe"):
                confirmed += 1
        expect(confirmed, 2, f"subscription confirmations on {port}")
        subs.append((port, ps))
    counts = [client(follower_ports[0]).publish("news", f"m{i}") for i in range(3)]
    expect(all(c >= 1 for c in counts), True, f"PUBLISH replies {counts}")
    for port, ps in subs:
        got = []
        deadline = time.time() + 10
        while len(got) < 6 and time.time() < deadline:
            m = ps.get_message(timeout=0.5)
            if m and m["type"] in ("message", "pmessage"):
                got.append((m["type"], m["data"]))
        plain = [d for t, d in got if t == "message"]
        expect(plain, [b"m0", b"m1", b"m2"], f"messages on {port}")
        expect(len([1 for t, _ in got if t == "pmessage"]), 3, f"pattern messages on {port}")
        ps.close()


@check("blocking pop on a follower is woken by a write through another node")
def _():
    client(leader_port).delete("bq:jobs")
    result = {}

    def waiter():
        result["v"] = client(follower_ports[0], socket_timeout=15).blpop(["bq:other", "bq:jobs"], timeout=10)

    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.7)
    client(follower_ports[1]).rpush("bq:jobs", "job-1")
    t.join(15)
    expect(result.get("v"), [b"bq:jobs", b"job-1"], "BLPOP reply")
    expect(client(leader_port).llen("bq:jobs"), 0, "the element was popped once")


@check("blocking pops: timeout replies null, two waiters share two elements, BZPOPMIN and BLMOVE")
def _():
    r = client(leader_port)
    r.delete("bq:empty", "bq:two", "bq:z", "bq:src", "bq:dst")
    start = time.time()
    expect(r.blpop(["bq:empty"], timeout=0.3), None, "BLPOP timeout")
    expect(time.time() - start >= 0.25, True, "waited for the timeout")
    results = []

    def waiter(port):
        results.append(client(port, socket_timeout=15).brpop(["bq:two"], timeout=10))

    threads = [threading.Thread(target=waiter, args=(p,)) for p in follower_ports]
    for t in threads:
        t.start()
    time.sleep(0.7)
    r.lpush("bq:two", "x", "y")
    for t in threads:
        t.join(15)
    expect(sorted(v[1] for v in results if v), [b"x", b"y"], "each waiter got one element")
    r.zadd("bq:z", {"a": 2, "b": 1})
    expect(client(follower_ports[0]).bzpopmin("bq:z", timeout=1), [b"bq:z", b"b", 1.0], "BZPOPMIN")
    r.rpush("bq:src", "e")
    expect(client(follower_ports[1]).blmove("bq:src", "bq:dst", 1, "LEFT", "RIGHT"), b"e", "BLMOVE")
    expect(r.lrange("bq:dst", 0, -1), [b"e"], "BLMOVE destination")


finish()
