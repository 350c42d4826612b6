package dev.animegan.spark.common;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * A Hadoop {@link Configuration} that can travel to executors in a closure or a broadcast, with
 * Java serialization or Kryo alike: it carries the entries as a plain map and rebuilds the
 * Configuration on first use.
 */
public final class SerializableHadoopConf implements Serializable {
  private static final long serialVersionUID = 2L;
  private final HashMap<String, String> entries = new HashMap<>();
  private transient Configuration conf;

  public SerializableHadoopConf(Configuration conf) {
    for (Map.Entry<String, String> e : conf) {
      entries.put(e.getKey(), e.getValue());
    }
    this.conf = conf;
  }

  public synchronized Configuration get() {
    if (conf == null) {
      Configuration c = new Configuration(false);
      entries.forEach(c::set);
      conf = c;
    }
    return conf;
  }
}
