#!/usr/bin/env python3
"""bench-compare.py A B: two saved `make bench` results tables (bench-results/<stamp>.tsv),
figure by figure: B / A, and whether raft-node got better or worse from A to B.

A and B are paths, or names inside bench-results/ ("latest", "20261202-215000" or
"20261202-215000.tsv"). The verdict uses the figure's ratio to its reference measured in the same
run when both runs have one (on this shared machine the reference moves with the load, so the ratio
is the steadier figure), else the raft-node value itself. A change smaller than THRESHOLD percent
(environment, default 5) is "same". Exit status 0, or 2 on a bad argument or file."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.environ.get("BENCH_RESULTS", os.path.join(HERE, "..", "bench-results"))
NEEDED = ["figure", "raft_node", "ratio", "unit", "better"]


def fail(msg):
    print("bench-compare: " + msg, file=sys.stderr)
    sys.exit(2)


def resolve(arg):
    for p in (arg, os.path.join(RESULTS, arg), os.path.join(RESULTS, arg + ".tsv")):
        if os.path.isfile(p):
            return p
    fail("no results table '%s' (looked for it as a path and in %s)" % (arg, os.path.normpath(RESULTS)))


def load(path):
    with open(path) as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    if not lines or any(c not in lines[0] for c in NEEDED):
        fail("%s is not a bench results table (its header lacks %s)" % (path, ", ".join(NEEDED)))
    head = lines[0]
    return {r[head.index("figure")]: dict(zip(head, r)) for r in lines[1:] if len(r) == len(head)}


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def main():
    if len(sys.argv) != 3:
        fail("usage: bench-compare.py A B   (results tables; e.g. make bench-compare A=<stamp> B=latest)")
    try:
        threshold = float(os.environ.get("THRESHOLD", "5")) / 100
    except ValueError:
        fail("THRESHOLD must be a number of percent")
    pa, pb = resolve(sys.argv[1]), resolve(sys.argv[2])
    a, b = load(pa), load(pb)
    print("A = %s\nB = %s\n" % (pa, pb))
    print("| figure | unit | A | B | B/A | A vs ref | B vs ref | verdict |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    counts = {"better": 0, "worse": 0, "same": 0}
    for key in list(a) + [k for k in b if k not in a]:
        ra, rb = a.get(key), b.get(key)
        if ra is None or rb is None:
            r = ra or rb
            print("| %s | %s | %s | %s | - | - | - | only in %s |" % (
                key, r["unit"], ra["raft_node"] if ra else "-", rb["raft_node"] if rb else "-", "A" if ra else "B"))
            continue
        va, vb = num(ra["raft_node"]), num(rb["raft_node"])
        qa, qb = num(ra["ratio"]), num(rb["ratio"])
        change = "%.2f" % (vb / va) if va and vb is not None else "-"
        # the steadier figure: the ratio to the same-run reference when both runs have one
        x, y, basis = (qa, qb, "ratio") if qa and qb is not None else (va, vb, "value")
        if not x or y is None:
            verdict = "no figure (%s -> %s)" % (ra["raft_node"], rb["raft_node"])
        else:
            g = y / x if rb["better"] == "higher" else x / y if y else float("inf")
            verdict = "better" if g > 1 + threshold else "worse" if g < 1 - threshold else "same"
            counts[verdict] += 1
            verdict += " (%s %+.0f%%)" % (basis, 100 * (g - 1))
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            key, ra["unit"], ra["raft_node"], rb["raft_node"], change, ra["ratio"], rb["ratio"], verdict))
    print("\n%d better, %d worse, %d same (threshold %g%%)" % (
        counts["better"], counts["worse"], counts["same"], threshold * 100))


if __name__ == "__main__":
    main()
