package dev.animegan.model.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the networks compute with: a {@link TensorPool} for their activations and the {@link Kernels}
 * over them, plus optional per-operation timers. One engine per thread ({@link #current()}).
 *
 * <p>{@link #current()} picks oneDNN on ND4J's CPU backend when its native library loads, ND4J's
 * kernels otherwise (ND4J's CUDA backend, or {@code -Danimegan.engine.kernels=nd4j}).
 */
public final class Engine {
  /** System property choosing the kernels: {@code onednn} (default on the CPU) or {@code nd4j}. */
  public static final String KERNELS_PROPERTY = "animegan.engine.kernels";
  private static final ThreadLocal<Engine> CURRENT = ThreadLocal.withInitial(Engine::createDefault);

  /** Small temporaries of losses and norms: one block, sized by what the largest scope used, reset on every scope exit. */
  private static final WorkspaceConfiguration SCRATCH = WorkspaceConfiguration.builder()
      .initialSize(0)
      .overallocationLimit(0.2)
      .policyAllocation(AllocationPolicy.OVERALLOCATE)
      .policyLearning(LearningPolicy.OVER_TIME)
      .cyclesBeforeInitialization(1)
      .policySpill(SpillPolicy.REALLOCATE)
      .build();
  private static final java.util.concurrent.atomic.AtomicInteger IDS = new java.util.concurrent.atomic.AtomicInteger();

  private final TensorPool pool;
  private final Kernels kernels;
  private final String scratchId = "animegan-engine-scratch-" + IDS.incrementAndGet();
  private OpTimer timer = OpTimer.OFF;

  private Engine(TensorPool pool, Kernels kernels) {
    this.pool = pool;
    this.kernels = kernels;
  }

  /** This thread's engine. */
  public static Engine current() {
    return CURRENT.get();
  }

  private static Engine createDefault() {
    String wanted = System.getProperty(KERNELS_PROPERTY, "");
    boolean cpu = Nd4j.getBackend().getClass().getSimpleName().startsWith("CpuBackend")
        || Nd4j.getBackend().getClass().getName().contains("nativecpu");
    if (!wanted.equals("nd4j") && cpu && OneDnnKernels.available()) {
      return oneDnn();
    }
    return nd4j(DataType.FLOAT);
  }

  /** A new engine on oneDNN (float32). */
  public static Engine oneDnn() {
    TensorPool pool = new TensorPool(DataType.FLOAT);
    return new Engine(pool, new OneDnnKernels(pool));
  }

  /** A new engine on ND4J's kernels in {@code type} (the gradient checks use double). */
  public static Engine nd4j(DataType type) {
    return new Engine(new TensorPool(type), new Nd4jKernels(type));
  }

  /**
   * Opens the scratch workspace: every ND4J array created until the returned scope closes lives in
   * one reusable block and is invalid afterwards. Results that must outlive the scope go into pool
   * arrays (created outside every workspace) or host values.
   */
  public MemoryWorkspace scratch() {
    return Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH, scratchId);
  }

  public TensorPool pool() {
    return pool;
  }

  public Kernels kernels() {
    return kernels;
  }

  public DataType dataType() {
    return kernels.dataType();
  }

  public OpTimer timer() {
    return timer;
  }

  /** Times every operation into {@code t} (or stops timing with {@link OpTimer#OFF}). */
  public void setTimer(OpTimer t) {
    this.timer = t;
  }
}
