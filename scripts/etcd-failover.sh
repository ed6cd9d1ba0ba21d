#!/usr/bin/env bash
# etcd-failover.sh - etcd's failover figure on this machine, to set beside raft-node's
# (FAILOVER_SIGNAL=KILL|TERM ONLY=failover scripts/bench.sh). A 3-member etcd 3.4 with its
# defaults (heartbeat 100 ms, election timeout 1000 ms) on 127.0.0.1:61200-61205; SIGKILL (or
# SIGNAL=TERM) the leader, then every 20 ms one `etcdctl put` per survivor, each in its own
# process bounded by 1 s; the time is that of the first success, from the kill. RUNS kills
# (default 5); prints each and the median. Needs etcd and etcdctl (apt-get install etcd-server
# etcd-client). Every process started here is stopped by pid on exit.
set -u
export ETCDCTL_API=3 LC_ALL=C
RUNS=${RUNS:-5}
SIGNAL=${SIGNAL:-KILL}
for t in etcd etcdctl timeout; do command -v $t > /dev/null || { echo "etcd-failover.sh: $t not found (apt-get install -y etcd-server etcd-client)" >&2; exit 2; }; done
W=$(mktemp -d "${TMPDIR:-/tmp}/etcd-failover.XXXXXX") || exit 2
declare -a PID
cleanup() { for p in "${PID[@]+"${PID[@]}"}"; do kill -KILL "$p" 2> /dev/null && gone "$p"; done; rm -rf "$W"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }
cport() { echo $((61198 + 2 * $1)); }
CLUSTER="e1=http://127.0.0.1:61201,e2=http://127.0.0.1:61203,e3=http://127.0.0.1:61205"
start() {  # start I
  local i=$1 c; c=$(cport "$i")
  # Started from a subshell, so this shell does not report the kills as dead jobs.
  ( etcd --name "e$i" --data-dir "$W/e$i" --listen-client-urls "http://127.0.0.1:$c" --advertise-client-urls "http://127.0.0.1:$c" \
    --listen-peer-urls "http://127.0.0.1:$((c + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((c + 1))" \
    --initial-cluster "$CLUSTER" --initial-cluster-state new --log-level error >> "$W/e$i.log" 2>&1 &
    echo $! > "$W/pid$i" )
  PID[$i]=$(cat "$W/pid$i")
}
gone() {  # gone PID: wait up to 10 s for it to exit
  local n; for n in $(seq 1 100); do kill -0 "$1" 2> /dev/null || return 0; sleep 0.1; done; return 1
}
leader() {  # the member index whose endpoint status says IS LEADER, waited for up to 30 s
  local end=$((SECONDS + 30)) i
  while [ $SECONDS -lt $end ]; do
    for i in 1 2 3; do
      timeout 1 etcdctl --endpoints="127.0.0.1:$(cport "$i")" endpoint status 2> /dev/null | awk -F', ' '{print $5}' | grep -q true && { echo "$i"; return; }
    done
    sleep 0.1
  done
}
for i in 1 2 3; do start "$i"; done
times=()
for k in $(seq 1 "$RUNS"); do
  L=$(leader); [ -n "$L" ] || { echo "trial $k: no leader within 30 s"; break; }
  timeout 2 etcdctl --endpoints="127.0.0.1:$(cport "$L")" put failover warm > /dev/null
  ok=$W/ok.$k; : > "$ok"; jobs=()
  kill "-$SIGNAL" "${PID[$L]}"; t0=$(now_ms)
  while [ $(($(now_ms) - t0)) -lt 30000 ] && [ ! -s "$ok" ]; do
    for i in 1 2 3; do
      [ "$i" = "$L" ] && continue
      ( timeout 1 etcdctl --endpoints="127.0.0.1:$(cport "$i")" --command-timeout=900ms put failover "$k" > /dev/null 2>&1 && now_ms >> "$ok" ) &
      jobs+=("$!")
    done
    sleep 0.02
  done
  wait "${jobs[@]}" 2> /dev/null
  t1=$(sort -n "$ok" | head -1)
  if [ -n "$t1" ]; then times+=($((t1 - t0))); echo "trial $k: SIG$SIGNAL e$L, first successful put after $((t1 - t0)) ms"; else echo "trial $k: no put within 30 s"; fi
  gone "${PID[$L]}" || kill -KILL "${PID[$L]}"
  gone "${PID[$L]}"
  start "$L"
  sleep 2  # the restarted member catches up before the next kill
done
[ ${#times[@]} -gt 0 ] || exit 1
s=$(printf '%s\n' "${times[@]}" | sort -n)
echo "etcd 3x SIG$SIGNAL leader -> first successful put: median $(echo "$s" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}') ms, all $(echo "$s" | paste -sd/) (load1 $(cut -d' ' -f1 /proc/loadavg))"
