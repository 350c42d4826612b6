package dev.animegan.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Typed reads of one config section that collect every problem with the exact message users see,
 * instead of failing on the first. Call {@link #throwIfProblems()} when done.
 */
public final class ConfigReader {
  private final Config config;
  private final List<String> problems = new ArrayList<>();

  public ConfigReader(Config config) {
    this.config = config;
  }

  public List<String> problems() {
    return problems;
  }

  public void problem(String message) {
    problems.add(message);
  }

  public void throwIfProblems() {
    if (!problems.isEmpty()) {
      throw new ConfigError(problems);
    }
  }

  private String raw(String key) {
    ConfigValue v = config.getValue(key);
    Object u = v.unwrapped();
    return v.valueType() == ConfigValueType.STRING ? "'" + u + "'" : String.valueOf(u);
  }

  private void invalid(String key, String allowed) {
    problems.add("Invalid value for " + key + ": " + raw(key) + ". Allowed values: " + allowed);
  }

  private boolean present(String key) {
    if (!config.hasPath(key)) {
      problems.add("Missing value for " + key);
      return false;
    }
    return true;
  }

  /** Whether {@code key}'s value is reference.conf's default (not set by a config file, --set or a flag). */
  public boolean isDefault(String key) {
    return config.hasPath(key) && "reference.conf".equals(config.getValue(key).origin().resource());
  }

  public String string(String key) {
    if (!present(key)) {
      return "";
    }
    try {
      return config.getString(key);
    } catch (ConfigException.WrongType e) {
      invalid(key, "a string");
      return "";
    }
  }

  public boolean bool(String key) {
    if (!present(key)) {
      return false;
    }
    try {
      return config.getBoolean(key);
    } catch (ConfigException.WrongType e) {
      invalid(key, "true or false");
      return false;
    }
  }

  public int intIn(String key, int min, int max) {
    return (int) longIn(key, min, max, "an integer from " + min + " to " + max);
  }

  public long longIn(String key, long min, long max) {
    return longIn(key, min, max, "an integer from " + min + " to " + max);
  }

  private long longIn(String key, long min, long max, String allowed) {
    if (!present(key)) {
      return min;
    }
    try {
      long v = config.getLong(key);
      if (v < min || v > max) {
        invalid(key, allowed);
        return min;
      }
      return v;
    } catch (ConfigException.WrongType e) {
      invalid(key, allowed);
      return min;
    }
  }

  public double doubleIn(String key, double min, double max) {
    String allowed = "a number from " + min + " to " + max;
    if (!present(key)) {
      return min;
    }
    try {
      double v = config.getDouble(key);
      if (!(v >= min && v <= max)) {
        invalid(key, allowed);
        return min;
      }
      return v;
    } catch (ConfigException.WrongType e) {
      invalid(key, allowed);
      return min;
    }
  }

  /** A size in bytes; accepts HOCON sizes such as {@code 64 MiB}. */
  public long bytesIn(String key, long min, long max) {
    String allowed = "a size from " + min + " to " + max + " bytes (e.g. 64 MiB)";
    if (!present(key)) {
      return min;
    }
    try {
      long v = config.getBytes(key);
      if (v < min || v > max) {
        invalid(key, allowed);
        return min;
      }
      return v;
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      invalid(key, allowed);
      return min;
    }
  }

  /** An enum constant by its lower-case code ({@code center}, {@code grid}, ...). */
  public <E extends Enum<E>> E enumOf(String key, Class<E> type) {
    E[] values = type.getEnumConstants();
    String allowed = Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    if (!present(key)) {
      return values[0];
    }
    try {
      String s = config.getString(key);
      for (E v : values) {
        if (v.name().equalsIgnoreCase(s)) {
          return v;
        }
      }
    } catch (ConfigException.WrongType e) {
      // reported below
    }
    invalid(key, allowed);
    return values[0];
  }

  /** A list of strings; a single string is taken as a one-element list. */
  public List<String> stringList(String key) {
    if (!present(key)) {
      return List.of();
    }
    ConfigValue v = config.getValue(key);
    if (v.valueType() == ConfigValueType.STRING) {
      return List.of(config.getString(key));
    }
    try {
      return List.copyOf(config.getStringList(key));
    } catch (ConfigException.WrongType e) {
      invalid(key, "a list of strings");
      return List.of();
    }
  }

  /** A colour as 0xRRGGBB from {@code #RRGGBB}. */
  public int color(String key) {
    String s = string(key);
    if (s.matches("#[0-9A-Fa-f]{6}")) {
      return Integer.parseInt(s.substring(1), 16);
    }
    if (config.hasPath(key) && config.getValue(key).valueType() == ConfigValueType.STRING) {
      invalid(key, "a colour as \"#RRGGBB\"");
    }
    return 0xFFFFFF;
  }
}
