"""A small RESP client over TLS, standard library only, for the TLS process tests (TLSTests.swift).

    python3 tls_resp.py PORT --ca CA.pem [--cert C.pem --key K.pem] call CMD ARG... [';;' CMD ARG...]
        runs the commands on one connection, prints each reply on its own line
    python3 tls_resp.py PORT[,PORT...] --ca CA.pem leader [--seconds N]
        polls INFO raft on every port until all name one leader; prints that leader's id

Exit status: 0 done; 3 the TLS handshake failed (the reason is printed); 4 could not connect or
the connection closed; 5 no agreed leader in time. The server's certificate is always verified,
IP included (127.0.0.1), as redis-cli and redis-py do.
"""
import argparse
import socket
import ssl
import sys
import time


def connect(port, args):
    ctx = ssl.create_default_context(cafile=args.ca)
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    raw = socket.create_connection(("127.0.0.1", port), timeout=args.timeout)
    return ctx.wrap_socket(raw, server_hostname="127.0.0.1")


def encode(words):
    out = b"*%d\r\n" % len(words)
    for w in words:
        b = w.encode()
        out += b"$%d\r\n%s\r\n" % (len(b), b)
    return out


def read_reply(f):
    line = f.readline()
    if not line:
        raise ConnectionError("connection closed")
    kind, rest = line[:1], line[1:-2].decode(errors="replace")
    if kind in (b"+", b"-", b":"):
        return ("-" if kind == b"-" else "") + rest
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return "(nil)"
        data = f.read(n + 2)
        return data[:-2].decode(errors="replace")
    if kind == b"*":
        n = int(rest)
        return "(nil)" if n < 0 else "\n".join(read_reply(f) for _ in range(n))
    raise ConnectionError(f"unexpected reply {line!r}")


def call(port, args, commands):
    with connect(port, args) as s:
        f = s.makefile("rb")
        for words in commands:
            s.sendall(encode(words))
            print(read_reply(f), flush=True)


def leader(ports, args):
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        seen = set()
        for port in ports:
            try:
                with connect(port, args) as s:
                    s.sendall(encode(["INFO", "raft"]))
                    info = read_reply(s.makefile("rb"))
                seen.add(next((l.split(":", 1)[1].strip() for l in info.splitlines() if l.startswith("leader:")), ""))
            except (OSError, ConnectionError):
                seen.add("")
        if len(seen) == 1 and "" not in seen:
            print(seen.pop())
            return 0
        time.sleep(0.2)
    print(f"no agreed leader within {args.seconds}s (last seen: {sorted(seen)})")
    return 5


def main():
    p = argparse.ArgumentParser()
    p.add_argument("ports")
    p.add_argument("--ca", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--timeout", type=float, default=5)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("mode", choices=["call", "leader"])
    p.add_argument("words", nargs="*")
    args = p.parse_args()
    ports = [int(x) for x in args.ports.split(",")]
    try:
        if args.mode == "leader":
            return leader(ports, args)
        commands, current = [], []
        for w in args.words:
            if w == ";;":
                commands.append(current)
                current = []
            else:
                current.append(w)
        commands.append(current)
        call(ports[0], args, commands)
        return 0
    except ssl.SSLError as e:
        print(f"TLS error: {e}")
        return 3
    except (OSError, ConnectionError) as e:
        print(f"connection error: {type(e).__name__}: {e}")
        return 4


if __name__ == "__main__":
    sys.exit(main())
