#!/usr/bin/env bash
# membership-figures.sh - how long membership operations take on this machine, RUNS times each:
#   join      pyraft's flow: node 1 alone, node i started with -e naming node i-1; time from exec
#             of node i to node 1's RAFT.STATUS listing i as a voter (learner added, caught up, promoted)
#   transfer  RAFT.TRANSFER to a follower: time until the command answers (leadership has moved)
#   remove    SIGKILL a follower, then RAFT.REMOVE it: time of the command (the removal is committed)
#   self      RAFT.REMOVE of the leader itself (hands over first): time until a SET succeeds on a survivor
# Default timing flags (--tick-ms 100, election 10 ticks), --fsync always, data in a temp dir.
# Environment: RUNS (default 5), RAFT_NODE (default .build/debug/raft-node), BASE port (default 30800, below the ephemeral range).
# Every process started here is stopped by pid on exit.
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RAFT_NODE:-$ROOT/.build/debug/raft-node}
RUNS=${RUNS:-5}
BASE=${BASE:-30800}
W=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }
cli() { timeout 10 redis-cli -p "$1" "${@:2}" 2>/dev/null; }
start() { # id port [extra...]
    "$BIN" -a "127.0.0.1:$2" -i "$1" --data-dir "$W/r$run-n$1" "${@:3}" >>"$W/r$run-n$1.log" 2>&1 &
    pids+=($!)
    eval "PID_$1=$!"
}
wait_until() { # seconds command...
    local deadline=$(( $(ms) + $1 * 1000 ))
    while (( $(ms) < deadline )); do "${@:2}" && return 0; sleep 0.02; done
    return 1
}
is_voter() { cli "$1" raft.status | tr '\n' ' ' | grep -q " $2 address [^ ]* peer_address [^ ]* role voter"; }
leader_of() { cli "$1" info raft | tr -d '\r' | sed -n 's/^leader://p'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "n/a")}'; }

declare -a J2 J3 TR RM SELF
for ((run = 1; run <= RUNS; run++)); do
    P1=$BASE P2=$((BASE + 2)) P3=$((BASE + 4))
    start 1 "$P1"
    wait_until 10 is_voter "$P1" 1 || { echo "node 1 never led"; exit 1; }
    t=$(ms); start 2 "$P2" -e "127.0.0.1:$P1"
    wait_until 20 is_voter "$P1" 2 && J2+=($(( $(ms) - t )))
    t=$(ms); start 3 "$P3" -e "127.0.0.1:$P2"
    wait_until 20 is_voter "$P1" 3 && J3+=($(( $(ms) - t )))
    L=$(leader_of "$P1")
    t=$(ms); [ "$(cli "$((BASE + 2 * (L - 1)))" raft.transfer $(( L % 3 + 1 )))" = OK ] && TR+=($(( $(ms) - t )))
    L=$(leader_of "$P1")
    F=$(( L % 3 + 1 ))
    eval "kill -9 \$PID_$F"
    t=$(ms); [ "$(cli "$((BASE + 2 * (L - 1)))" raft.remove "$F")" = OK ] && RM+=($(( $(ms) - t )))
    S=$(( 6 - L - F ))
    t=$(ms); cli "$((BASE + 2 * (L - 1)))" raft.remove "$L" >/dev/null
    wait_until 20 sh -c "[ \"\$(timeout 2 redis-cli -p $((BASE + 2 * (S - 1))) set k v 2>/dev/null)\" = OK ]" && SELF+=($(( $(ms) - t )))
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    pids=()
    BASE=$((BASE + 10))
done
printf '%-44s %s\n' "figure (ms, median of $RUNS; all values)" ""
printf '%-44s %s  (%s)\n' "join: node 2 via node 1, exec to voter" "$(printf '%s\n' "${J2[@]}" | median)" "${J2[*]}"
printf '%-44s %s  (%s)\n' "join: node 3 via node 2, exec to voter" "$(printf '%s\n' "${J3[@]}" | median)" "${J3[*]}"
printf '%-44s %s  (%s)\n' "RAFT.TRANSFER answered" "$(printf '%s\n' "${TR[@]}" | median)" "${TR[*]}"
printf '%-44s %s  (%s)\n' "RAFT.REMOVE of a dead follower answered" "$(printf '%s\n' "${RM[@]}" | median)" "${RM[*]}"
printf '%-44s %s  (%s)\n' "RAFT.REMOVE of the leader to first SET OK" "$(printf '%s\n' "${SELF[@]}" | median)" "${SELF[*]}"
