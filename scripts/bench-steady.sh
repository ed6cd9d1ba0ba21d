#!/usr/bin/env bash
# bench-steady.sh - does a healthy cluster keep its leader under steady load?
# Starts SIZE raft-node processes (--fsync FSYNC), waits for a leader, runs one redis-benchmark load
# against it, then counts the elections and leader changes the load caused, from every node's log
# ("is a candidate", "is a leader") and from the term INFO raft shows before and after. Prints the
# nodes' own stall reports ("event loop late", "stepped down", "campaigning") so the cause of a
# change can be read off. Exits 1 if the leader changed or the load did not complete.
# This is a measurement, not a timed test: the figures depend on the machine's load (printed).
# Environment: SIZE (5), FSYNC (always|never, default always), N (200000), C (50), P (16: -P),
#   T (set), TIMEOUT_S (300), NODE_ARGS (extra raft-node arguments, e.g. "--log-level debug"),
#   RAFT_NODE (default .build/release/raft-node), KEEP=dir (copy the node logs there),
#   CPUS (e.g. 0: run the nodes and the client under `taskset -c CPUS`, to reproduce a starved
#   machine on purpose: five nodes and the client sharing one core).
# Every node serves its metrics (--metrics-addr 127.0.0.1:2640I); after the load each node's tick
# intervals, Ready turns and fsyncs are summarized from them (how late the clock came, how long the
# loop was held, how long a batch took to become durable).
# Ports: 127.0.0.1:26301-26310 and 26401-26405 only; every process started here is stopped by pid on exit.
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/common.sh
. "$ROOT/scripts/lib/common.sh"

SIZE=${SIZE:-5}; FSYNC=${FSYNC:-always}; N=${N:-200000}; C=${C:-50}; P=${P:-16}; T=${T:-set}
TIMEOUT_S=${TIMEOUT_S:-300}; NODE_ARGS=${NODE_ARGS:-}
NODE_BIN=${RAFT_NODE:-$ROOT/.build/release/raft-node}
CPUS=${CPUS:-}; PIN=()
[ -n "$CPUS" ] && { command -v taskset >/dev/null || { echo "bench-steady.sh: CPUS needs taskset (util-linux)" >&2; exit 2; }; PIN=(taskset -c "$CPUS"); }
for v in SIZE N C P TIMEOUT_S; do
  case "${!v}" in ''|*[!0-9]*|0) echo "bench-steady.sh: $v must be a positive number (got '${!v}')" >&2; exit 2;; esac
done
[ "$SIZE" -le 5 ] || { echo "bench-steady.sh: SIZE must be at most 5 (ports 26301-26310)" >&2; exit 2; }
case "$FSYNC" in always|never) ;; *) echo "bench-steady.sh: FSYNC must be always or never (got '$FSYNC')" >&2; exit 2;; esac
[ -x "$NODE_BIN" ] || { echo "bench-steady.sh: $NODE_BIN not found or not executable (swift build -c release --product raft-node, or set RAFT_NODE)" >&2; exit 2; }
command -v redis-benchmark >/dev/null || { echo "bench-steady.sh: redis-benchmark not found (apt-get install -y redis-tools)" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/raft-steady.XXXXXX") || exit 2
cleanup() { stop_all; [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$W"/n*.log "$KEEP"/ 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

declare -a PORT=() PID=()
ens=""
for i in $(seq 1 "$SIZE"); do PORT[$i]=$((26299 + 2 * i)); ens="$ens${ens:+,}$i/127.0.0.1:${PORT[$i]}"; done
need_ports $(seq 26301 $((26300 + 2 * SIZE))) $(seq 26401 $((26400 + SIZE))) || exit 2
for i in $(seq 1 "$SIZE"); do
  mkdir -p "$W/d$i"
  # shellcheck disable=SC2086
  start_bg "$W/n$i.log" "${PIN[@]}" "$NODE_BIN" -a "127.0.0.1:${PORT[$i]}" -i "$i" -e "$ens" --data-dir "$W/d$i" --fsync "$FSYNC" --metrics-addr "127.0.0.1:$((26400 + i))" $NODE_ARGS
  PID[$i]=$LASTPID
done
for i in $(seq 1 "$SIZE"); do wait_cmd 30 rcli -p "${PORT[$i]}" ping || { echo "node $i not answering PING (log: $W/n$i.log)"; exit 1; }; done
LEADER=""; end=$((SECONDS + 30))
while [ -z "$LEADER" ] && [ $SECONDS -lt $end ]; do
  for i in $(seq 1 "$SIZE"); do [ "$(info_field "${PORT[$i]}" role)" = leader ] && LEADER=$i; done
  [ -n "$LEADER" ] || sleep 0.2
done
[ -n "$LEADER" ] || { echo "no leader within 30 s"; exit 1; }
sleep 1  # let every node learn the leader before counting
count() { cat "$W"/n*.log | grep -c -- "$1"; }
c0=$(count "is a candidate"); l0=$(count "is a leader"); term0=$(info_field "${PORT[$LEADER]}" term)
echo "cluster of $SIZE (--fsync $FSYNC $NODE_ARGS${CPUS:+; on CPUs $CPUS}), leader $LEADER term $term0; load: redis-benchmark -c $C -P $P -t $T -n $N  [$(date -u +%T) load1=$(load1)]"
t0=$(now_ms)
timeout "$TIMEOUT_S" "${PIN[@]}" nice redis-benchmark -p "${PORT[$LEADER]}" -c "$C" -P "$P" -t "$T" -n "$N" --csv > "$W/rb.csv" 2>&1; st=$?
t1=$(now_ms)
line=$(grep '^"[A-Z]' "$W/rb.csv" | head -1 | tr -d '"')
term1=$(info_field "${PORT[$LEADER]}" term); role1=$(info_field "${PORT[$LEADER]}" role)
c1=$(count "is a candidate"); l1=$(count "is a leader")
echo "load took $((t1 - t0)) ms [$(date -u +%T) load1=$(load1)]: ${line:-FAILED: $(tr '\r' '\n' < "$W/rb.csv" | grep -v '^ *$' | tail -1 | cut -c1-120)}"
echo "elections during the load: $((c1 - c0)) (candidates), new leaders: $((l1 - l0)); term $term0 -> ${term1:-?}, node $LEADER is now ${role1:-?}"
# histogram summary: how many observations of METRIC exceeded each bound (seconds), per node
over() {  # over NODE METRIC BOUND...
  local node=$1 metric=$2; shift 2
  curl -s --max-time 3 "http://127.0.0.1:$((26400 + node))/metrics" | awk -v m="$metric" -v bounds="$*" '
    index($0, m "_bucket{") == 1 { le = $0; sub(/.*le="/, "", le); sub(/".*/, "", le); b[le] = $NF }
    index($0, m "_count{") == 1 { n = $NF }
    END { out = "n=" n + 0; k = split(bounds, bs, " "); for (i = 1; i <= k; i++) out = out sprintf(" >%gms:%d", bs[i] * 1000, n - b[bs[i]]); print out }'
}
echo "per node (from its metrics): tick intervals | Ready turns on the loop | fsync of a batch"
for i in $(seq 1 "$SIZE"); do
  echo "  node $i$([ "$i" = "$LEADER" ] && echo " (leader)"): ticks $(over "$i" raft_tick_interval_seconds 0.1 0.25 0.5) | turns $(over "$i" raft_ready_turn_seconds 0.025 0.05 0.1 0.25) | fsync $(over "$i" raft_fsync_latency_seconds 0.025 0.05 0.1 0.25)"
done
# the nodes' own reports, oldest first (the timestamp moved to the front to sort on it)
grep -h -E "event loop late|stepped down|campaigning|granted a|is a candidate|is a leader" "$W"/n*.log \
  | sed -E 's/^(.*\):)([0-9T:.-]+Z)\](.*)$/\2 \1]\3/' | sort | head -60
[ -n "$line" ] && [ $st = 0 ] && [ "$c1" = "$c0" ] && [ "$l1" = "$l0" ] && [ "$term1" = "$term0" ] && exit 0
exit 1
