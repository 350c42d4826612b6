package dev.animegan.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the effective configuration: command-line overrides, then the {@code --config} file,
 * then {@code reference.conf}, which declares every key with its default.
 */
public final class ConfigLoader {
  /** The root every key of this project lives under. */
  public static final String ROOT = "animegan";

  private ConfigLoader() {}

  /** The defaults: every {@code reference.conf} on the class path. */
  public static Config reference() {
    return ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader());
  }

  /**
   * @param configFile a HOCON file, or null for none
   * @param overrides values from command-line flags, highest precedence
   */
  public static Config load(String configFile, Config overrides) {
    Config file = ConfigFactory.empty();
    if (configFile != null) {
      File f = new File(configFile);
      if (!f.isFile()) {
        throw new ConfigError("Config file not found: " + configFile + " (--config)");
      }
      try {
        file = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new ConfigError("Cannot parse config file " + configFile + ": " + e.getMessage());
      }
    }
    try {
      return overrides.withFallback(file).withFallback(reference()).resolve();
    } catch (ConfigException e) {
      throw new ConfigError("Cannot resolve configuration: " + e.getMessage());
    }
  }

  /**
   * A single {@code key=value} override as given to {@code --set}. The key may omit the
   * {@code animegan.} prefix. Values in brackets or braces are parsed as HOCON lists/objects;
   * anything else is taken as a string (Typesafe Config converts "256" or "true" on read).
   */
  public static Config parseSetting(String setting) {
    int eq = setting.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError("Invalid --set '" + setting + "': expected key=value, e.g. --set animegan.ingest.crop.mode=grid");
    }
    String key = setting.substring(0, eq).trim();
    String value = setting.substring(eq + 1).trim();
    if (!key.equals(ROOT) && !key.startsWith(ROOT + ".")) {
      key = ROOT + "." + key;
    }
    try {
      ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef("")); // validates the path
    } catch (ConfigException e) {
      throw new ConfigError("Invalid --set '" + setting + "': '" + key + "' is not a valid config key");
    }
    if (value.startsWith("[") || value.startsWith("{")) {
      try {
        Config parsed = ConfigFactory.parseString("v = " + value);
        return ConfigFactory.empty().withValue(key, parsed.getValue("v"));
      } catch (ConfigException e) {
        throw new ConfigError("Invalid --set '" + setting + "': cannot parse the value: " + e.getMessage());
      }
    }
    return ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(value));
  }

  /**
   * Problems for every key under {@code section} (e.g. {@code animegan.ingest}) that reference.conf
   * does not declare, and for unknown sections directly under {@code animegan}. Keys below
   * {@code freeForm} paths (maps whose keys the user names, like anime styles) are not checked.
   */
  public static List<String> unknownKeys(Config effective, String section, Set<String> freeForm) {
    Config reference = reference();
    List<String> problems = new ArrayList<>();
    if (effective.hasPath(ROOT) && effective.getValue(ROOT).valueType() == ConfigValueType.OBJECT) {
      for (String top : effective.getObject(ROOT).keySet()) {
        String path = ROOT + "." + quote(top);
        if (!reference.hasPathOrNull(path)) {
          problems.add(unknownMessage(effective, reference, path, ROOT));
        }
      }
    }
    if (effective.hasPath(section) && effective.getValue(section).valueType() == ConfigValueType.OBJECT) {
      walk(effective, reference, effective.getObject(section), section, freeForm, problems);
    }
    return problems;
  }

  private static void walk(Config effective, Config reference, ConfigObject obj, String prefix, Set<String> freeForm,
      List<String> problems) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String path = prefix + "." + quote(e.getKey());
      if (freeForm.contains(path)) {
        continue;
      }
      if (!reference.hasPathOrNull(path)) {
        problems.add(unknownMessage(effective, reference, path, prefix));
      } else if (e.getValue().valueType() == ConfigValueType.OBJECT
          && reference.getValue(path).valueType() == ConfigValueType.OBJECT) {
        walk(effective, reference, (ConfigObject) e.getValue(), path, freeForm, problems);
      }
    }
  }

  private static String unknownMessage(Config effective, Config reference, String path, String parent) {
    String origin = effective.getValue(path).origin().description();
    Set<String> known = new TreeSet<>(reference.getObject(parent).keySet());
    return "Unknown config key " + path + " (" + origin + "). Known keys in " + parent + ": " + String.join(", ", known);
  }

  private static String quote(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key.replace("\"", "\\\"") + "\"";
  }
}
