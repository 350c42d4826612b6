#!/usr/bin/env bash
# Container entry point: master | worker | submit JOB [args] | health | help.
#   master                 Spark standalone Master on 0.0.0.0:$SPARK_MASTER_PORT (default 7077; web UI 8080)
#   worker                 Worker of $SPARK_MASTER_URL (default spark://master:7077) with
#                          $SPARK_WORKER_CORES cores and $SPARK_WORKER_MEMORY memory, web UI $SPARK_WORKER_WEBUI_PORT
#   submit JOB [args...]   jobs/JOB.sh (ingest, train, infer) with the given arguments
#   health                 exit 0 when this container's role is serving (the image's HEALTHCHECK)
# Memory defaults follow the container's memory limit (cgroup v2 memory.max or v1
# memory.limit_in_bytes) when one is set: a worker offers 3/4 of it (SPARK_WORKER_MEMORY); a
# submission gives the driver 1/4 as heap (ANIMEGAN_DRIVER_MEMORY) and caps JavaCPP's native memory
# at 1/2 for the driver and, as a default for executors of same-sized workers, the executors
# (ANIMEGAN_DRIVER_MAXPHYSICALBYTES, ANIMEGAN_EXECUTOR_MAXPHYSICALBYTES). Variables already set win.
# Logs go to stdout/stderr (SPARK_NO_DAEMONIZE).
set -euo pipefail
role="${1:-help}"
[ $# -gt 0 ] && shift

# The container's memory limit in MiB, or nothing when unlimited.
limit_mib() {
  local v=""
  if [ -r /sys/fs/cgroup/memory.max ]; then
    v="$(cat /sys/fs/cgroup/memory.max)"
  elif [ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
    v="$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
  fi
  case "$v" in
    ''|max) return 0 ;;
  esac
  # cgroup v1 reports "no limit" as a huge number
  [ "$v" -ge 4611686018427387904 ] 2>/dev/null && return 0
  echo $((v / 1048576))
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

mem="$(limit_mib)"
case "$role" in
  master)
    echo master > /tmp/animegan-role
    exec /opt/spark/bin/spark-class org.apache.spark.deploy.master.Master --host "${SPARK_MASTER_HOST:-0.0.0.0}" \
      --port "${SPARK_MASTER_PORT:-7077}" --webui-port "${SPARK_MASTER_WEBUI_PORT:-8080}" "$@"
    ;;
  worker)
    echo worker > /tmp/animegan-role
    if [ -z "${SPARK_WORKER_MEMORY:-}" ] && [ -n "$mem" ]; then
      SPARK_WORKER_MEMORY="$((mem * 3 / 4))m"
    fi
    extra=()
    [ -n "${SPARK_WORKER_PORT:-}" ] && extra+=(--port "$SPARK_WORKER_PORT")
    [ -n "${SPARK_WORKER_HOST:-}" ] && extra+=(--host "$SPARK_WORKER_HOST")
    exec /opt/spark/bin/spark-class org.apache.spark.deploy.worker.Worker \
      --cores "${SPARK_WORKER_CORES:-2}" --memory "${SPARK_WORKER_MEMORY:-8g}" \
      --webui-port "${SPARK_WORKER_WEBUI_PORT:-8081}" --work-dir /opt/spark/work ${extra[@]+"${extra[@]}"} "$@" \
      "${SPARK_MASTER_URL:-spark://master:7077}"
    ;;
  submit)
    job="${1:?submit needs a job: ingest, train or infer}"
    shift
    if [ -n "$mem" ]; then
      export ANIMEGAN_DRIVER_MEMORY="${ANIMEGAN_DRIVER_MEMORY:-$((mem / 4))m}"
      export ANIMEGAN_DRIVER_MAXPHYSICALBYTES="${ANIMEGAN_DRIVER_MAXPHYSICALBYTES:-$((mem / 2))M}"
      export ANIMEGAN_EXECUTOR_MAXPHYSICALBYTES="${ANIMEGAN_EXECUTOR_MAXPHYSICALBYTES:-$((mem / 2))M}"
    fi
    exec "/opt/animegan/jobs/$job.sh" "$@"
    ;;
  health)
    case "$(cat /tmp/animegan-role 2>/dev/null || echo none)" in
      master) port_open "${SPARK_MASTER_PORT:-7077}" ;;
      worker) port_open "${SPARK_WORKER_WEBUI_PORT:-8081}" ;;
      *) exit 0 ;;
    esac
    ;;
  *)
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    ;;
esac
