package dev.animegan.spark.infer;

import dev.animegan.core.infer.BudgetedStylizer;
import dev.animegan.core.infer.MemoryBudget;
import dev.animegan.model.GeneratorMemory;
import dev.animegan.model.GeneratorTileModel;
import dev.animegan.model.Stylizer;
import dev.animegan.spark.common.ExecutorPool;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.SerializableHadoopConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executor-side generators: the model file is copied from its file system once per JVM, and one
 * network per concurrently running task is loaded and then reused by every later task and
 * partition on that executor (networks are not thread-safe, so tasks borrow and give back).
 */
public final class Generators {
  private static final Logger LOG = LoggerFactory.getLogger(Generators.class);
  private static final Map<String, java.nio.file.Path> LOCAL = new ConcurrentHashMap<>();
  private static final ExecutorPool<String, ComputationGraph> POOL = new ExecutorPool<>();
  static final AtomicInteger LOADS = new AtomicInteger();

  private Generators() {}

  public static ComputationGraph borrow(String model, SerializableHadoopConf conf) {
    return POOL.borrow(model, m -> {
      try {
        ComputationGraph loaded = Stylizer.load(local(m, conf)).generator();
        LOADS.incrementAndGet();
        LOG.info("loaded generator {} ({} parameters)", m, loaded.numParams());
        return loaded;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load generator " + m, e);
      }
    });
  }

  public static void giveBack(String model, ComputationGraph g) {
    POOL.giveBack(model, g);
  }

  /** A local copy of the model (the file, or a checkpoint folder's generator.zip), made once per JVM. */
  private static java.nio.file.Path local(String model, SerializableHadoopConf conf) {
    return LOCAL.computeIfAbsent(model, m -> {
      try {
        Path p = new Path(m);
        FileSystem fs = p.getFileSystem(conf.get());
        if (fs.getFileStatus(p).isDirectory()) {
          p = new Path(p, "generator.zip");
        }
        return HadoopFiles.isLocal(fs) ? HadoopFiles.localPath(fs, p)
            : HadoopFiles.copyToLocalTemp(fs, p);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot fetch generator " + m, e);
      }
    });
  }

  /**
   * A runner for one task: the generator within the memory budget of this executor's task slots
   * ({@code memoryBudget} 0 = auto); generator calls wait while a decode large enough to fill the
   * heap runs ({@link dev.animegan.core.image.DecodeGate}).
   */
  public static BudgetedStylizer runner(ComputationGraph generator, long memoryBudget, int batchSize, int tileSize,
      int tileOverlap, String budgetKey) {
    int base = GeneratorMemory.base(generator);
    int tasks = ExecutorSlots.concurrentTasks();
    MemoryBudget budget = GeneratorMemory.budget(memoryBudget, base, tasks);
    if (BUDGET_LOGGED.compareAndSet(false, true)) {
      LOG.info("inference memory budget: {} per task ({}; {} tasks at once): {} pixels per generator call (base {}, {} "
          + "bytes per pixel)", MemoryBudget.human(budget.bytes()), memoryBudget == 0
              ? "auto, from JavaCPP's cap " + MemoryBudget.human(org.bytedeco.javacpp.Pointer.maxPhysicalBytes())
                  + " and a heap of " + MemoryBudget.human(Runtime.getRuntime().maxMemory())
              : budgetKey, tasks, budget.pixelsPerCall(), base, budget.bytesPerPixel());
    }
    GeneratorTileModel model = new GeneratorTileModel(generator);
    dev.animegan.core.infer.TileModel gated = (tiles, w, h) -> {
      try (dev.animegan.core.image.DecodeGate.Permit permit = dev.animegan.core.image.DecodeGate.shared()) {
        return model.apply(tiles, w, h);
      }
    };
    return new BudgetedStylizer(gated, budget, batchSize, tileSize, tileOverlap, GeneratorMemory::recover, budgetKey);
  }

  private static final java.util.concurrent.atomic.AtomicBoolean BUDGET_LOGGED = new java.util.concurrent.atomic.AtomicBoolean();
}
