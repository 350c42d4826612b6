#!/usr/bin/env bash
# A local Spark standalone cluster (one Master and N Workers on 127.0.0.1) for trying the cluster
# path on one machine, started from $SPARK_HOME or the Spark home assembled by the build.
#   jobs/cluster.sh start [--workers N] [--cores C] [--memory SIZE] [--port P] [--webui-port P]
#   jobs/cluster.sh status
#   jobs/cluster.sh stop
# Then: jobs/train.sh --master spark://127.0.0.1:7077 ...   (start prints the URL)
# State (pid files, logs) lives in ANIMEGAN_CLUSTER_DIR (default ./cluster-state); stop kills only
# the processes whose pid files it wrote, and only if they are still the Spark daemons it started.
set -euo pipefail
# shellcheck source=jobs/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
state="${ANIMEGAN_CLUSTER_DIR:-$PWD/cluster-state}"
cmd="${1:-}"
[ $# -gt 0 ] && shift
workers=2 cores=1 memory=2g port=7077 webui=8080
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --webui-port) webui="$2"; shift 2 ;;
    *) animegan_die "cluster: unknown option $1 (see jobs/cluster.sh --help)" ;;
  esac
done

spark_class() {
  if [ -n "${SPARK_HOME:-}" ]; then echo "$SPARK_HOME/bin/spark-class"; else echo "$ANIMEGAN_BUNDLED_SPARK_HOME/bin/spark-class"; fi
}

# alive NAME: the pid in NAME.pid runs and is the Spark daemon we started (its command line names the class).
alive() {
  local f="$state/$1.pid" pid
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"
  kill -0 "$pid" 2>/dev/null || return 1
  grep -q "org.apache.spark.deploy" "/proc/$pid/cmdline" 2>/dev/null || tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "org.apache.spark.deploy"
}

daemon() {
  local name="$1"
  shift
  SPARK_LOCAL_IP=127.0.0.1 SPARK_DAEMON_MEMORY="${SPARK_DAEMON_MEMORY:-512m}" nohup "$(spark_class)" "$@" \
    > "$state/$name.log" 2>&1 < /dev/null &
  echo $! > "$state/$name.pid"
}

wait_for() {
  local what="$1" test="$2" i
  for i in $(seq 1 150); do
    if eval "$test"; then return 0; fi
    sleep 0.2
  done
  echo "animegan cluster: timed out waiting for $what; logs in $state" >&2
  exit 1
}

case "$cmd" in
  start)
    animegan_check_java
    animegan_ensure_built
    mkdir -p "$state"
    if alive master; then
      echo "animegan cluster: already running (master pid $(cat "$state/master.pid")); jobs/cluster.sh stop first" >&2
      exit 1
    fi
    daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$webui"
    wait_for "the master" "grep -q 'I have been elected leader' '$state/master.log'"
    for i in $(seq 0 $((workers - 1))); do
      mkdir -p "$state/worker-$i"
      daemon "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$cores" --memory "$memory" \
        --webui-port 0 --work-dir "$state/worker-$i" "spark://127.0.0.1:$port"
    done
    for i in $(seq 0 $((workers - 1))); do
      wait_for "worker $i" "grep -q 'Successfully registered with master' '$state/worker-$i.log'"
    done
    echo "$workers" > "$state/workers"
    echo "animegan cluster: master spark://127.0.0.1:$port (web UI http://127.0.0.1:$webui), $workers workers x $cores cores, $memory" >&2
    echo "spark://127.0.0.1:$port"
    ;;
  status)
    running=0
    for f in "$state"/*.pid; do
      [ -e "$f" ] || continue
      name="$(basename "$f" .pid)"
      if alive "$name"; then echo "$name: running (pid $(cat "$f"))"; running=$((running + 1)); else echo "$name: stopped"; fi
    done
    [ "$running" -gt 0 ] || { echo "animegan cluster: not running" >&2; exit 3; }
    ;;
  stop)
    for f in "$state"/worker-*.pid "$state"/master.pid; do
      [ -e "$f" ] || continue
      name="$(basename "$f" .pid)"
      if alive "$name"; then
        pid="$(cat "$f")"
        pkill -TERM -P "$pid" 2>/dev/null || true
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
        echo "animegan cluster: stopped $name (pid $pid)" >&2
      fi
      rm -f "$f"
    done
    ;;
  ""|-h|--help)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    animegan_die "cluster: unknown command '$cmd' (start, status, stop)"
    ;;
esac
