#!/usr/bin/env bash
# Starts N raft-node processes on loopback in the foreground: node i listens for clients on
# 7379+2(i-1) and for peers on the next port. Ctrl-C stops every node it started.
# Usage: scripts/cluster.sh [N] [extra raft-node options...]   (make cluster N=3)
set -euo pipefail
N=${1:-3}
shift || true
BIN=${RAFT_NODE:-.build/release/raft-node}
BASE=${BASE_PORT:-7379}
if ! [[ "$N" =~ ^[0-9]+$ ]] || (( N < 1 || N > 15 )); then
    echo "cluster.sh: N must be a number from 1 to 15" >&2
    exit 2
fi
if [[ ! -x "$BIN" ]]; then
    echo "cluster.sh: $BIN not found; run 'swift build -c release' first (make cluster does) (or set RAFT_NODE)" >&2
    exit 2
fi
# Each run keeps its nodes' data under its own folder (raft-node is durable by default).
DATA=${DATA_DIR:-run/cluster/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$DATA"
ensemble=""
for ((i = 1; i <= N; i++)); do
    ensemble+="${ensemble:+,}$i/127.0.0.1:$((BASE + 2 * (i - 1)))"
done
pids=()
stop() {
    trap - INT TERM EXIT
    echo "stopping ${#pids[@]} nodes"
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop INT TERM EXIT
for ((i = 1; i <= N; i++)); do
    port=$((BASE + 2 * (i - 1)))
    args=(-a "127.0.0.1:$port" -i "$i" --data-dir "$DATA/n$i")
    (( N > 1 )) && args+=(-e "$ensemble")
    # Its own session: Ctrl-C reaches only this script, whose trap sends each node one SIGTERM
    # (a second signal would make the node skip its graceful shutdown).
    setsid "$BIN" "${args[@]}" "$@" &
    pids+=($!)
    echo "node $i: redis-cli -p $port   (peers on $((port + 1)), pid ${pids[-1]})"
done
echo "data in $DATA; Ctrl-C stops the cluster."
wait -n || true
echo "a node exited"
