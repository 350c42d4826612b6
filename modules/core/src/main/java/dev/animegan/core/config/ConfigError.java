package dev.animegan.core.config;

import java.util.List;

/**
 * A configuration problem found on the driver before any Spark job starts. The message names the
 * key(s) and the allowed values, one problem per line.
 */
public final class ConfigError extends RuntimeException {
  private final List<String> problems;

  public ConfigError(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigError(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
