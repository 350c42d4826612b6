package dev.animegan.core.config;

/**
 * A problem with something the user pointed a job at (a table with the wrong columns, a model file
 * that is empty, truncated or of the wrong kind), found on the driver before the work starts. The
 * message names the input and what is wrong with it, on one line; the job exits with status 2.
 */
public final class InputError extends RuntimeException {
  public InputError(String message) {
    super(message);
  }

  public InputError(String message, Throwable cause) {
    super(message, cause);
  }
}
