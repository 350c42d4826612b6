package dev.animegan.spark.common;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the session a job runs in: whatever spark-submit configured, local mode otherwise. */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession getOrCreate(String appName) {
    return getOrCreate(appName, java.util.Map.of());
  }

  /** As above; {@code defaults} apply to keys spark-submit did not set. */
  public static SparkSession getOrCreate(String appName, java.util.Map<String, String> defaults) {
    SparkConf conf = new SparkConf(); // picks up spark.* system properties set by spark-submit
    defaults.forEach((k, v) -> {
      if (!conf.contains(k)) {
        conf.set(k, v);
      }
    });
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    if (!conf.contains("spark.app.name")) {
      conf.setAppName(appName);
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
