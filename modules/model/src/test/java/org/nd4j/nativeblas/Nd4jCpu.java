package org.nd4j.nativeblas;

/**
 * TEST-ONLY compatibility shim so DL4J 1.0.0-M2.1's oneDNN layer helpers can engage in the tests
 * that run release 0.1's per-layer DL4J graphs as references ({@code dev.animegan.model.legacy}).
 * Production code does not run DL4J convolution layers (the engine calls oneDNN itself), so this
 * class is not in any shipped jar; {@code Nd4jCpuShimTest} fails if ND4J ever ships a class of this
 * name again (the two would collide).
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()} by reflection, but
 * ND4J 1.0.0-M2.1 moved that binding to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and renamed the method
 * {@code isUseONEDNN()}. Without this class the lookup fails silently and every convolution runs
 * im2col + gemm. This class only forwards the question to the real binding; see
 * {@code dev.animegan.model.legacy.OneDnn} for switching the helpers on.
 */
public final class Nd4jCpu {
  private Nd4jCpu() {}

  /** The one method DL4J's helper check calls. */
  public static final class Environment {
    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    public static Environment getInstance() {
      return INSTANCE;
    }

    /** Reflection, so this module also compiles against the CUDA backend (where oneDNN does not apply). */
    public boolean isUseMKLDNN() {
      try {
        Class<?> env = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
        Object instance = env.getMethod("getInstance").invoke(null);
        return (Boolean) env.getMethod("isUseONEDNN").invoke(instance);
      } catch (ReflectiveOperationException | LinkageError e) {
        org.slf4j.LoggerFactory.getLogger(Nd4jCpu.class).warn("cannot ask ND4J whether oneDNN is on ({}): DL4J's oneDNN "
            + "layer helpers stay off and the reference graphs run DL4J's slow built-in convolutions", e.toString());
        return false;
      }
    }
  }
}
