#!/usr/bin/env bash
# Sets up Jupyter for the notebooks in this folder, without touching your home directory:
#   * Jupyter from Debian packages (jupyter-nbconvert, python3-nbclient, python3-ipykernel),
#     installed with apt-get when missing (needs root or sudo);
#   * the Java kernel io.github.padreati:rapaio-jupyter-kernel:2.3.0 from Maven Central;
#   * a kernel spec "animegan-java" in notebooks/.jupyter (use JUPYTER_PATH=notebooks/.jupyter)
#     whose JShell sees the Spark jars the build assembled and the animegan job jar.
# Usage: notebooks/install.sh   (then notebooks/run.sh DEMO_OUTPUT, or jupyter notebook with
#        JUPYTER_PATH=notebooks/.jupyter ANIMEGAN_DEMO_OUTPUT=demo-output)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
kernel_version=2.3.0

if ! command -v jupyter >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import nbclient, ipykernel' >/dev/null 2>&1; then
  echo "notebooks: installing Jupyter from Debian packages" >&2
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q jupyter-nbconvert python3-nbclient python3-ipykernel >&2 \
    || { "${sudo_cmd[@]}" apt-get update -q >&2 && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q jupyter-nbconvert python3-nbclient python3-ipykernel >&2; }
fi

lib="$here/.jupyter/lib"
mkdir -p "$lib"
jar="$lib/rapaio-jupyter-kernel-$kernel_version.jar"
if [ ! -f "$jar" ]; then
  echo "notebooks: fetching rapaio-jupyter-kernel $kernel_version from Maven Central" >&2
  (cd "$root" && mvn -B -q -ntp dependency:copy -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$kernel_version" \
    -DoutputDirectory="$lib" -Dmdep.useBaseVersion=true) >&2
fi

spark_jars="$root/modules/dist/target/spark-home/jars"
job_jar="$root/modules/dist/target/animegan-spark-job.jar"
if [ ! -d "$spark_jars" ] || [ ! -f "$job_jar" ]; then
  echo "notebooks: building the job jar and the Spark home" >&2
  (cd "$root" && mvn -B -q -ntp -DskipTests package) >&2
fi

# Cells run in the kernel's JVM: Spark needs Java 17's --add-opens there.
opens=""
for p in java.base/java.lang java.base/java.lang.invoke java.base/java.lang.reflect java.base/java.io \
    java.base/java.net java.base/java.nio java.base/java.util java.base/java.util.concurrent \
    java.base/java.util.concurrent.atomic java.base/jdk.internal.ref java.base/sun.nio.ch java.base/sun.nio.cs \
    java.base/sun.security.action java.base/sun.util.calendar; do
  opens="$opens, \"--add-opens=$p=ALL-UNNAMED\""
done
java_bin="java"
[ -n "${JAVA_HOME:-}" ] && java_bin="$JAVA_HOME/bin/java"
spec="$here/.jupyter/kernels/animegan-java"
mkdir -p "$spec"
cat > "$spec/kernel.json" <<JSON
{
  "argv": ["$java_bin", "-Xmx3g", "-Djava.awt.headless=true"$opens, "-jar", "$jar", "{connection_file}"],
  "display_name": "Java (animegan-spark)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {
    "RJK_TIMEOUT_MILLIS": "-1",
    "SPARK_LOCAL_IP": "127.0.0.1"
  }
}
JSON
echo "notebooks: kernel spec written to $spec (use JUPYTER_PATH=$here/.jupyter)" >&2
