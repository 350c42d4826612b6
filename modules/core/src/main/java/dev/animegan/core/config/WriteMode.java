package dev.animegan.core.config;

/** What a job does when its output already holds tables. */
public enum WriteMode {
  /** Stop with an error before any Spark job starts. */
  ERROR,
  /** Replace the existing tables. */
  OVERWRITE,
  /** Add rows to the existing tables. */
  APPEND
}
