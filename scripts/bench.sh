#!/usr/bin/env bash
# bench.sh - this project's raft-node measured side by side with its references in ONE run, with ratios.
# The machine is shared and noisy, so every comparison is made back to back inside one invocation and
# reported as a ratio (node / reference); server CPU per op is given for every load row.
#
# Sections (ONLY=comma list; default mem,durable,rss,failover,pyraft,etcd; ONLY=all adds restart):
#   mem       redis-server (no persistence) vs the 3-node cluster's leader and a follower (forwarding),
#             and a 5-node cluster's leader; redis-benchmark SET/GET -c 50, without and with -P 16.
#             Node --fsync $NODE_FSYNC_MEM (never).
#   durable   redis-server --appendonly yes --appendfsync always vs the 3-node and 5-node clusters
#             --fsync always: SET -c 1, SET and GET -c 50 without and with -P 16 (3 nodes), SET -c 50
#             without and with -P 16 (5 nodes).
#   rss       VmRSS after RSS_N SETs of 100 bytes (-r RSS_N): redis-server vs each node of a 3-node cluster.
#   failover  SIGKILL the leader, time to the first +OK SET on a survivor (20 ms polls, 30 s bound);
#             restart the killed node; FAILOVERS times; median/min/max.
#   restart   1-node cluster loaded with RESTART_N SETs (-P 64, random keys), SIGTERM, time from exec to
#             PING answered and applied_index back; then the same after CHECKPOINT (snapshot); then a
#             fresh node with exactly RESTART_N distinct keys (redis-cli --pipe), CHECKPOINT, restart. Long.
#   pyraft    3-node pyraft (pip install pyraft) vs the 3-node cluster, same python RESP client.
#   etcd      3-node etcd vs the 3-node cluster --fsync always, with etcd's `benchmark` tool when found
#             (ETCD_BENCHMARK), else etcdctl vs redis-cli, one process per request. Skipped without etcd.
# Environment: QUICK=1 (tiny counts: proves the script works, no figures), RUNS=N passes (default 1), FAILOVERS (default 5),
#   RAFT_NODE=path (default .build/release/raft-node), BENCH_OUT=dir for raw results
#   (default .build/bench/<stamp>), BENCH_RESULTS=dir for the results table (default bench-results:
#   <stamp>.tsv, one row per figure, and `latest` pointing at it), NODE_FSYNC_MEM=never|always, RESTART_N (default 1000000),
#   CLIENT_NICE (default 10: redis-benchmark runs at this niceness, so on a loaded machine the
#   servers measured, not the client, get the CPU; the same for every system).
# Ports: 127.0.0.1:26000-26999 only. Every load is bounded by a request count and `timeout`; every
# process started here is stopped by pid on exit; data dirs live in a mktemp dir deleted at the end.
set -u
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIB=$ROOT/scripts/lib
# shellcheck source=lib/common.sh
. "$LIB/common.sh"

RUNS=${RUNS:-1}
QUICK=${QUICK:-0}
ONLY=${ONLY:-mem,durable,rss,failover,pyraft,etcd}
[ "$ONLY" = all ] && ONLY=mem,durable,rss,failover,restart,pyraft,etcd
NODE_BIN=${RAFT_NODE:-$ROOT/.build/release/raft-node}
NODE_FSYNC_MEM=${NODE_FSYNC_MEM:-never}
FAILOVER_SIGNAL=${FAILOVER_SIGNAL:-KILL}  # TERM: the leader shuts down gracefully (hands leadership over)
STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=${BENCH_OUT:-$ROOT/.build/bench/$STAMP}
RESULTS=${BENCH_RESULTS:-$ROOT/bench-results}
if [ "$QUICK" = 1 ]; then
  # tiny counts: proves every section runs end to end, gives no figures worth keeping
  N=${N:-2000}; N_PIPE=${N_PIPE:-10000}; N_PY=${N_PY:-500}; FAILOVERS=${FAILOVERS:-1}; RESTART_N=${RESTART_N:-5000}
  RSS_N=${RSS_N:-10000}; N_ETCD=${N_ETCD:-1000}; N_SPAWN=${N_SPAWN:-100}; PY_MAX_S=${PY_MAX_S:-15}
else
  N=${N:-200000}; N_PIPE=${N_PIPE:-1000000}; N_PY=${N_PY:-20000}; FAILOVERS=${FAILOVERS:-5}; RESTART_N=${RESTART_N:-1000000}
  RSS_N=${RSS_N:-1000000}; N_ETCD=${N_ETCD:-100000}; N_SPAWN=${N_SPAWN:-2000}; PY_MAX_S=${PY_MAX_S:-60}
fi
for v in RUNS N N_PIPE N_PY FAILOVERS RESTART_N RSS_N N_ETCD N_SPAWN PY_MAX_S; do
  case "${!v}" in ''|*[!0-9]*|0) echo "bench.sh: $v must be a positive number (got '${!v}')" >&2; exit 2;; esac
done
CLIENT_NICE=${CLIENT_NICE:-10}
case "$CLIENT_NICE" in ''|*[!0-9]*) echo "bench.sh: CLIENT_NICE must be a niceness 0-19 (got '$CLIENT_NICE')" >&2; exit 2;; esac
[ "$CLIENT_NICE" -le 19 ] || { echo "bench.sh: CLIENT_NICE must be a niceness 0-19 (got '$CLIENT_NICE')" >&2; exit 2; }
export CLIENT_NICE
for s in ${ONLY//,/ }; do
  case "$s" in mem|durable|rss|failover|restart|pyraft|etcd) ;; *) echo "bench.sh: unknown section '$s' in ONLY (mem,durable,rss,failover,restart,pyraft,etcd,all)" >&2; exit 2;; esac
done
for t in redis-server redis-cli redis-benchmark python3 ss timeout; do
  command -v "$t" >/dev/null || { echo "bench.sh: $t not found (apt-get install -y redis-server redis-tools iproute2 python3)" >&2; exit 2; }
done
want() { case ",$ONLY," in *,"$1",*) return 0;; esac; return 1; }

mkdir -p "$OUT" || exit 2
W=$(mktemp -d "${TMPDIR:-/tmp}/raft-bench.XXXXXX") || exit 2
ROWS=$OUT/rows.tsv
: > "$ROWS"
PASS=0
cleanup() { stop_all; rm -rf "$W"; }
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

NODE_OK=0; NODE_WHY="$NODE_BIN not found or not executable (make release, or set RAFT_NODE)"
if [ -x "$NODE_BIN" ]; then
  if "$NODE_BIN" --help 2>&1 | grep -q -- '--data-dir'; then NODE_OK=1
  else NODE_WHY="$NODE_BIN --help does not list --data-dir (old build?)"; fi
fi
node_skip() {  # node_skip SECTION GROUP WORKLOAD: a visible SKIP row instead of node figures
  echo "  SKIP node rows: $NODE_WHY"
  row "$1" "$2" cmp "raft-node" "$3" SKIP - - - "$NODE_WHY"
}

###########################################################################################
# servers
###########################################################################################
REDIS_PID=""
redis_start() {  # redis_start PORT NAME extra-args...  -> REDIS_PID
  local port=$1 name=$2; shift 2
  need_ports "$port" || return 1
  mkdir -p "$W/$name"
  start_bg "$OUT/$name.p$PASS.log" redis-server --port "$port" --bind 127.0.0.1 --save '' --dir "$W/$name" "$@"
  REDIS_PID=$LASTPID
  wait_cmd 10 rcli -p "$port" ping || { echo "  redis-server on $port did not start"; stop_pid "$REDIS_PID"; return 1; }
}

# SIZE-node cluster (3 or 5): client ports 26101/26103/... (peers +1). NPORT[i], NPID[i], NARGS[i]
# for i=1..CL_SIZE.
declare -a NPORT=() NPID=() NARGS=()
CL_NAME=""; CL_SIZE=3
node_start_one() {  # node_start_one I
  local i=$1
  # shellcheck disable=SC2086
  start_bg "$OUT/$CL_NAME-n$i.p$PASS.log" "$NODE_BIN" ${NARGS[$i]}
  NPID[$i]=$LASTPID
}
cluster_start() {  # cluster_start NAME FSYNC [SIZE]
  CL_CANDIDATES0=""
  CL_NAME=$1; CL_SIZE=${3:-3}; local fsync=$2 i ens=""
  NPORT=(); NPID=(); NARGS=()
  need_ports $(seq 26101 $((26100 + 2 * CL_SIZE))) || return 1
  for i in $(seq 1 "$CL_SIZE"); do NPORT[$i]=$((26099 + 2 * i)); ens="$ens${ens:+,}$i/127.0.0.1:${NPORT[$i]}"; done
  for i in $(seq 1 "$CL_SIZE"); do
    mkdir -p "$W/$CL_NAME/n$i"
    NARGS[$i]="-a 127.0.0.1:${NPORT[$i]} -i $i -e $ens --data-dir $W/$CL_NAME/n$i --fsync $fsync"
    node_start_one "$i"
  done
  for i in $(seq 1 "$CL_SIZE"); do wait_cmd 30 rcli -p "${NPORT[$i]}" ping || { echo "  node $i not answering PING"; cluster_stop; return 1; }; done
  LEADER=$(wait_leader 30 "${NPORT[@]}")
  [ -n "$LEADER" ] || { echo "  no leader within 30 s"; cluster_stop; return 1; }
  CL_CANDIDATES0=$(cluster_log_count "is a candidate")
}
# Lines matching $1 in the current cluster's logs of this pass (elections: "is a candidate").
cluster_log_count() { cat "$OUT/$CL_NAME"-n*.p"$PASS".log 2>/dev/null | grep -c -- "$1"; }
CL_CANDIDATES0=""
cluster_stop() {
  # Elections after the first leader: a healthy cluster under steady load should have none. The
  # nodes log why one started ("campaigning", "granted a pre-vote", "stepped down", "event loop late").
  local e; [ -n "$CL_CANDIDATES0" ] && e=$(( $(cluster_log_count "is a candidate") - CL_CANDIDATES0 )) && echo "  $CL_NAME: $e election(s) after the first leader (logs: $OUT/$CL_NAME-n*.p$PASS.log)"
  local i; for i in $(seq 1 "$CL_SIZE"); do [ -n "${NPID[$i]:-}" ] && stop_pid "${NPID[$i]}"; NPID[$i]=""; done; rm -rf "${W:?}/$CL_NAME"; }
cluster_pids() { echo "${NPID[*]}"; }

find_leader() {  # find_leader PORT...: the port whose INFO raft says role:leader; else the first that takes a SET
  local p
  for p in "$@"; do [ "$(info_field "$p" role)" = leader ] && { echo "$p"; return; }; done
  for p in "$@"; do [ "$(RCLI_TIMEOUT=2 rcli -p "$p" SET __leader_probe 1)" = OK ] && { echo "$p"; return; }; done
}
wait_leader() {  # wait_leader SECONDS PORT...
  local end=$((SECONDS + $1)) l; shift
  while [ $SECONDS -lt $end ]; do l=$(find_leader "$@"); [ -n "$l" ] && { echo "$l"; return; }; sleep 0.2; done
}

###########################################################################################
# 1. in-memory: redis (no persistence) vs node leader and follower
###########################################################################################
sec_mem() {
  section_head "mem: redis-server (no persistence) vs 3-node raft-node (--fsync $NODE_FSYNC_MEM): leader and follower"
  redis_start 26010 redis-mem --appendonly no || { row mem c50 ref redis FAILED - - - "redis-server did not start"; return; }
  local rpid=$REDIS_PID node=0 F="" p n
  if [ $NODE_OK = 1 ]; then
    if cluster_start mem "$NODE_FSYNC_MEM"; then
      node=1
      for p in "${NPORT[@]}"; do [ "$p" != "$LEADER" ] && { F=$p; break; }; done
      echo "  node leader=$LEADER follower=$F"
    else row mem c50 cmp "raft-node 3x" start FAILED - - - "cluster did not start (logs in $OUT)"; fi
  else node_skip mem c50 "SET/GET c=50"; fi
  local label args t
  for label in "c=50" "c=50 -P 16"; do
    args=(-c 50); n=$N
    [ "$label" != "c=50" ] && { args+=(-P 16); n=$N_PIPE; }
    for t in set get; do
      SRV=$rpid; rb mem "$label" ref "redis (no persistence)" "$label" 120 "$n" "$t" -p 26010 "${args[@]}"
      if [ $node = 1 ]; then
        SRV=$(cluster_pids)
        rb mem "$label" cmp "raft-node 3x leader" "$label" 180 "$n" "$t" -p "$LEADER" "${args[@]}"
        rb mem "$label" cmp "raft-node 3x follower" "$label" 180 "$n" "$t" -p "$F" "${args[@]}"
      fi
    done
  done
  [ $node = 1 ] && cluster_stop
  # The 5-node cluster (the size make chaos N=5 uses), divided by the same redis rows.
  if [ $NODE_OK = 1 ]; then
    if cluster_start mem5 "$NODE_FSYNC_MEM" 5; then
      echo "  5-node leader=$LEADER"
      for label in "c=50" "c=50 -P 16"; do
        args=(-c 50); n=$N
        [ "$label" != "c=50" ] && { args+=(-P 16); n=$N_PIPE; }
        for t in set get; do
          SRV=$(cluster_pids); rb mem "$label" cmp "raft-node 5x leader" "$label" 180 "$n" "$t" -p "$LEADER" "${args[@]}"
        done
      done
      cluster_stop
    else row mem c50 cmp "raft-node 5x" start FAILED - - - "5-node cluster did not start (logs in $OUT)"; fi
  fi
  SRV=""; stop_pid "$rpid"; rm -rf "$W/redis-mem"
}

###########################################################################################
# 2. durable writes: redis AOF fsync always vs node --fsync always
###########################################################################################
sec_durable() {
  section_head "durable: redis-server appendfsync always vs 3-node raft-node --fsync always (leader)"
  redis_start 26020 redis-aof --appendonly yes --appendfsync always || { row durable c50 ref "redis (AOF always)" FAILED - - - "redis-server did not start"; return; }
  local rpid=$REDIS_PID node=0 label n args
  if [ $NODE_OK = 1 ]; then
    if cluster_start durable always; then node=1; echo "  node leader=$LEADER"
    else row durable c50 cmp "raft-node 3x" start FAILED - - - "cluster did not start (logs in $OUT)"; fi
  else node_skip durable c50 "SET c=50"; fi
  # One client (the latency of one write: fsyncs on two nodes and a round trip), 50 clients,
  # and pipelined; then linearizable GETs (ReadIndex) beside redis's.
  local spec t
  for spec in "set|c=1" "set|c=50" "set|c=50 -P 16" "get|c=50" "get|c=50 -P 16"; do
    t=${spec%%|*}; label=${spec#*|}
    case "$label" in
      c=1) args=(-c 1); n=$((N / 20)) ;;
      c=50) args=(-c 50); n=$N ;;
      *) args=(-c 50 -P 16); n=$((N_PIPE / 2)) ;;
    esac
    SRV=$rpid; rb durable "$label" ref "redis (AOF fsync always)" "$label" 180 "$n" "$t" -p 26020 "${args[@]}"
    if [ $node = 1 ]; then
      SRV=$(cluster_pids); rb durable "$label" cmp "raft-node 3x fsync always, leader" "$label" 240 "$n" "$t" -p "$LEADER" "${args[@]}"
    fi
  done
  [ $node = 1 ] && cluster_stop
  if [ $NODE_OK = 1 ]; then
    if cluster_start durable5 always 5; then
      echo "  5-node leader=$LEADER"
      for label in "c=50" "c=50 -P 16"; do
        args=(-c 50); n=$N
        [ "$label" != "c=50" ] && { args+=(-P 16); n=$((N_PIPE / 2)); }
        SRV=$(cluster_pids); rb durable "$label" cmp "raft-node 5x fsync always, leader" "$label" 240 "$n" set -p "$LEADER" "${args[@]}"
      done
      cluster_stop
    else row durable c50 cmp "raft-node 5x" start FAILED - - - "5-node cluster did not start (logs in $OUT)"; fi
  fi
  SRV=""; stop_pid "$rpid"; rm -rf "$W/redis-aof"
}

###########################################################################################
# 3. memory: RSS after RSS_N SETs of 100-byte values, redis-server beside every raft-node node
###########################################################################################
rss_mb() { awk '/^VmRSS/ {printf "%.1f\n", $2 / 1024}' "/proc/$1/status" 2>/dev/null; }  # rss_mb PID
sec_rss() {
  section_head "rss: resident memory after $RSS_N SETs (-r $RSS_N -d 100), redis-server vs each node of a 3-node raft-node"
  # -P 16 only makes the load quicker; the data left behind is that of redis-benchmark -t set -n N -r N -d 100
  local load=(-c 50 -P 16 -r "$RSS_N" -d 100) label="RSS after $RSS_N SETs -r $RSS_N -d 100"
  redis_start 26030 redis-rss --appendonly no || { row rss rss rssref redis FAILED - - - "redis-server did not start"; return; }
  local rpid=$REDIS_PID r keys
  SRV=$rpid; rb rss load info "redis (no persistence)" "-P 16 -r $RSS_N -d 100 (load)" 600 "$RSS_N" set -p 26030 "${load[@]}"
  r=$(rss_mb "$rpid"); keys=$(rcli -p 26030 DBSIZE)
  row rss rss rssref "redis-server (no persistence)" "$label" "${r:-FAILED}" - - - "MB; keys=$keys"
  SRV=""; stop_pid "$rpid"; rm -rf "$W/redis-rss"
  [ $NODE_OK = 1 ] || { node_skip rss rss "$label"; return; }
  cluster_start rss "$NODE_FSYNC_MEM" || { row rss rss rss "raft-node 3x" "$label" FAILED - - - "cluster did not start"; return; }
  SRV=$(cluster_pids); rb rss load info "raft-node 3x leader" "-P 16 -r $RSS_N -d 100 (load)" 900 "$RSS_N" set -p "$LEADER" "${load[@]}"
  SRV=""
  # Every node's RSS once it has applied what the leader has (followers may lag), bounded by 60 s.
  local target i a end=$((SECONDS + 60)) all max=0 each=""
  target=$(info_field "$LEADER" applied_index)
  for i in $(seq 1 "$CL_SIZE"); do
    while [ $SECONDS -lt $end ]; do
      a=$(info_field "${NPORT[$i]}" applied_index)
      case "$a$target" in ''|*[!0-9]*) break;; esac
      [ "$a" -ge "$target" ] && break
      sleep 0.2
    done
  done
  keys=$(rcli -p "$LEADER" DBSIZE)
  for i in $(seq 1 "$CL_SIZE"); do
    r=$(rss_mb "${NPID[$i]}"); each="$each${each:+ }n$i=${r:-?}"
    [ -n "$r" ] && max=$(awk -v a="$max" -v b="$r" 'BEGIN {print (b > a) ? b : a}')
  done
  [ "$max" = 0 ] && max=FAILED
  row rss rss rss "raft-node 3x, largest node" "$label" "$max" - - - "MB; $each; leader port $LEADER; keys=$keys; applied_index=$target"
  cluster_stop
}

###########################################################################################
# 4. failover: SIGKILL the leader, time to the first +OK SET through any survivor
###########################################################################################
sec_failover() {
  section_head "failover: SIG$FAILOVER_SIGNAL the leader of a 3-node raft-node (--fsync always), first OK SET on a survivor"
  [ $NODE_OK = 1 ] || { node_skip failover failover "SIGKILL leader"; return; }
  cluster_start failover always || { row failover failover time "raft-node 3x" "SIGKILL leader -> first OK SET" FAILED - - - "cluster did not start"; return; }
  local k i li t0 t1 el p okf polls survivors jobs times=() fails=0
  for k in $(seq 1 "$FAILOVERS"); do
    LEADER=$(wait_leader 30 "${NPORT[1]}" "${NPORT[2]}" "${NPORT[3]}")
    [ -n "$LEADER" ] || { echo "  trial $k: no leader within 30 s"; fails=$((fails + 1)); break; }
    li=$(( (LEADER - 26099) / 2 )); survivors=()
    for i in 1 2 3; do [ "$i" != "$li" ] && survivors+=("${NPORT[$i]}"); done
    rcli -p "$LEADER" SET failover warm > /dev/null
    # Every 20 ms one SET per survivor, each in its own short-lived redis-cli (bounded by a 1 s
    # timeout), so a SET stuck on a follower that still forwards to the dead leader does not delay
    # the next poll. The time is that of the first +OK, from the kill.
    okf=$W/failover.$k.ok; : > "$okf"; polls=0; jobs=()
    if [ "$FAILOVER_SIGNAL" = TERM ]; then kill -TERM "${NPID[$li]}"; else kill_now "${NPID[$li]}"; fi; t0=$(now_ms)
    while [ $(( $(now_ms) - t0 )) -lt 30000 ] && [ ! -s "$okf" ]; do
      for p in "${survivors[@]}"; do
        ( r=$(timeout 1 redis-cli -p "$p" SET failover "$k" 2>/dev/null); [ "$r" = OK ] && now_ms >> "$okf" ) &
        jobs+=("$!"); polls=$((polls + 1))
      done
      sleep 0.02
    done
    wait "${jobs[@]}" 2>/dev/null
    t1=$(sort -n "$okf" | head -1)
    if [ -n "$t1" ]; then el=$((t1 - t0)); times+=("$el"); echo "  trial $k: killed n$li, first OK SET after $el ms ($polls SET attempts)"
    else fails=$((fails + 1)); echo "  trial $k: killed n$li, no OK SET within 30 s"; fi
    [ "$FAILOVER_SIGNAL" = TERM ] && stop_pid "${NPID[$li]}"  # reap the gracefully stopping node
    node_start_one "$li"
    wait_cmd 30 rcli -p "${NPORT[$li]}" ping || echo "  restarted n$li does not answer PING"
    wait_leader 30 "${NPORT[1]}" "${NPORT[2]}" "${NPORT[3]}" > /dev/null
    sleep 1   # let the restarted node catch up before the next kill
  done
  if [ ${#times[@]} -gt 0 ]; then
    local s; s=$(printf '%s\n' "${times[@]}" | sort -n)
    local med; med=$(echo "$s" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}')
    row failover failover time "raft-node 3x" "SIG$FAILOVER_SIGNAL leader -> first OK SET (median)" "$med" - - - \
        "min=$(echo "$s" | head -1) max=$(echo "$s" | tail -1) trials=${#times[@]} failed=$fails all=$(echo "$s" | paste -sd/)"
  else
    row failover failover time "raft-node 3x" "SIG$FAILOVER_SIGNAL leader -> first OK SET (median)" FAILED - - - "failed=$fails"
  fi
  cluster_stop
}

###########################################################################################
# 5. restart: replay of a long log, then of a snapshot
###########################################################################################
RS_ARGS=""
applied_now() {  # applied_now PORT: applied_index from INFO raft, retried (the node may be busy just after a start)
  local a i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    a=$(RCLI_TIMEOUT=10 info_field "$1" applied_index)
    case "$a" in ''|*[!0-9]*) sleep 0.5;; *) echo "$a"; return;; esac
  done
}
restart_time() {  # restart_time LABEL TARGET_APPLIED WHAT: start the node, time until PONG and applied_index >= target
  local label=$1 target=$2 what=$3 t0 t_pong="" t_ok="" a=""
  case "$target" in ''|*[!0-9]*) row restart restart time "raft-node 1x" "$label" FAILED - - - "no applied_index to wait for (INFO raft gave '$target')"; return;; esac
  # shellcheck disable=SC2086
  t0=$(now_ms); start_bg "$OUT/restart.p$PASS.log" "$NODE_BIN" $RS_ARGS; RS_PID=$LASTPID
  while [ $(( $(now_ms) - t0 )) -lt 600000 ] && is_running "$RS_PID"; do
    if [ "$(RCLI_TIMEOUT=2 rcli -p 26201 ping)" = PONG ]; then
      [ -z "$t_pong" ] && t_pong=$(now_ms)
      a=$(info_field 26201 applied_index)
      case "$a" in ''|*[!0-9]*) ;; *) [ "$a" -ge "$target" ] && { t_ok=$(now_ms); break; };; esac
    fi
    sleep 0.02
  done
  if [ -n "$t_ok" ]; then
    row restart restart time "raft-node 1x" "$label" $((t_ok - t0)) - - - \
        "$what; first PONG after $((t_pong - t0)) ms; applied_index=$a (target $target); data dir $(du -sh "$W/restart" | cut -f1); rss $(awk '/VmRSS/{print $2 $3}' /proc/$RS_PID/status)"
  else
    row restart restart time "raft-node 1x" "$label" FAILED - - - "applied_index=${a:-?} target=$target (not reached in 600 s or node exited)"
  fi
}
sec_restart() {
  section_head "restart: 1-node raft-node with $RESTART_N SETs in its log, then after CHECKPOINT"
  [ $NODE_OK = 1 ] || { node_skip restart restart "restart"; return; }
  need_ports 26201 26202 || return
  mkdir -p "$W/restart"
  # --log-max above the load keeps every entry in the log (no automatic snapshot)
  RS_ARGS="-a 127.0.0.1:26201 -i 1 --data-dir $W/restart --log-max $((RESTART_N * 4)) --fsync ${RESTART_FSYNC:-always}"
  # shellcheck disable=SC2086
  start_bg "$OUT/restart.p$PASS.log" "$NODE_BIN" $RS_ARGS; RS_PID=$LASTPID
  wait_cmd 30 rcli -p 26201 ping && [ -n "$(wait_leader 30 26201)" ] || { row restart restart time "raft-node 1x" start FAILED - - - "1-node cluster did not start"; stop_pid "$RS_PID"; return; }
  SRV=$RS_PID
  rb restart load info "raft-node 1x" "-P 64 -r $RESTART_N (load)" 1200 "$RESTART_N" set -p 26201 -c 50 -P 64 -r "$RESTART_N"
  SRV=""
  local before keys cp
  before=$(applied_now 26201)
  keys=$(rcli -p 26201 DBSIZE)
  echo "  loaded: applied_index=$before keys=$keys data dir $(du -sh "$W/restart" | cut -f1)"
  [ -n "$before" ] || { row restart restart time "raft-node 1x" "restart" FAILED - - - "no applied_index in INFO raft"; stop_pid "$RS_PID"; return; }
  stop_pid "$RS_PID" TERM
  restart_time "restart from log" "$before" "log of $before entries, $keys keys"
  is_running "$RS_PID" || return
  before=$(applied_now 26201)
  cp=$(RCLI_TIMEOUT=300 rcli -p 26201 CHECKPOINT)
  echo "  CHECKPOINT -> $cp; data dir $(du -sh "$W/restart" | cut -f1)"
  stop_pid "$RS_PID" TERM
  restart_time "restart after CHECKPOINT" "$before" "snapshot at index $cp, $keys keys"
  stop_pid "$RS_PID"
  rm -rf "$W/restart"
  # A snapshot of exactly RESTART_N distinct keys (key:0 .. key:N-1, 8-byte values), sent with
  # redis-cli --pipe, then CHECKPOINT: the restart reads the snapshot and an (almost) empty log.
  mkdir -p "$W/restart"
  # shellcheck disable=SC2086
  start_bg "$OUT/restart-keys.p$PASS.log" "$NODE_BIN" $RS_ARGS; RS_PID=$LASTPID
  wait_cmd 30 rcli -p 26201 ping && [ -n "$(wait_leader 30 26201)" ] || { row restart restart time "raft-node 1x" "keys" FAILED - - - "1-node cluster did not start"; stop_pid "$RS_PID"; return; }
  local t0=$(now_ms)
  awk -v n="$RESTART_N" 'BEGIN { for (i = 0; i < n; i++) { k = "key:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$8\r\nvalue-%02d\r\n", length(k), k, i % 100 } }' \
    | timeout 1200 redis-cli -h 127.0.0.1 -p 26201 --pipe > "$OUT/restart-keys-pipe.p$PASS.log" 2>&1
  keys=$(rcli -p 26201 DBSIZE)
  echo "  loaded $keys distinct keys with redis-cli --pipe in $(( $(now_ms) - t0 )) ms"
  before=$(applied_now 26201)
  t0=$(now_ms)
  cp=$(RCLI_TIMEOUT=300 rcli -p 26201 CHECKPOINT)
  echo "  CHECKPOINT -> $cp in $(( $(now_ms) - t0 )) ms; snapshot file $(du -sh "$W/restart/snapshots" | cut -f1)"
  stop_pid "$RS_PID" TERM
  restart_time "restart from a $keys-key snapshot" "$before" "snapshot at index $cp of $keys distinct keys"
  stop_pid "$RS_PID"
  rm -rf "$W/restart"
}

###########################################################################################
# 6. pyraft 3-node vs raft-node 3-node, same python client
###########################################################################################
pyraft_leader() {  # client port of the node in state "l" that another node also names leader
  local p
  for p in 26301 26311 26321; do echo "$p $(rcli -p $p info)"; done | python3 -c '
import json, sys
info = {}
for line in sys.stdin:
    port, _, js = line.strip().partition(" ")
    try: info[port] = json.loads(js)
    except Exception: pass
for port, i in info.items():
    if i.get("state") != "l": continue
    if any(j.get("peers", {}).get(i.get("nid"), {}).get("state") == "l" for q, j in info.items() if q != port):
        print(port); break'
}
sec_pyraft() {
  section_head "pyraft: 3-node pyraft vs 3-node raft-node (--fsync always), python RESP client (resp_load.py)"
  python3 -c "import pyraft" 2>/dev/null || { echo "  SKIP: python3 -c 'import pyraft' fails (pip install pyraft)"; row pyraft c50 ref pyraft SKIP - - - "pyraft not installed"; return; }
  need_ports 26301 26302 26311 26312 26321 26322 || return
  local i L="" pids=()
  for _ in 1 2 3; do
    rm -rf "$W/pyraft"; pids=()
    for i in 1 2 3; do mkdir -p "$W/pyraft/n$i"; done
    start_bg_in "$W/pyraft/n1" "$OUT/pyraft-n1.p$PASS.log" python3 -m pyraft.run_raft -i 1 -a 127.0.0.1:26301; pids+=("$LASTPID")
    sleep 2
    for i in 2 3; do
      start_bg_in "$W/pyraft/n$i" "$OUT/pyraft-n$i.p$PASS.log" python3 -m pyraft.run_raft -i "$i" -a "127.0.0.1:$((26291 + 10 * i))" -e 127.0.0.1:26301; pids+=("$LASTPID")
    done
    for i in $(seq 1 40); do L=$(pyraft_leader); [ -n "$L" ] && break; sleep 0.5; done
    # pyraft can be left with a leader that never commits (startup race): require a committed write
    [ -n "$L" ] && wait_cmd 10 bash -c "[ \"\$(timeout 3 redis-cli -p $L set warm 1)\" = OK ]" && break
    echo "  pyraft not writable (leader='$L'), restarting it"; L=""
    for i in "${pids[@]}"; do stop_pid "$i"; done
  done
  if [ -z "$L" ]; then row pyraft c50 ref pyraft FAILED - - - "no writable leader after 3 starts"; rm -rf "$W/pyraft"; return; fi
  echo "  pyraft leader=$L"
  local node=0
  if [ $NODE_OK = 1 ]; then
    if cluster_start pyraftcmp always; then node=1; else row pyraft c50 cmp "raft-node 3x" start FAILED - - - "cluster did not start"; fi
  else node_skip pyraft c50 "SET c=50"; fi
  local op
  for op in set get; do
    SRV="${pids[*]}"; pyload pyraft c50 ref "pyraft 3x leader" "$(echo $op | tr a-z A-Z) c=50 (python client)" "$L" $op 50 "$N_PY" "$PY_MAX_S"
    if [ $node = 1 ]; then
      SRV=$(cluster_pids); pyload pyraft c50 cmp "raft-node 3x leader" "$(echo $op | tr a-z A-Z) c=50 (python client)" "$LEADER" $op 50 "$N_PY" "$PY_MAX_S"
    fi
  done
  SRV=""
  for i in "${pids[@]}"; do stop_pid "$i"; done
  rm -rf "$W/pyraft"
  [ $node = 1 ] && cluster_stop
}

###########################################################################################
# 7. etcd 3-node vs raft-node 3-node (--fsync always) for throughput, when etcd is installed
###########################################################################################
# The load tool: etcd's own `benchmark` (gRPC, 50 clients; not in Debian, `go install
# go.etcd.io/etcd/v3/tools/benchmark@...` or ETCD_BENCHMARK=path) compared with redis-benchmark -c 50
# on the node; else `etcdctl put`, one process per request, 50 at a time, compared with `redis-cli SET`
# run the same way: both client-bound (process start-up), so only the ratio and the server CPU per op
# mean much.
ETCD_BENCH=${ETCD_BENCHMARK:-$(command -v benchmark || true)}
ETCD_EPS=127.0.0.1:26401,127.0.0.1:26403,127.0.0.1:26405
etcd_leader_port() {  # the client port whose `endpoint status` says IS LEADER
  ETCDCTL_API=3 timeout 10 etcdctl --endpoints=$ETCD_EPS --command-timeout=3s endpoint status 2>/dev/null \
    | awk -F', ' '$5 == "true" {sub(/.*:/, "", $1); print $1; exit}'
}
spawn_load() {  # spawn_load SEC GRP ROLE SYSTEM LABEL N TIMEOUT cmd... ({} = request number): N processes, 50 at a time
  local sec=$1 grp=$2 role=$3 sys=$4 label=$5 n=$6 to=$7 t0 ms ok; shift 7
  cpu_mark; t0=$(now_ms)
  ok=$(seq 1 "$n" | timeout "$to" xargs -P 50 -I{} "$@" 2>/dev/null | grep -c '^OK$')
  ms=$(( $(now_ms) - t0 )); [ "$ms" -gt 0 ] || ms=1
  if [ "$ok" -gt 0 ]; then
    row "$sec" "$grp" "$role" "$sys" "$label" $((ok * 1000 / ms)) - - "$(cpu_per_op "$ok")" "n=$n ok=$ok in $ms ms; one client process per request, 50 at a time"
  else row "$sec" "$grp" "$role" "$sys" "$label" FAILED - - - "no OK reply of $n (timeout ${to}s?)"; fi
}
etcd_bench() {  # etcd_bench SEC GRP ROLE SYSTEM LABEL N PORT benchmark-args...: etcd's benchmark tool
  local sec=$1 grp=$2 role=$3 sys=$4 label=$5 n=$6 port=$7 f; shift 7
  f="$OUT/etcd-bench.p$PASS.$(echo "$label" | tr -c 'A-Za-z0-9=.-' '_').txt"
  cpu_mark
  timeout 300 "$ETCD_BENCH" --endpoints="127.0.0.1:$port" --conns=50 --clients=50 "$@" --total="$n" > "$f" 2>&1
  local rps p50 p99
  rps=$(awk '/Requests\/sec:/ {printf "%.0f", $2}' "$f")
  p50=$(awk '$1 == "50%" && $2 == "in" {printf "%.2f", $3 * 1000}' "$f")
  p99=$(awk '$1 == "99%" && $2 == "in" {printf "%.2f", $3 * 1000}' "$f")
  if [ -n "$rps" ]; then row "$sec" "$grp" "$role" "$sys" "$label" "$rps" "${p50:--}" "${p99:--}" "$(cpu_per_op "$n")" "n=$n; $(basename "$ETCD_BENCH")"
  else row "$sec" "$grp" "$role" "$sys" "$label" FAILED - - - "$(tail -1 "$f" | cut -c1-80)"; fi
}
sec_etcd() {
  section_head "etcd: 3-node etcd (defaults, fsync on) vs 3-node raft-node (--fsync always), 50 clients"
  command -v etcd >/dev/null && command -v etcdctl >/dev/null \
    || { echo "  SKIP: etcd or etcdctl not found (apt-get install etcd-server etcd-client)"; row etcd c50 ref etcd SKIP - - - "etcd/etcdctl not installed"; return; }
  need_ports 26401 26402 26403 26404 26405 26406 || return
  local i c pids=() L cl="" tool
  for i in 1 2 3; do cl="$cl${cl:+,}e$i=http://127.0.0.1:$((26400 + 2 * i))"; done
  for i in 1 2 3; do
    c=$((26399 + 2 * i)); mkdir -p "$W/etcd"
    start_bg "$OUT/etcd-e$i.p$PASS.log" etcd --name "e$i" --data-dir "$W/etcd/e$i" \
      --listen-client-urls "http://127.0.0.1:$c" --advertise-client-urls "http://127.0.0.1:$c" \
      --listen-peer-urls "http://127.0.0.1:$((c + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((c + 1))" \
      --initial-cluster "$cl" --initial-cluster-state new --log-level error
    pids+=("$LASTPID")
  done
  wait_cmd 30 env ETCDCTL_API=3 etcdctl --endpoints=$ETCD_EPS --command-timeout=2s endpoint health && L=$(etcd_leader_port)
  if [ -z "${L:-}" ]; then
    row etcd c50 ref etcd FAILED - - - "etcd cluster not healthy or no leader within 30 s (logs in $OUT)"
    for i in "${pids[@]}"; do stop_pid "$i"; done; rm -rf "$W/etcd"; return
  fi
  echo "  etcd $(etcd --version 2>/dev/null | awk 'NR == 1 {print $3}') leader port $L"
  if [ -n "$ETCD_BENCH" ] && [ -x "$ETCD_BENCH" ]; then
    tool="etcd benchmark $ETCD_BENCH"; echo "  load tool: $tool (node: redis-benchmark -c 50)"
    SRV="${pids[*]}"; etcd_bench etcd c50 ref "etcd 3x leader" "SET/put c=50" "$N_ETCD" "$L" put --key-size=8 --val-size=3 --key-space-size=1000
    SRV="${pids[*]}"; etcd_bench etcd c50 ref "etcd 3x leader" "GET/range linearizable c=50" "$N_ETCD" "$L" range key --consistency=l
  else
    tool="etcdctl"; echo "  load tool: etcdctl put, one process per request (node: redis-cli SET the same way); no etcd benchmark tool found"
    SRV="${pids[*]}"; spawn_load etcd spawn ref "etcd 3x leader" "put/SET c=50 (one CLI process each)" "$N_SPAWN" 300 \
      timeout 10 env ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:$L" put "key:{}" xxx
  fi
  SRV=""; for i in "${pids[@]}"; do stop_pid "$i"; done; rm -rf "$W/etcd"
  [ $NODE_OK = 1 ] || { node_skip etcd c50 "SET c=50"; return; }
  cluster_start etcdcmp always || { row etcd c50 cmp "raft-node 3x" start FAILED - - - "cluster did not start"; return; }
  SRV=$(cluster_pids)
  if [ "$tool" = etcdctl ]; then
    spawn_load etcd spawn cmp "raft-node 3x leader" "put/SET c=50 (one CLI process each)" "$N_SPAWN" 300 \
      timeout 10 redis-cli -h 127.0.0.1 -p "$LEADER" SET "key:{}" xxx
  else
    local t0 f r
    # redis-benchmark rows under the etcd workload names, so the summary divides them by etcd's
    for t in set get; do
      f="$OUT/rb.p$PASS.etcd-node-$t.csv"; cpu_mark
      timeout 240 redis-benchmark -p "$LEADER" -c 50 -r 1000 -t "$t" -n "$N_ETCD" --csv > "$f" 2>&1
      r=$(grep '^"[A-Z]' "$f" | head -1 | tr -d '"')
      local wl="SET/put c=50"; [ $t = get ] && wl="GET/range linearizable c=50"
      if [ -n "$r" ]; then
        IFS=, read -r _ rps _ _ p50 _ p99 _ <<<"$r"
        row etcd c50 cmp "raft-node 3x leader" "$wl" "$(printf '%.0f' "$rps")" "$p50" "$p99" "$(cpu_per_op "$N_ETCD")" "n=$N_ETCD; redis-benchmark"
      else row etcd c50 cmp "raft-node 3x leader" "$wl" FAILED - - - "$(tail -1 "$f" | cut -c1-80)"; fi
    done
  fi
  SRV=""; cluster_stop
}

###########################################################################################
# main
###########################################################################################
{
  echo "# bench.sh run $STAMP (UTC)"
  echo "host: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/{print $2}') GiB, kernel $(uname -r)"
  echo "data dirs: $W on $(df -h "$W" | awk 'NR==2{print $1}')"
  echo "raft-node: $NODE_BIN ($([ $NODE_OK = 1 ] && echo "ok, built $(date -u -r "$NODE_BIN" +%FT%TZ)" || echo "SKIP: $NODE_WHY")); commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
  echo "versions: $(redis-server --version | awk '{print $3}'), etcd $(etcd --version 2>/dev/null | awk 'NR == 1 {print $3}'; true), etcd load tool: ${ETCD_BENCH:-etcdctl}, pyraft $(python3 -c 'import importlib.metadata as m; print(m.version("pyraft"))' 2>/dev/null || echo none)"
  echo "sections: $ONLY; passes: $RUNS; QUICK=$QUICK N=$N N_PIPE=$N_PIPE N_PY=$N_PY FAILOVERS=$FAILOVERS RESTART_N=$RESTART_N RSS_N=$RSS_N N_ETCD=$N_ETCD N_SPAWN=$N_SPAWN"
  echo "shared machine: load1=$(load1); top CPU users at start:"
  ps -eo pid,pcpu,etime,comm --sort=-pcpu | head -5 | sed 's/^/    /'
} | tee "$OUT/header.txt"

for PASS in $(seq 1 "$RUNS"); do
  echo; echo "================ pass $PASS of $RUNS ($(date -u +%T)) ================"
  want mem && sec_mem
  want durable && sec_durable
  want rss && sec_rss
  want failover && sec_failover
  want restart && sec_restart
  want pyraft && sec_pyraft
  want etcd && sec_etcd
done
stop_all

{
  echo
  echo "## Summary ($RUNS pass(es); median over passes; ratio = raft-node / reference)"
  echo
  python3 "$LIB/summarize.py" "$ROWS"
} | tee "$OUT/summary.md"
# One row per figure in a file of its own, kept across runs, for `make bench-compare A B`.
mkdir -p "$RESULTS" || exit 2
python3 "$LIB/results_table.py" "$ROWS" > "$RESULTS/$STAMP.tsv" && ln -sfn "$STAMP.tsv" "$RESULTS/latest"
echo
echo "results table: $RESULTS/$STAMP.tsv (also $RESULTS/latest); compare two runs: make bench-compare A B"
echo "raw rows: $ROWS ; logs and redis-benchmark CSVs: $OUT"
