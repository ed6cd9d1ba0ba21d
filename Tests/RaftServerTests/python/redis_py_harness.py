"""What the redis-py check scripts share: redis-py's presence and version, the cluster's ports
from the command line, clients with a socket timeout, and checks that report one line each.

A script imports it (it sits beside them, so `python3 script.py` finds it), defines its checks
with @check("name"), and ends with finish(): exit 0 when all passed, 1 if any failed, 2 if
redis-py is missing or too old (the Swift tests then skip with that message).
"""
import sys

try:
    import redis
except ImportError:
    print("redis-py is not installed (python3 -m pip install redis)")
    sys.exit(2)
if int(redis.__version__.split(".")[0]) < 5:
    print(f"redis-py {redis.__version__} is too old for RESP3 (need 5 or later: python3 -m pip install -U redis)")
    sys.exit(2)

leader_port, *follower_ports = (int(a) for a in sys.argv[1:4])
all_ports = [leader_port] + follower_ports
failures = []


def client(port, timeout=5, **kw):
    kw.setdefault("socket_timeout", timeout)
    kw.setdefault("protocol", 3)
    return redis.Redis(host="127.0.0.1", port=port, **kw)


def check(name):
    def run(fn):
        try:
            fn()
            print(f"ok {name}", flush=True)
        except Exception as e:  # noqa: BLE001 - any failure is reported with its text
            failures.append(name)
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
        return fn
    return run


def expect(actual, wanted, what=""):
    if actual != wanted:
        raise AssertionError(f"{what} expected {wanted!r}, got {actual!r}")


def finish():
    if failures:
        print(f"{len(failures)} check(s) failed: {', '.join(failures)}")
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)
