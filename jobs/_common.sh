# Sourced by the jobs/ scripts. Finds the job jar and a spark-submit, separates spark-submit's
# options from the job's, and submits.
#
#   SPARK_HOME set       -> $SPARK_HOME/bin/spark-submit (your Spark 3.5 installation)
#   SPARK_HOME unset     -> modules/dist/target/spark-home/bin/spark-submit (assembled from Maven)
#   ANIMEGAN_JOB_JAR     -> the job jar (default modules/dist/target/animegan-spark-job.jar)
#   ANIMEGAN_DRIVER_MEMORY -> --driver-memory used with the assembled home when none is given (default 2g)
#   ANIMEGAN_SKIP_JAVA_CHECK=1 -> do not insist on Java 17

ANIMEGAN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ANIMEGAN_BUNDLED_SPARK_HOME="$ANIMEGAN_ROOT/modules/dist/target/spark-home"
ANIMEGAN_JOB_JAR="${ANIMEGAN_JOB_JAR:-$ANIMEGAN_ROOT/modules/dist/target/animegan-spark-job.jar}"

animegan_die() {
  echo "animegan: $*" >&2
  exit 2
}

animegan_java_major() {
  local java="java"
  [ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
  "$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n 1
}

animegan_check_java() {
  [ "${ANIMEGAN_SKIP_JAVA_CHECK:-0}" = 1 ] && return 0
  local major
  major="$(animegan_java_major)"
  if [ -z "$major" ]; then
    animegan_die "no java found: install a JDK 17 or set JAVA_HOME"
  fi
  if [ "$major" != 17 ]; then
    animegan_die "Java 17 is required (found Java $major; Hadoop 3.3 fails on newer JDKs). Set JAVA_HOME to a JDK 17, or ANIMEGAN_SKIP_JAVA_CHECK=1 to try anyway."
  fi
}

# Builds the job jar and the Spark home when they are missing (first run from a source checkout).
animegan_ensure_built() {
  if [ -f "$ANIMEGAN_JOB_JAR" ] && { [ -n "${SPARK_HOME:-}" ] || [ -x "$ANIMEGAN_BUNDLED_SPARK_HOME/bin/spark-submit" ]; }; then
    return 0
  fi
  if [ ! -f "$ANIMEGAN_ROOT/pom.xml" ]; then
    animegan_die "job jar not found at $ANIMEGAN_JOB_JAR (set ANIMEGAN_JOB_JAR)"
  fi
  command -v mvn >/dev/null 2>&1 || animegan_die "the job jar is not built and Maven (mvn) is not installed"
  echo "animegan: building the job jar and the Spark home (first run; downloads dependencies) ..." >&2
  (cd "$ANIMEGAN_ROOT" && mvn -B -q -DskipTests package) >&2 || { echo "animegan: build failed" >&2; exit 1; }
}

animegan_spark_submit() {
  if [ -n "${SPARK_HOME:-}" ]; then
    [ -x "$SPARK_HOME/bin/spark-submit" ] || animegan_die "SPARK_HOME=$SPARK_HOME has no bin/spark-submit"
    echo "$SPARK_HOME/bin/spark-submit"
  else
    echo "$ANIMEGAN_BUNDLED_SPARK_HOME/bin/spark-submit"
  fi
}

# animegan_submit MAIN_CLASS APP_NAME [args...]: spark-submit options go before the jar, the rest after it.
animegan_submit() {
  local main_class="$1" app_name="$2"
  shift 2
  local spark_args=() job_args=() has_name=false has_driver_memory=false
  while [ $# -gt 0 ]; do
    case "$1" in
      --master|--deploy-mode|--conf|-c|--driver-memory|--driver-cores|--driver-java-options|--driver-library-path|\
      --driver-class-path|--executor-memory|--executor-cores|--num-executors|--total-executor-cores|--name|--jars|\
      --packages|--exclude-packages|--repositories|--files|--archives|--queue|--properties-file|--principal|--keytab|\
      --proxy-user)
        [ $# -ge 2 ] || animegan_die "option $1 needs a value"
        [ "$1" = --name ] && has_name=true
        [ "$1" = --driver-memory ] && has_driver_memory=true
        spark_args+=("$1" "$2")
        shift 2
        ;;
      --master=*|--deploy-mode=*|--conf=*|--driver-memory=*|--driver-cores=*|--driver-java-options=*|\
      --driver-class-path=*|--executor-memory=*|--executor-cores=*|--num-executors=*|--total-executor-cores=*|\
      --name=*|--jars=*|--packages=*|--files=*|--archives=*|--queue=*|--properties-file=*|--supervise)
        case "$1" in --name=*) has_name=true ;; --driver-memory=*) has_driver_memory=true ;; esac
        spark_args+=("$1")
        shift
        ;;
      *)
        job_args+=("$1")
        shift
        ;;
    esac
  done
  animegan_check_java
  animegan_ensure_built
  local submit
  submit="$(animegan_spark_submit)" || exit 2
  $has_name || spark_args+=(--name "$app_name")
  if [ -z "${SPARK_HOME:-}" ] && ! $has_driver_memory; then
    spark_args+=(--driver-memory "${ANIMEGAN_DRIVER_MEMORY:-2g}")
  fi
  exec "$submit" --class "$main_class" "${spark_args[@]}" "$ANIMEGAN_JOB_JAR" "${job_args[@]}"
}

# animegan_submit_nd4j MAIN_CLASS APP_NAME [args...]: as animegan_submit, for jobs that run ND4J
# models: caps JavaCPP's physical memory per JVM unless the caller passed its own Java options
# (ANIMEGAN_EXECUTOR_MAXPHYSICALBYTES, ANIMEGAN_DRIVER_MAXPHYSICALBYTES, default 8G) and sets
# glibc malloc settings that keep ND4J's buffers mapped between steps, on the driver and executors.
animegan_submit_nd4j() {
  local main_class="$1" app_name="$2"
  shift 2
  local has_exec_opts=false has_driver_opts=false a
  for a in "$@"; do
    case "$a" in
      spark.executor.extraJavaOptions=*|--conf=spark.executor.extraJavaOptions=*) has_exec_opts=true ;;
      --driver-java-options|--driver-java-options=*|spark.driver.extraJavaOptions=*) has_driver_opts=true ;;
    esac
  done
  export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
  export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"
  export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-536870912}"
  local extra=(--conf "spark.executorEnv.MALLOC_MMAP_THRESHOLD_=$MALLOC_MMAP_THRESHOLD_"
    --conf "spark.executorEnv.MALLOC_TRIM_THRESHOLD_=$MALLOC_TRIM_THRESHOLD_"
    --conf "spark.executorEnv.MALLOC_TOP_PAD_=$MALLOC_TOP_PAD_")
  $has_exec_opts || extra+=(--conf "spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxphysicalbytes=${ANIMEGAN_EXECUTOR_MAXPHYSICALBYTES:-8G}")
  $has_driver_opts || extra+=(--driver-java-options "-Dorg.bytedeco.javacpp.maxphysicalbytes=${ANIMEGAN_DRIVER_MAXPHYSICALBYTES:-8G}")
  animegan_submit "$main_class" "$app_name" "${extra[@]}" "$@"
}
