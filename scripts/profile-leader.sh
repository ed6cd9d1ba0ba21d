#!/usr/bin/env bash
# profile-leader.sh - instruction counts of a 3-node cluster's leader under redis-benchmark, with
# callgrind. Instruction counts repeat from run to run on this shared machine where wall times do not.
#
#   bash scripts/profile-leader.sh [LOAD...]        LOAD: set | get | set-P16 | get-P16 (default: set)
#
# Node 1 runs under `valgrind --tool=callgrind` with a short election timeout and nodes 2-3 with a
# long one, so node 1 leads. Instrumentation is off during start-up and election (which then run
# at nearly full speed) and switched on for the load only (callgrind_control -z, -i on, -i off,
# -d), so the totals are the load's. Per load it prints the instructions per request and writes callgrind.LOAD.out and callgrind.LOAD.txt (callgrind_annotate,
# inclusive and self) under PROFILE_OUT (default .build/profile/<stamp>).
# Environment: RAFT_NODE (default .build/release/raft-node), N (requests, default 50000), C (clients,
# default 50), FSYNC (always|never, default always).
# Ports 127.0.0.1:26701-26706; every process started here is stopped by its pid.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NODE_BIN=${RAFT_NODE:-$ROOT/.build/release/raft-node}
N=${N:-50000}; C=${C:-50}; FSYNC=${FSYNC:-always}
OUT=${PROFILE_OUT:-$ROOT/.build/profile/$(date -u +%Y%m%d-%H%M%S)}
LOADS=("$@"); [ ${#LOADS[@]} -gt 0 ] || LOADS=(set)
for t in cc objcopy valgrind callgrind_control callgrind_annotate redis-benchmark redis-cli; do
  command -v "$t" >/dev/null || { echo "profile-leader.sh: $t not found (apt-get install valgrind redis-tools)" >&2; exit 2; }
done
[ -x "$NODE_BIN" ] || { echo "profile-leader.sh: $NODE_BIN missing (swift build -c release --product raft-node)" >&2; exit 2; }
for l in "${LOADS[@]}"; do case $l in set|get|set-P16|get-P16) ;; *) echo "profile-leader.sh: unknown load '$l'" >&2; exit 2;; esac; done
mkdir -p "$OUT"
# Debian's valgrind 3.19 cannot read the DWARF 5 that swift emits ("Possibly corrupted debuginfo
# file"): profile a copy without debug info; the symbol table still names every function.
PROF_BIN=$OUT/raft-node.nodebug
objcopy --strip-debug "$NODE_BIN" "$PROF_BIN" || { echo "profile-leader.sh: objcopy failed" >&2; exit 2; }
# valgrind 3.19 writes into the mask passed to sigsuspend, and libdispatch's main-thread parking
# (dispatchMain) passes one in read-only memory: valgrind dies with SIGSEGV. A preloaded
# sigsuspend copies the mask to the stack first.
printf '%s\n' '#define _GNU_SOURCE' '#include <signal.h>' '#include <unistd.h>' '#include <sys/syscall.h>' \
  'int sigsuspend(const sigset_t *mask) { sigset_t m = *mask; return (int)syscall(SYS_rt_sigsuspend, &m, 8); }' > "$OUT/sigsuspend-shim.c"
cc -shared -fPIC -O2 -o "$OUT/sigsuspend-shim.so" "$OUT/sigsuspend-shim.c" || { echo "profile-leader.sh: cc failed" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/raft-profile.XXXXXX") || exit 2
PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done; rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

ens="1/127.0.0.1:26701,2/127.0.0.1:26703,3/127.0.0.1:26705"
for i in 1 2 3; do
  port=$((26699 + 2 * i)); mkdir -p "$W/n$i"
  args=(-a "127.0.0.1:$port" -i "$i" -e "$ens" --data-dir "$W/n$i" --fsync "$FSYNC")
  if [ "$i" = 1 ]; then
    # Node 1 campaigns after 1-2 s (20 ticks of 50 ms); nodes 2-3 wait 100-200 s (2000 ticks), since valgrind slows node 1
    # ~30x and on a loaded machine its start-up alone took more than the 15 s they used to wait.
    LD_PRELOAD=$OUT/sigsuspend-shim.so valgrind --tool=callgrind --dump-instr=no --instr-atstart=no --callgrind-out-file="$OUT/callgrind.startup.out" \
      "$PROF_BIN" "${args[@]}" --election-ticks 20 > "$OUT/n1.log" 2>&1 &
  else
    "$NODE_BIN" "${args[@]}" --election-ticks 2000 > "$OUT/n$i.log" 2>&1 &
  fi
  PIDS+=($!)
done
VG=${PIDS[0]}
leader=""
for _ in $(seq 1 450); do
  [ "$(timeout 2 redis-cli -p 26701 INFO raft 2>/dev/null | tr -d '\r' | sed -n 's/^role://p')" = leader ] && { leader=1; break; }
  sleep 0.2
done
[ -n "$leader" ] || { echo "profile-leader.sh: node 1 did not become leader within 90 s" >&2; exit 1; }
echo "load1 at start: $(cut -d' ' -f1 /proc/loadavg)"
timeout 60 redis-benchmark -p 26701 -t set -n 2000 -c "$C" -q > /dev/null  # warm: keys exist for GET

for l in "${LOADS[@]}"; do
  case $l in set) t=set; p=1;; get) t=get; p=1;; set-P16) t=set; p=16;; get-P16) t=get; p=16;; esac
  callgrind_control -z "$VG" > /dev/null
  callgrind_control -i on "$VG" > /dev/null
  timeout 900 redis-benchmark -p 26701 -t "$t" -n "$N" -c "$C" -P "$p" -q | tr "\r" "\n" | grep -v "^ *$" | tail -1
  callgrind_control -i off "$VG" > /dev/null
  callgrind_control -d "$l" "$VG" > /dev/null
  sleep 1
  f=$(ls -t "$OUT"/callgrind.startup.out.* 2>/dev/null | head -1)
  [ -n "$f" ] || { echo "profile-leader.sh: no dump for $l" >&2; exit 1; }
  mv "$f" "$OUT/callgrind.$l.out"
  callgrind_annotate --inclusive=yes "$OUT/callgrind.$l.out" > "$OUT/callgrind.$l.incl.txt" 2>/dev/null
  callgrind_annotate "$OUT/callgrind.$l.out" > "$OUT/callgrind.$l.txt" 2>/dev/null
  total=$(grep -m1 -E '^ *[0-9,]+ .*PROGRAM TOTALS' "$OUT/callgrind.$l.txt" | awk '{gsub(",","",$1); print $1}')
  echo "$l: $total instructions, $((total / N)) per request (leader, -c $C -P $p, n=$N, fsync $FSYNC)"
done
echo "load1 at end: $(cut -d' ' -f1 /proc/loadavg); files in $OUT"
