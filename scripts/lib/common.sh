# common.sh - process bookkeeping, CPU accounting and result rows for scripts/bench.sh.
# Sourced, not run. Only PIDs this script started are ever signalled (checked against the parent pid,
# so a reused pid of another tenant's process is never hit).

declare -a PIDS=()
export BENCH_PID=$$

start_bg() {  # start_bg LOGFILE cmd args...   -> sets LASTPID
  local log=$1; shift
  "$@" >> "$log" 2>&1 &
  LASTPID=$!
  PIDS+=("$LASTPID")
}
start_bg_in() {  # start_bg_in DIR LOGFILE cmd args...  (cwd = DIR; exec keeps the pid ours)
  local dir=$1 log=$2; shift 2
  ( cd "$dir" && exec "$@" ) >> "$log" 2>&1 &
  LASTPID=$!
  PIDS+=("$LASTPID")
}
forget_pid() {
  local n=() q
  for q in "${PIDS[@]+"${PIDS[@]}"}"; do [ "$q" != "$1" ] && n+=("$q"); done
  PIDS=("${n[@]+"${n[@]}"}")
}
pstat() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null; }   # fields after "(comm) ": state ppid ...
is_our_child() { [ -n "$1" ] && [ "$(pstat "$1" | awk '{print $2}')" = "$BENCH_PID" ]; }
is_running() { is_our_child "$1" && [ "$(pstat "$1" | awk '{print $1}')" != Z ]; }
stop_pid() {  # stop_pid PID [SIGNAL]: signal (default TERM), wait up to 15 s, then KILL; reap
  local p=$1 sig=${2:-TERM} i
  if is_running "$p"; then
    kill "-$sig" "$p" 2>/dev/null
    for i in $(seq 1 150); do is_running "$p" || break; sleep 0.1; done
    is_running "$p" && kill -KILL "$p" 2>/dev/null
  fi
  wait "$p" 2>/dev/null
  forget_pid "$p"
}
kill_now() {  # kill_now PID: SIGKILL a live child of ours, reap it
  is_running "$1" && kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  forget_pid "$1"
}
stop_all() { local p; for p in "${PIDS[@]+"${PIDS[@]}"}"; do stop_pid "$p"; done; }

port_free() { ! ss -ltnH "( sport = :$1 )" 2>/dev/null | grep -q .; }
need_ports() {  # need_ports P...: all free, else say which is taken and fail
  local p
  for p in "$@"; do port_free "$p" || { echo "  SKIP: port $p already in use"; return 1; }; done
}
wait_cmd() {  # wait_cmd SECONDS cmd...: retry every 0.1 s until success
  local end=$((SECONDS + $1)); shift
  while [ $SECONDS -lt $end ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
load1() { cut -d' ' -f1 /proc/loadavg; }
rcli() { timeout "${RCLI_TIMEOUT:-3}" redis-cli -h 127.0.0.1 "$@" 2>/dev/null; }
info_field() { rcli -p "$1" INFO raft | tr -d '\r' | awk -F: -v k="$2" '$1 == k {print $2}'; }  # info_field PORT KEY

# Server CPU per operation: utime+stime (all threads) of the server pids in $SRV, sampled around a
# load run and divided by the completed operations. Much less sensitive to other tenants than ops/s.
SRV=""; CPU0=0; HZ_TCK=$(getconf CLK_TCK)
cpu_ticks() { local t=0 p v; for p in $SRV; do v=$(pstat "$p" | awk '{print $12 + $13}'); t=$((t + ${v:-0})); done; echo "$t"; }
cpu_mark() { CPU0=$(cpu_ticks); }
cpu_per_op() {  # cpu_per_op OPS -> microseconds of server CPU per op, or -
  local ops=${1:-0} d
  d=$(( $(cpu_ticks) - CPU0 ))
  case "$ops" in ''|*[!0-9]*) echo -; return;; esac
  if [ -z "$SRV" ] || [ "$ops" -le 0 ]; then echo -; return; fi
  awk -v d="$d" -v h="$HZ_TCK" -v o="$ops" 'BEGIN { v = d * 1e6 / h / o; printf((v < 10) ? "%.1f\n" : "%.0f\n", v) }'
}

# Result rows: one TSV line each in $ROWS, also echoed as a markdown row while the run goes.
#   load rows: pass  section  group  role(ref|cmp)  system  workload  ops/s  p50  p99  cpu_us_op  note
#   time rows: pass  section  group  time           system  workload  ms     -    -    -          note
# Within one (section, group, workload) the "ref" row is the reference the "cmp" rows are divided by.
row() {
  local sec=$1 grp=$2 role=$3 sys=$4 wl=$5 ops=$6 p50=$7 p99=$8 cpu=$9 note=${10:-}
  printf '| %s | %s | %s | %s | %s | %s | %s | %s load1=%s |\n' "$sys" "$wl" "$role" "$ops" "$p50" "$p99" "$cpu" "$note" "$(load1)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$PASS" "$sec" "$grp" "$role" "$sys" "$wl" "$ops" "$p50" "$p99" "$cpu" "$note" >> "$ROWS"
}
section_head() {
  echo
  echo "### pass $PASS - $1   [$(date -u +%T) load1=$(load1)]"
  echo "| system | workload | role | ops/s | p50 ms | p99 ms | srv CPU us/op | notes |"
  echo "|---|---|---|---:|---:|---:|---:|---|"
}

# rb SEC GRP ROLE SYSTEM LABEL TIMEOUT N TEST redis-benchmark-args...
# One redis-benchmark invocation for one test, so the CPU sample covers exactly that test.
rb() {
  local sec=$1 grp=$2 role=$3 sys=$4 label=$5 to=$6 n=$7 t=$8; shift 8
  local f="$OUT/rb.p$PASS.$sec.$(echo "$sys-$label-$t" | tr -c 'A-Za-z0-9=.-' '_').csv" line cpu=- st
  cpu_mark
  timeout "$to" nice -n "${CLIENT_NICE:-10}" redis-benchmark "$@" -t "$t" -n "$n" --csv > "$f" 2>&1; st=$?
  line=$(grep '^"[A-Z]' "$f" | head -1 | tr -d '"')
  if [ -n "$line" ]; then
    cpu=$(cpu_per_op "$n")
    local tt rps avg mn p50 p95 p99 mx
    IFS=, read -r tt rps avg mn p50 p95 p99 mx <<<"$line"
    row "$sec" "$grp" "$role" "$sys" "${tt} $label" "$(printf '%.0f' "$rps")" "$p50" "$p99" "$cpu" "n=$n max=${mx}ms"
  else
    local why; why=$(tr '\r' '\n' < "$f" | grep -v '^ *$' | tail -1 | cut -c1-80)
    [ $st = 124 ] && why="timeout ${to}s; $why"
    row "$sec" "$grp" "$role" "$sys" "$(echo "$t" | tr a-z A-Z) $label" FAILED - - - "$why"
  fi
}

# pyload SEC GRP ROLE SYSTEM LABEL PORT OP CONC TOTAL MAX_S: the python RESP client (resp_load.py)
pyload() {
  local sec=$1 grp=$2 role=$3 sys=$4 label=$5 port=$6 op=$7 conc=$8 total=$9 max_s=${10} r cpu
  cpu_mark
  r=$(timeout $((max_s + 30)) python3 "$LIB/resp_load.py" 127.0.0.1 "$port" "$op" "$conc" "$total" "$max_s")
  if [ -z "$(kv rps "$r")" ]; then   # killed by the timeout, or no RESULT line: say so rather than a blank row
    row "$sec" "$grp" "$role" "$sys" "$label" FAILED - - - "no result from resp_load.py within $((max_s + 30)) s"; return
  fi
  cpu=$(cpu_per_op "$(kv ops "$r")")
  row "$sec" "$grp" "$role" "$sys" "$label" "$(kv rps "$r")" "$(kv p50_ms "$r")" "$(kv p99_ms "$r")" "$cpu" \
      "n=$(kv ops "$r") err=$(kv errors "$r") lost=$(kv lost "$r")"
}
kv() { echo "$2" | grep -o "$1=[^ ]*" | head -1 | cut -d= -f2; }   # kv KEY "k=v k2=v2"
