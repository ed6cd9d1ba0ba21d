#!/usr/bin/env python3
"""membership-soak.py - membership churn under writes, then a check that no acknowledged write is lost.

A 3-node cluster (static ensemble) takes writes from one client per node while, ROUNDS times, a new
node joins through a random member (pyraft's -e flow), an old member is SIGKILLed (or not) and
removed with RAFT.REMOVE sent to a random member, and leadership is moved with RAFT.TRANSFER. At
the end every acknowledged SET must be readable, with its value, on every living member.

  python3 scripts/membership-soak.py [--rounds N] [--base PORT] [--seed S] [--binary PATH]

Needs redis-py. Ports BASE.. (default 30700, below Linux's ephemeral range); every process started
here is killed by pid on exit.
"""
import argparse, os, random, signal, subprocess, sys, tempfile, threading, time
import redis

ap = argparse.ArgumentParser()
ap.add_argument("--rounds", type=int, default=8)
ap.add_argument("--base", type=int, default=30700)
ap.add_argument("--seed", type=int, default=int(time.time()))
ap.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "raft-node"))
a = ap.parse_args()
rng = random.Random(a.seed)
work = tempfile.mkdtemp(prefix="membership-soak-")
procs = {}   # id -> Popen
ports = {}   # id -> client port
next_id = 1


def start(node_id, extra):
    port = a.base + 2 * (node_id - 1)
    log = open(os.path.join(work, f"n{node_id}.log"), "a")
    procs[node_id] = subprocess.Popen([a.binary, "-a", f"127.0.0.1:{port}", "-i", str(node_id), "--tick-ms", "50",
                                       "--data-dir", os.path.join(work, f"d{node_id}")] + extra, stdout=log, stderr=log)
    ports[node_id] = port


def client(node_id):
    return redis.Redis(port=ports[node_id], socket_timeout=3, decode_responses=True)


def status(node_id):
    flat = client(node_id).execute_command("RAFT.STATUS")
    if isinstance(flat, dict):  # RESP3 (redis-py's default from 8.0): already a map
        return flat
    s = dict(zip(flat[0::2], flat[1::2]))
    peers = s["peers"]
    s["peers"] = {peers[k]: dict(zip(peers[k + 1][0::2], peers[k + 1][1::2])) for k in range(0, len(peers), 2)}
    return s


def alive():
    return [i for i, p in procs.items() if p.poll() is None]


def wait(what, cond, seconds=15):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if cond():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise SystemExit(f"FAIL (seed {a.seed}): not within {seconds}s: {what}; logs in {work}")


def voters_on(node_id):
    return {k for k, v in status(node_id)["peers"].items() if v["role"] == "voter"}


acked, lock, stop = {}, threading.Lock(), threading.Event()


def writer(w):
    i = 0
    while not stop.is_set():
        members = alive()
        if not members:
            time.sleep(0.05)
            continue
        try:
            key = f"w{w}:{i}"
            if client(rng.choice(members)).set(key, str(i)):
                with lock:
                    acked[key] = str(i)
            i += 1
        except Exception:
            time.sleep(0.05)


try:
    ensemble = ",".join(f"{i}/127.0.0.1:{a.base + 2 * (i - 1)}" for i in (1, 2, 3))
    for i in (1, 2, 3):
        start(i, ["-e", ensemble])
    next_id = 4
    wait("a leader", lambda: status(1)["leader"] != "")
    threads = [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(3)]
    for t in threads:
        t.start()
    for r in range(a.rounds):
        members = alive()
        new = next_id
        next_id += 1
        via = rng.choice(members)
        start(new, ["-e", f"127.0.0.1:{ports[via]}"])
        wait(f"round {r}: {new} becomes a voter", lambda: str(new) in voters_on(via))
        old = rng.choice([m for m in members])
        if rng.random() < 0.5:
            procs[old].send_signal(signal.SIGKILL)
            procs[old].wait()
        asker = rng.choice([m for m in alive() if m != old] or alive())
        reply = None
        for _ in range(50):
            try:
                reply = client(asker).execute_command("RAFT.REMOVE", str(old))
                break
            except redis.ResponseError as e:
                if "unknown node id" in str(e):
                    break
                time.sleep(0.1)
        if procs[old].poll() is None:
            procs[old].send_signal(signal.SIGKILL)
            procs[old].wait()
        live = alive()
        wait(f"round {r}: {old} gone", lambda: str(old) not in voters_on(live[0]))
        target = rng.choice(live)
        try:
            client(rng.choice(live)).execute_command("RAFT.TRANSFER", str(target))
        except redis.ResponseError as e:
            print(f"  transfer to {target}: {e}")
        print(f"round {r}: +{new} via {via}, -{old}, transfer to {target}; voters {sorted(voters_on(live[0]))}; acked {len(acked)}")
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join(10)
    live = alive()
    for n in live:
        c = client(n)
        missing = [k for k, v in acked.items() if c.get(k) != v]
        if missing:
            raise SystemExit(f"FAIL (seed {a.seed}): node {n} lacks {len(missing)} acknowledged writes, e.g. {missing[:5]}; logs in {work}")
    terms = {n: status(n)["term"] for n in live}
    print(f"OK (seed {a.seed}): {len(acked)} acknowledged writes on every one of {live}; terms {terms}")
finally:
    stop.set()
    for p in procs.values():
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            p.wait()
