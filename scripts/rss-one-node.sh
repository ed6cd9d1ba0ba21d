#!/bin/bash
# RSS of a one-node raft-node after the issue-13 load (docs/BENCHMARKS.md, "RSS (h/rss)"):
# N SETs of 100 bytes, random keys among N, then DBSIZE and VmRSS/VmHWM.
# usage: scripts/rss-one-node.sh LABEL [N] [VAR=value...]   (the VARs go to the node's environment)
#   RAFT_NODE=binary (default .build/release/raft-node), PORT (default 26420), OUT=dir (default /tmp/rss-one-node)
# The client is niced, the node is not. Its log is OUT/LABEL.log (`snapshot taken ... in T ms`).
set -u
label=${1:?usage: rss-one-node.sh LABEL [N] [VAR=value...]}; n=${2:-1000000}; shift; [ $# -gt 0 ] && shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RAFT_NODE:-$ROOT/.build/release/raft-node}; PORT=${PORT:-26420}; OUT=${OUT:-/tmp/rss-one-node}
[ -x "$BIN" ] || { echo "rss-one-node.sh: $BIN not found (swift build -c release --product raft-node, or set RAFT_NODE)" >&2; exit 2; }
mkdir -p "$OUT"; rm -rf "$OUT/d-$label"
env "$@" "$BIN" -a "127.0.0.1:$PORT" -i r1 --fsync never --data-dir "$OUT/d-$label" --log-file "$OUT/$label.log" & P=$!
for _ in $(seq 1 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
nice redis-benchmark -p "$PORT" -t set -n "$n" -r "$n" -d 100 -c 50 -P 16 -q 2>&1 | tr '\r' '\n' | grep "per second" | tail -1
sleep 1
echo "$label: keys $(redis-cli -p "$PORT" dbsize) $(grep -E 'VmRSS|VmHWM' "/proc/$P/status" | tr -s ' \t\n' ' ')"
echo "$label: last $(grep 'snapshot taken' "$OUT/$label.log" | tail -1 | sed 's/.*snapshot taken/snapshot taken/')"
kill "$P"; wait "$P" 2>/dev/null
