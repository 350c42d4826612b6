package dev.animegan.spark.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.InputError;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.spark.common.SparkSessions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line every job shares: readable flags mapped to config keys, {@code --config FILE},
 * {@code --set key=value}, {@code --help}, {@code --verbose}; validation before the Spark session
 * starts; exit codes 0 (success), 1 (job failure), 2 (usage or configuration error).
 */
public final class JobCli {
  private static final Logger LOG = LoggerFactory.getLogger(JobCli.class);

  public static final int OK = 0;
  public static final int JOB_FAILED = 1;
  public static final int USAGE = 2;

  /** How a flag's value becomes config. */
  public enum Kind {
    /** One value; the last one given wins. */
    VALUE,
    /** Comma-separated values; repeats add to the list. */
    LIST,
    /** NAME=V1[,V2]; repeats add names (and values to a name already given). */
    NAMED_LIST,
    /** No value: sets the key to true ({@code --flag=false} sets it to false). */
    SWITCH
  }

  /** A job flag and the config key it sets. */
  public record Flag(String name, String metavar, Kind kind, String key, String help) {}

  /** A job's name, one-line summary, usage line and flags. */
  public record Spec(String job, String script, String synopsis, String summary, List<Flag> flags) {
    public String usage() {
      StringBuilder sb = new StringBuilder();
      sb.append("Usage: ").append(script).append(' ').append(synopsis).append("\n\n").append(summary).append("\n\nJob options:\n");
      for (Flag f : flags) {
        line(sb, f.kind() == Kind.SWITCH ? f.name() : f.name() + " " + f.metavar(), f.help() + " (" + f.key() + ")");
      }
      line(sb, "--config FILE", "HOCON file with an animegan { ... } section; flags override it");
      line(sb, "--set KEY=VALUE", "any config key, e.g. --set ingest.crop.mode=grid; repeatable");
      line(sb, "--verbose", "print stack traces on errors");
      line(sb, "--help", "print this text");
      sb.append("\nSpark options such as --master URL, --deploy-mode MODE, --conf K=V, --driver-memory SIZE,\n")
          .append("--executor-memory SIZE, --num-executors N are passed to spark-submit.\n")
          .append("Every config key, its default and its meaning: reference.conf (see README.md).\n")
          .append("Exit codes: 0 success, 1 job failure, 2 usage or configuration error.\n");
      return sb.toString();
    }

    private static void line(StringBuilder sb, String left, String right) {
      sb.append("  ").append(String.format("%-28s", left)).append(' ').append(right).append('\n');
    }
  }

  /** The parsed command line. */
  public record Parsed(String configFile, Config overrides, boolean help, boolean verbose) {}

  /** The body of a job: runs with a live session and a validated config. */
  @FunctionalInterface
  public interface Body<C, R> {
    R run(SparkSession spark, C config) throws Exception;
  }

  private JobCli() {}

  public static Parsed parse(Spec spec, String[] args) {
    Map<String, Flag> byName = new LinkedHashMap<>();
    spec.flags().forEach(f -> byName.put(f.name(), f));
    String configFile = null;
    boolean help = false;
    boolean verbose = false;
    Config overrides = ConfigFactory.empty();
    Map<String, List<String>> lists = new LinkedHashMap<>();
    Map<String, Map<String, List<String>>> named = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        inline = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--help", "-h" -> help = true;
        case "--verbose" -> verbose = true;
        default -> {
          if (!arg.startsWith("--")) {
            throw new UsageError("unexpected argument '" + args[i] + "'");
          }
          if (!arg.equals("--config") && !arg.equals("--set") && !byName.containsKey(arg)) {
            throw new UsageError("unknown option " + arg);
          }
          Flag sw = byName.get(arg);
          if (sw != null && sw.kind() == Kind.SWITCH) {
            if (inline != null && !inline.equals("true") && !inline.equals("false")) {
              throw new UsageError("option " + arg + " takes no value (or =true / =false), got '" + inline + "'");
            }
            overrides = ConfigFactory.empty().withValue(sw.key(), ConfigValueFactory.fromAnyRef(!"false".equals(inline)))
                .withFallback(overrides);
            continue;
          }
          String value = inline;
          if (value == null) {
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
              throw new UsageError("option " + arg + " needs a value");
            }
            value = args[++i];
          }
          if (arg.equals("--config")) {
            configFile = value;
          } else if (arg.equals("--set")) {
            overrides = ConfigLoader.parseSetting(value).withFallback(overrides);
          } else {
            Flag f = byName.get(arg);
            switch (f.kind()) {
              case VALUE -> overrides = ConfigFactory.empty().withValue(f.key(), ConfigValueFactory.fromAnyRef(value))
                  .withFallback(overrides);
              case LIST -> lists.computeIfAbsent(f.key(), k -> new ArrayList<>()).addAll(splitList(arg, value));
              case NAMED_LIST -> {
                int e = value.indexOf('=');
                if (e <= 0 || e == value.length() - 1) {
                  throw new UsageError("option " + arg + " takes NAME=PATH[,PATH], got '" + value + "'");
                }
                named.computeIfAbsent(f.key(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(value.substring(0, e), k -> new ArrayList<>())
                    .addAll(splitList(arg, value.substring(e + 1)));
              }
              default -> throw new IllegalStateException();
            }
          }
        }
      }
    }
    for (Map.Entry<String, List<String>> e : lists.entrySet()) {
      overrides = ConfigFactory.empty().withValue(e.getKey(), ConfigValueFactory.fromIterable(e.getValue()))
          .withFallback(overrides);
    }
    for (Map.Entry<String, Map<String, List<String>>> e : named.entrySet()) {
      for (Map.Entry<String, List<String>> n : e.getValue().entrySet()) {
        String key = e.getKey() + ".\"" + n.getKey().replace("\"", "") + "\"";
        overrides = ConfigFactory.empty().withValue(key, ConfigValueFactory.fromIterable(n.getValue())).withFallback(overrides);
      }
    }
    return new Parsed(configFile, overrides, help, verbose);
  }

  private static List<String> splitList(String flag, String value) {
    List<String> out = new ArrayList<>();
    for (String s : value.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    if (out.isEmpty()) {
      throw new UsageError("option " + flag + " needs at least one path");
    }
    return out;
  }

  /**
   * Parses, validates and runs a job; returns the exit code. The Spark session is created only
   * after the configuration is valid, and stopped at the end.
   */
  public static <C, R> int execute(Spec spec, String[] args, Function<Config, C> validate, Body<C, R> body,
      PrintStream out, PrintStream err) {
    return execute(spec, args, validate, body, () -> SparkSessions.getOrCreate("animegan-" + spec.job()), true, out, err);
  }

  /** As above, with the session supplied (tests share one) and stopped at the end only if {@code stopSession}. */
  public static <C, R> int execute(Spec spec, String[] args, Function<Config, C> validate, Body<C, R> body,
      Supplier<SparkSession> session, boolean stopSession, PrintStream out, PrintStream err) {
    String prefix = "animegan " + spec.job() + ": ";
    boolean verbose = false;
    try {
      Parsed parsed = parse(spec, args);
      verbose = parsed.verbose();
      if (parsed.help()) {
        out.print(spec.usage());
        return OK;
      }
      C config = validate.apply(ConfigLoader.load(parsed.configFile(), parsed.overrides()));
      SparkSession spark = session.get();
      try {
        R result = body.run(spark, config);
        LOG.info("{} finished", spec.job());
        return OK;
      } finally {
        if (stopSession) {
          spark.stop();
        }
      }
    } catch (UsageError e) {
      err.println(prefix + "error: " + e.getMessage());
      err.println("Run " + spec.script() + " --help for usage.");
      return USAGE;
    } catch (ConfigError e) {
      for (String p : e.problems()) {
        err.println(prefix + "config error: " + p);
      }
      if (verbose) {
        e.printStackTrace(err);
      }
      return USAGE;
    } catch (InputError e) {
      err.println(prefix + "input error: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return USAGE;
    } catch (Exception e) {
      LOG.error("{} failed: {}", spec.job(), e.toString());
      err.println(prefix + "job failed: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      } else {
        err.println("Run with --verbose for the stack trace.");
      }
      return JOB_FAILED;
    }
  }
}
