package dev.animegan.spark.common;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the session a job runs in: whatever spark-submit configured, local mode otherwise. */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession getOrCreate(String appName) {
    return getOrCreate(appName, java.util.Map.of());
  }

  /**
   * Settings every job session gets unless spark-submit set them: the local file system without a
   * forked {@code chmod} per created file ({@link PosixLocalFileSystem}).
   */
  public static final java.util.Map<String, String> BASE_DEFAULTS =
      java.util.Map.of("spark.hadoop.fs.file.impl", PosixLocalFileSystem.class.getName());

  /** As above; {@code defaults} (then {@link #BASE_DEFAULTS}) apply to keys spark-submit did not set. */
  public static SparkSession getOrCreate(String appName, java.util.Map<String, String> defaults) {
    SparkConf conf = new SparkConf(); // picks up spark.* system properties set by spark-submit
    java.util.Map<String, String> all = new java.util.HashMap<>(BASE_DEFAULTS);
    all.putAll(defaults);
    all.forEach((k, v) -> {
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
