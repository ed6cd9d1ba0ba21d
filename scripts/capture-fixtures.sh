#!/usr/bin/env bash
# Regenerates Fixtures/captures/: small captures of real raft-node clusters made with
# `raft-chaos capture`, with their expected timeline and audit beside them (tests compare).
# Needs root (capture), redis-cli, and a build: swift build (or RAFT_NODE / RAFT_CHAOS).
# Usage: scripts/capture-fixtures.sh [scenario...]   (quiet election pause join forgotten_term; default all)
# forgotten_term runs a node broken on purpose: its audit.txt is a FAIL, which the tests expect.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE=${RAFT_NODE:-.build/debug/raft-node}
CHAOS=${RAFT_CHAOS:-.build/debug/raft-chaos}
OUT=Fixtures/captures
BASE=${BASE_PORT:-17600}  # clients on BASE, BASE+2, ...; peers one above each
for b in "$NODE" "$CHAOS"; do [[ -x "$b" ]] || { echo "capture-fixtures: $b not found; run 'swift build'" >&2; exit 2; }; done
command -v redis-cli >/dev/null || { echo "capture-fixtures: redis-cli is needed" >&2; exit 2; }
mkdir -p "$OUT"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port() { echo $((BASE + 2 * ($1 - 1))); }
peers() { local s=""; for i in $(seq 1 "$1"); do s+="${s:+,}$(( $(port "$i") + 1 ))"; done; echo "$s"; }
ensemble() { local s=""; for i in 1 2 3; do s+="${s:+,}$i/127.0.0.1:$(port "$i")"; done; echo "$s"; }
declare -A node_pid
start_node() {  # id [extra options]
    local id=$1; shift
    "$NODE" -a "127.0.0.1:$(port "$id")" -i "$id" --in-memory --fsync never --log-level warning --log-file "$work/node$id.log" "$@" &
    node_pid[$id]=$!
    pids+=($!)
}
start_durable_node() {  # id [extra options]: like start_node, with a data directory kept across restarts
    local id=$1; shift
    mkdir -p "$work/data$id"
    "$NODE" -a "127.0.0.1:$(port "$id")" -i "$id" --data-dir "$work/data$id" --fsync never --log-level warning --log-file "$work/node$id.log" "$@" &
    node_pid[$id]=$!
    pids+=($!)
}
kill9_node() { kill -9 "${node_pid[$1]}" 2>/dev/null || true; wait "${node_pid[$1]}" 2>/dev/null || true; }
stop_node() { kill "${node_pid[$1]}" 2>/dev/null || true; wait "${node_pid[$1]}" 2>/dev/null || true; }
leader() {  # the id of the node that says it is master, or nothing
    for i in "$@"; do
        if redis-cli -p "$(port "$i")" info replication 2>/dev/null | grep -q "role:master"; then echo "$i"; return; fi
    done
}
wait_leader() { for _ in $(seq 1 100); do l=$(leader "$@"); [[ -n "$l" ]] && { echo "$l"; return; }; sleep 0.1; done; echo "no leader" >&2; exit 1; }
writes() {  # first last: SET k<i> v<i> through node 1's client port (followers forward)
    for i in $(seq "$1" "$2"); do redis-cli -p "$(port "${3:-1}")" set "k$i" "v$i" >/dev/null; done
}
capture_start() {  # name peer-ports
    "$CHAOS" capture --ports "$2" --out "$work/$1.pcap" 2>/dev/null &
    cap_pid=$!
    sleep 0.5
}
capture_stop() {  # name
    sleep 0.3
    kill -INT "$cap_pid"; wait "$cap_pid"
    for i in "${!node_pid[@]}"; do stop_node "$i"; done
    node_pid=()
    cp "$work/$1.pcap" "$OUT/$1.pcap"
    "$CHAOS" replay "$OUT/$1.pcap" --timeline > "$OUT/$1.timeline.txt" 2>/dev/null
    "$CHAOS" replay "$OUT/$1.pcap" --audit > "$OUT/$1.audit.txt" 2>/dev/null || true
    echo "$1: $(stat -c %s "$OUT/$1.pcap") bytes, $(wc -l < "$OUT/$1.timeline.txt") messages, $(tail -1 "$OUT/$1.audit.txt")"
}
three() { for i in 1 2 3; do start_node "$i" -e "$(ensemble)" "$@"; done; }

quiet() {  # three nodes elect a leader, take three writes, idle
    capture_start quiet "$(peers 3)"
    three
    wait_leader 1 2 3 >/dev/null
    writes 1 3
    sleep 1
    capture_stop quiet
}

election() {  # the leader is killed; the other two elect a new one in a higher term
    capture_start election "$(peers 3)"
    three
    local l; l=$(wait_leader 1 2 3)
    writes 1 3 "$l"
    stop_node "$l"
    local rest=(); for i in 1 2 3; do [[ $i != "$l" ]] && rest+=("$i"); done
    local n; n=$(wait_leader "${rest[@]}")
    writes 4 6 "$n"
    sleep 0.5
    capture_stop election
}

pause() {  # the leader is frozen (SIGSTOP) as if cut off, a new one is elected, the old one heals
    capture_start pause "$(peers 3)"
    three
    local l; l=$(wait_leader 1 2 3)
    writes 1 3 "$l"
    kill -STOP "${node_pid[$l]}"
    local rest=(); for i in 1 2 3; do [[ $i != "$l" ]] && rest+=("$i"); done
    local n; n=$(wait_leader "${rest[@]}")
    writes 4 6 "$n"
    kill -CONT "${node_pid[$l]}"
    sleep 1.5
    writes 7 8 "$n"
    sleep 0.5
    capture_stop pause
}

join() {  # a fourth node joins a cluster whose log was compacted: membership change and snapshot transfer
    capture_start join "$(peers 4)"
    three --log-max 10
    local l; l=$(wait_leader 1 2 3)
    writes 1 25 "$l"
    start_node 4 -e "127.0.0.1:$(port 1)"
    for _ in $(seq 1 50); do
        redis-cli -p "$(port 4)" get k25 2>/dev/null | grep -q v25 && break
        sleep 0.1
    done
    writes 26 27 "$l"
    sleep 0.5
    capture_stop join
}

forgotten_term() {  # a broken node (--unsafe-fault forget-term-on-restart) the audit must fail:
    # the leader is kill -9'd (the others go on in term 2), restarted, then every node is kill -9'd
    # and restarted; starting again from term 0, a candidate asks for votes in term 1 on links where
    # it had sent term 2 (the cluster may not recover: the capture just runs on for 3 s)
    local broken=(--unsafe-fault forget-term-on-restart)
    capture_start forgotten-term "$(peers 3)"
    for i in 1 2 3; do start_durable_node "$i" -e "$(ensemble)" "${broken[@]}"; done
    local l; l=$(wait_leader 1 2 3)
    writes 1 3 "$l"
    kill9_node "$l"
    local rest=(); for i in 1 2 3; do [[ $i != "$l" ]] && rest+=("$i"); done
    local n; n=$(wait_leader "${rest[@]}")
    writes 4 6 "$n"
    start_durable_node "$l" -e "$(ensemble)" "${broken[@]}"
    sleep 1
    for i in 1 2 3; do kill9_node "$i"; done
    for i in 1 2 3; do start_durable_node "$i" -e "$(ensemble)" "${broken[@]}"; done
    sleep 3
    capture_stop forgotten-term
}

scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(quiet election pause join forgotten_term)
for s in "${scenarios[@]}"; do "$s"; done
