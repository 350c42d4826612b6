package dev.animegan.spark.testing;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;

/** The one local[2] session every Spark test in this JVM shares. */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      SparkSession.Builder builder = SparkSession.builder();
      dev.animegan.spark.common.SparkSessions.BASE_DEFAULTS.forEach(builder::config);
      session = builder
          .master("local[2]")
          .appName("animegan-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.default.parallelism", "2")
          .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
          .config("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")
          .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }

  /** The repository's root folder (tests run in modules/NAME). */
  public static Path repoRoot() {
    Path p = Paths.get("").toAbsolutePath();
    while (p != null && !p.resolve("data/sample").toFile().isDirectory()) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("cannot find data/sample above " + Paths.get("").toAbsolutePath());
    }
    return p;
  }
}
