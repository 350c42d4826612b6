package dev.animegan.spark.cli;

/** A malformed command line: exit code 2, one line of explanation. */
public final class UsageError extends RuntimeException {
  public UsageError(String message) {
    super(message);
  }
}
