package dev.animegan.spark.infer;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/** How many tasks this executor runs at once (its cores over spark.task.cpus), from the executor's Spark configuration. */
final class ExecutorSlots {
  private ExecutorSlots() {}

  static int concurrentTasks() {
    SparkEnv env = SparkEnv.get();
    int cores = Runtime.getRuntime().availableProcessors();
    if (env == null) {
      return cores;
    }
    return concurrentTasks(env.conf(), cores);
  }

  /** From {@code conf}: {@code local[N]} gives N, {@code local[*]} all cores, else {@code spark.executor.cores} (default all cores). */
  static int concurrentTasks(SparkConf conf, int availableCores) {
    String master = conf.get("spark.master", "");
    int cores;
    if (master.startsWith("local")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\*|\\d+)(,\\d+)?]").matcher(master);
      cores = !m.matches() ? 1 : m.group(1).equals("*") ? availableCores : Integer.parseInt(m.group(1));
    } else {
      cores = conf.getInt("spark.executor.cores", availableCores);
    }
    return Math.max(1, cores / Math.max(1, conf.getInt("spark.task.cpus", 1)));
  }
}
