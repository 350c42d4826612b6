#!/usr/bin/env bash
# Container entry point: master | worker | submit JOB [args] | help.
#   master                 Spark standalone Master on 0.0.0.0:7077 (web UI 8080)
#   worker                 Worker of $SPARK_MASTER_URL (default spark://master:7077) with
#                          $SPARK_WORKER_CORES cores and $SPARK_WORKER_MEMORY memory
#   submit JOB [args...]   jobs/JOB.sh (ingest, train, infer) with the given arguments
set -euo pipefail
role="${1:-help}"
[ $# -gt 0 ] && shift
case "$role" in
  master)
    exec /opt/spark/bin/spark-class org.apache.spark.deploy.master.Master --host 0.0.0.0 --port 7077 --webui-port 8080 "$@"
    ;;
  worker)
    exec /opt/spark/bin/spark-class org.apache.spark.deploy.worker.Worker \
      --cores "${SPARK_WORKER_CORES:-2}" --memory "${SPARK_WORKER_MEMORY:-8g}" --webui-port 8081 \
      --work-dir /opt/spark/work "$@" "${SPARK_MASTER_URL:-spark://master:7077}"
    ;;
  submit)
    job="${1:?submit needs a job: ingest, train or infer}"
    shift
    exec "/opt/animegan/jobs/$job.sh" "$@"
    ;;
  *)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    ;;
esac
