"""Bounded closed-loop RESP load generator (one thread, raw sockets, selectors).

Used where redis-benchmark cannot be: pyraft listens with a backlog of 1, so 50 simultaneous
connects overflow its accept queue and redis-benchmark stalls. Here connections are opened one at a
time and each is checked with a round trip before the load starts.

usage: resp_load.py HOST PORT set|get CONC TOTAL_OPS MAX_SECONDS [KEYSPACE]
prints: RESULT ops=.. duration_s=.. rps=.. p50_ms=.. p99_ms=.. max_ms=.. errors=.. lost=..
Bounded by TOTAL_OPS and by MAX_SECONDS (+10 s to drain replies in flight)."""
import random
import selectors
import socket
import sys
import time


def command(*parts):
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


def parse_reply(buf, pos):
    """One RESP reply starting at pos -> (is_error, next_pos), or None when incomplete."""
    eol = buf.find(b"\r\n", pos)
    if eol < 0:
        return None
    kind = buf[pos:pos + 1]
    if kind == b"-":
        return True, eol + 2
    if kind == b"$":
        n = int(buf[pos + 1:eol])
        if n < 0:
            return False, eol + 2
        end = eol + 2 + n + 2
        return (False, end) if len(buf) >= end else None
    if kind == b"*":
        n = int(buf[pos + 1:eol])
        p, err = eol + 2, False
        for _ in range(max(n, 0)):
            r = parse_reply(buf, p)
            if r is None:
                return None
            err, p = err or r[0], r[1]
        return err, p
    return False, eol + 2   # + : and anything line-shaped


def main():
    if len(sys.argv) < 7:
        sys.exit(__doc__)
    host, port, op = sys.argv[1], int(sys.argv[2]), sys.argv[3].lower()
    conc, total, max_s = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
    keyspace = int(sys.argv[7]) if len(sys.argv) > 7 else 1000
    if op not in ("set", "get") or conc < 1 or total < 1:
        sys.exit("bad arguments: " + " ".join(sys.argv[1:]))
    keys = [b"key:%012d" % i for i in range(keyspace)]
    requests = [command(b"SET", k, b"xxx") if op == "set" else command(b"GET", k) for k in keys]

    socks = []
    connect_deadline = time.monotonic() + 30
    while len(socks) < conc:
        if time.monotonic() > connect_deadline:
            print("RESULT ops=0 rps=0 p50_ms=nan p99_ms=nan errors=connect-failed lost=0")
            return 1
        try:
            s = socket.create_connection((host, port), timeout=5)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.sendall(command(b"GET", b"__probe__"))
            buf = b""
            while parse_reply(buf, 0) is None:
                d = s.recv(65536)
                if not d:
                    raise OSError("closed")
                buf += d
            s.setblocking(False)
            socks.append(s)
        except (OSError, ValueError):
            time.sleep(0.05)

    sel = selectors.DefaultSelector()
    state = {s: [b"", None] for s in socks}   # socket -> [receive buffer, send time of the request in flight]
    latencies, errors, issued, lost = [], 0, 0, 0
    start = time.perf_counter()
    end = start + max_s

    def send(s):
        nonlocal issued
        if issued >= total or time.perf_counter() >= end:
            return
        state[s][1] = time.perf_counter()
        s.sendall(random.choice(requests))
        issued += 1

    for s in socks:
        sel.register(s, selectors.EVENT_READ)
        send(s)
    while any(st[1] is not None for st in state.values()):
        if time.perf_counter() > end + 10:
            lost = sum(1 for st in state.values() if st[1] is not None)
            break
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            st = state[s]
            try:
                d = s.recv(65536)
            except BlockingIOError:
                continue
            if not d:
                lost += st[1] is not None
                st[1] = None
                sel.unregister(s)
                continue
            st[0] += d
            r = parse_reply(st[0], 0)
            if r is None:
                continue
            t = time.perf_counter()
            if r[0]:
                errors += 1
            else:
                latencies.append(t - st[1])
            st[0], st[1] = st[0][r[1]:], None
            send(s)
    elapsed = time.perf_counter() - start
    for s in socks:
        s.close()
    latencies.sort()
    n = len(latencies)

    def q(x):
        return latencies[min(n - 1, int(n * x))] * 1e3 if n else float("nan")
    print("RESULT ops=%d duration_s=%.2f rps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.2f errors=%d lost=%d"
          % (n, elapsed, n / elapsed if elapsed > 0 else 0, q(.5), q(.99), q(1.0), errors, lost))
    return 0


if __name__ == "__main__":
    sys.exit(main())
