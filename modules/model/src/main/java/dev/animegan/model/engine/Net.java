package dev.animegan.model.engine;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network of the engine: a fixed structure over named parameters (PyTorch's names and layouts),
 * run on NHWC activations. {@link #forward} computes the output and, given a {@link Tape}, records
 * what the backward pass needs: nothing for frozen layers whose input needs no gradient, the input
 * for weight gradients only when parameter gradients are wanted, activation outputs for masks.
 *
 * <p>Ownership: every operation consumes its input's reference and returns a new one; the caller
 * of {@link #forward} keeps its input (operations never consume it) and owns the returned output.
 * A pass that fails midway (e.g. out of memory) frees everything it allocated before rethrowing.
 */
public abstract class Net {
  /** GroupNorm's epsilon (PyTorch's default). */
  public static final double GN_EPS = 1e-5;

  private final String name;
  private final Map<String, INDArray> interpolation = new HashMap<>();

  protected Net(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** Parameter names and shapes, in the order a flat parameter vector holds them. */
  public abstract LinkedHashMap<String, long[]> paramShapes();

  /** Fills freshly created parameters: convolutions Xavier-normal (seeded by ND4J's RNG), norm scales 1, biases 0. */
  public void init(ParamSet p) {
    for (Map.Entry<String, long[]> e : paramShapes().entrySet()) {
      INDArray t = p.get(e.getKey());
      long[] s = e.getValue();
      if (s.length == 4) {
        double fanIn = (double) s[1] * s[2] * s[3];
        double fanOut = (double) s[0] * s[2] * s[3] / (s[1] == 1 && isDepthwise(e.getKey()) ? s[0] : 1);
        t.assign(Nd4j.randn(t.dataType(), s).muli(Math.sqrt(2.0 / (fanIn + fanOut))));
      } else {
        t.assign(isNormScale(e.getKey()) ? 1.0 : 0.0);
      }
    }
  }

  /** Whether {@code key} is a depthwise convolution's weight (fan-out is then per channel). */
  protected boolean isDepthwise(String key) {
    return false;
  }

  /** Whether {@code key} is a normalisation layer's scale (initialised to 1). */
  protected abstract boolean isNormScale(String key);

  /**
   * What keeps {@code state} (a state dict by these parameter names) from fitting this network
   * exactly: wrong shapes and missing keys (with the expected shape) in parameter order, then the
   * unexpected keys (BatchNorm's {@code num_batches_tracked} counters are ignored); empty when it fits.
   */
  public java.util.List<String> stateDictProblems(Map<String, INDArray> state) {
    java.util.List<String> problems = new java.util.ArrayList<>();
    paramShapes().forEach((k, s) -> {
      INDArray v = state.get(k);
      if (v == null) {
        problems.add("missing " + k + " " + java.util.Arrays.toString(s));
      } else if (!java.util.Arrays.equals(v.shape(), s)) {
        problems.add(k + " has shape " + java.util.Arrays.toString(v.shape()) + ", expected " + java.util.Arrays.toString(s));
      }
    });
    java.util.List<String> unexpected = state.keySet().stream()
        .filter(k -> !paramShapes().containsKey(k) && !k.endsWith("num_batches_tracked")).toList();
    if (!unexpected.isEmpty()) {
      problems.add("unexpected keys " + unexpected);
    }
    return problems;
  }

  public long numParams() {
    return paramShapes().values().stream().mapToLong(s -> {
      long n = 1;
      for (long d : s) {
        n *= d;
      }
      return n;
    }).sum();
  }

  /**
   * The output for NHWC input {@code x}. With a {@code tape}, records the backward pass; {@code grads}
   * (same names as the parameters) receives parameter gradients when the tape runs, or is null for a
   * frozen network; {@code inputGrad} says whether the tape must return the input's gradient.
   */
  public final INDArray forward(Engine e, ParamSet params, ParamSet grads, INDArray x, Tape tape, boolean inputGrad) {
    long mark = e.pool().mark();
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      Pass p = new Pass(e, params, tape == null ? null : grads, tape, x);
      if (tape != null && inputGrad) {
        p.markGrad(x);
      }
      return run(p, x);
    } catch (RuntimeException | Error failed) {
      // e.g. OutOfMemoryError from JavaCPP's physical-memory cap: free what this pass allocated
      if (tape != null) {
        tape.clearWithoutReleasing();
      }
      e.pool().releaseSince(mark);
      e.pool().trim();
      throw failed;
    }
  }

  /** The network's structure: consumes {@code x}. */
  protected abstract INDArray run(Pass p, INDArray x);

  /** The align-corners bilinear interpolation matrix [out, in] (PyTorch's align_corners=True). */
  static float[][] interpolationMatrix(int out, int in) {
    float[][] m = new float[out][in];
    for (int o = 0; o < out; o++) {
      double src = out == 1 ? 0.0 : (double) o * (in - 1) / (out - 1);
      int i0 = Math.min((int) Math.floor(src), in - 1);
      int i1 = Math.min(i0 + 1, in - 1);
      double w = src - i0;
      m[o][i0] += (float) (1.0 - w);
      m[o][i1] += (float) w;
    }
    return m;
  }

  private INDArray interpolation(int out, int in, boolean transposed, DataType type) {
    return interpolation.computeIfAbsent(out + "x" + in + (transposed ? "T" : "") + type, k -> {
      try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        INDArray m = Nd4j.createFromArray(interpolationMatrix(out, in)).castTo(type);
        return transposed ? m.transpose().dup('c') : m.dup('c');
      }
    });
  }

  /** One forward pass: the operations the structures are made of. */
  protected final class Pass {
    final Engine e;
    final TensorPool pool;
    final Kernels k;
    final ParamSet params;
    final ParamSet grads;
    final Tape tape;
    final OpTimer timer;
    /** The pass's input: the caller keeps it, so operations do not consume it. */
    final INDArray input;
    private final Set<INDArray> requiresGrad = Collections.newSetFromMap(new IdentityHashMap<>());

    Pass(Engine e, ParamSet params, ParamSet grads, Tape tape, INDArray input) {
      this.e = e;
      this.pool = e.pool();
      this.k = e.kernels();
      this.params = params;
      this.grads = grads;
      this.tape = tape;
      this.timer = e.timer();
      this.input = input;
    }

    /** An operation is done with its input: one reference fewer, unless it is the caller's input. */
    private void consume(INDArray a) {
      if (a != input) {
        pool.release(a);
      }
    }

    void markGrad(INDArray a) {
      requiresGrad.add(a);
    }

    boolean needsGrad(INDArray a) {
      return requiresGrad.contains(a);
    }

    /** Whether the op with input {@code x} and (maybe) parameters must record a backward step. */
    private boolean record(INDArray x, boolean hasParams) {
      return tape != null && (needsGrad(x) || (hasParams && grads != null));
    }

    private void done(String layer, String kind, long t0, double flops) {
      timer.stop(name, layer, kind, "forward", t0, flops);
    }

    private void doneBack(String layer, String kind, long t0, double flops) {
      timer.stop(name, layer, kind, "backward", t0, flops);
    }

    private void release(INDArray... as) {
      for (INDArray a : as) {
        pool.release(a);
      }
    }

    // ---- convolution

    /** A convolution {@code layer} ({@code layer.weight}, maybe {@code layer.bias}) with zero padding and a fused activation. */
    INDArray conv(String layer, INDArray x, long out, int kernel, int stride, int padTop, int padLeft, int padBottom,
        int padRight, boolean depthwise, boolean bias, Kernels.Act act) {
      long t0 = timer.start();
      long[] s = x.shape();
      ConvSpec spec = new ConvSpec(s[0], s[1], s[2], s[3], out, kernel, stride, padTop, padLeft, padBottom, padRight,
          depthwise ? (int) s[3] : 1, bias);
      INDArray w = params.get(layer + ".weight");
      INDArray b = bias ? params.get(layer + ".bias") : null;
      INDArray y = pool.alloc(s[0], spec.oh(), spec.ow(), out);
      k.conv(spec, x, w, b, y, act);
      done(layer, depthwise ? "conv-dw" : "conv" + kernel + "x" + kernel, t0, spec.flops());
      if (record(x, true)) {
        boolean inGrad = needsGrad(x);
        INDArray gw = grads == null ? null : grads.get(layer + ".weight");
        INDArray gb = grads == null || !bias ? null : grads.get(layer + ".bias");
        INDArray savedX = gw != null ? pool.retain(x) : null;
        INDArray savedY = act != Kernels.Act.NONE ? pool.retain(y) : null;
        double alpha = act == Kernels.Act.LRELU ? Kernels.LRELU_ALPHA : 0.0;
        tape.push(new Tape.Step() {
          @Override
          public INDArray backward(INDArray dy) {
            long t1 = timer.start();
            if (savedY != null) {
              k.reluBackwardFromOutput(dy, savedY, alpha, dy);
            }
            INDArray dx = inGrad ? pool.alloc(s) : null;
            k.convBackward(spec, savedX, w, dy, dx, gw, gb);
            release(dy, savedX, savedY);
            doneBack(layer, depthwise ? "conv-dw" : "conv" + kernel + "x" + kernel, t1,
                spec.flops() * ((inGrad ? 1 : 0) + (gw != null ? 1 : 0)));
            return dx;
          }

          @Override
          public void discard() {
            release(savedX, savedY);
          }
        });
        markGrad(y);
      }
      consume(x);
      return y;
    }

    // ---- reflection padding (PyTorch's ReflectionPad2d: the edge row/column is not repeated)

    INDArray reflectPad(String layer, INDArray x, int top, int bottom, int left, int right) {
      long t0 = timer.start();
      long n = x.size(0);
      long h = x.size(1);
      long w = x.size(2);
      long c = x.size(3);
      if (top >= h || bottom >= h || left >= w || right >= w) {
        throw new IllegalArgumentException("reflection padding " + top + "," + bottom + "," + left + "," + right
            + " needs maps larger than the padding; got " + h + "x" + w + " at " + layer);
      }
      INDArray y = pool.alloc(n, h + top + bottom, w + left + right, c);
      k.reflectPad(x, y, top, bottom, left, right);
      done(layer, "pad", t0, 0);
      if (record(x, false)) {
        long[] shape = x.shape();
        tape.push(new Tape.Step() {
          @Override
          public INDArray backward(INDArray dy) {
            long t1 = timer.start();
            INDArray dx = pool.alloc(shape);
            k.reflectPadBackward(dy, dx, top, bottom, left, right);
            release(dy);
            doneBack(layer, "pad", t1, 0);
            return dx;
          }

          @Override
          public void discard() {
            // nothing saved
          }
        });
        markGrad(y);
      }
      consume(x);
      return y;
    }

    // ---- GroupNorm(1), optionally followed by LeakyReLU

    INDArray groupNorm(String layer, INDArray x, boolean lrelu) {
      long t0 = timer.start();
      long n = x.size(0);
      long c = x.size(3);
      double m = (double) x.length() / n;
      double[] sum = new double[(int) n];
      double[] sq = new double[(int) n];
      k.sampleMoments(x, sum, sq);
      double[] mean = new double[(int) n];
      double[] inv = new double[(int) n];
      for (int i = 0; i < n; i++) {
        mean[i] = sum[i] / m;
        inv[i] = 1.0 / Math.sqrt(Math.max(0.0, sq[i] / m - mean[i] * mean[i]) + GN_EPS);
      }
      double[] gamma = hostVector(params.get(layer + ".weight"));
      double[] beta = hostVector(params.get(layer + ".bias"));
      double[][] sc = new double[(int) n][(int) c];
      double[][] sh = new double[(int) n][(int) c];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < c; j++) {
          sc[i][j] = gamma[j] * inv[i];
          sh[i][j] = beta[j] - mean[i] * gamma[j] * inv[i];
        }
      }
      INDArray scale = matrix(sc);
      INDArray shift = matrix(sh);
      double alpha = lrelu ? Kernels.LRELU_ALPHA : Double.NaN;
      INDArray y = pool.alloc(x.shape());
      k.affine(x, scale, shift, alpha, y);
      done(layer, lrelu ? "norm+lrelu" : "norm", t0, 0);
      if (record(x, true)) {
        boolean inGrad = needsGrad(x);
        INDArray gGamma = grads == null ? null : grads.get(layer + ".weight");
        INDArray gBeta = grads == null ? null : grads.get(layer + ".bias");
        INDArray savedX = pool.retain(x);
        tape.push(new Tape.Step() {
          @Override
          public INDArray backward(INDArray dy) {
            long t1 = timer.start();
            if (lrelu) {
              INDArray pre = pool.alloc(savedX.shape());
              k.affine(savedX, scale, shift, Double.NaN, pre);
              k.leakyReluBackward(dy, pre, alpha, dy);
              release(pre);
            }
            INDArray s = pool.alloc(n, c);
            INDArray pr = pool.alloc(n, c);
            k.channelSums(dy, null, s);
            k.channelSums(dy, savedX, pr);
            double[][] S = host(s);
            double[][] P = host(pr);
            release(s, pr);
            double[] dg = new double[(int) c];
            double[] db = new double[(int) c];
            double[][] k1 = new double[(int) n][(int) c];
            double[] k2 = new double[(int) n];
            double[] k3 = new double[(int) n];
            for (int i = 0; i < n; i++) {
              double m1 = 0;
              double m2 = 0;
              for (int j = 0; j < c; j++) {
                double dyXhat = inv[i] * (P[i][j] - mean[i] * S[i][j]);
                dg[j] += dyXhat;
                db[j] += S[i][j];
                m1 += gamma[j] * S[i][j];
                m2 += gamma[j] * dyXhat;
                k1[i][j] = gamma[j] * inv[i];
              }
              m1 /= m;
              m2 /= m;
              k2[i] = -inv[i] * inv[i] * m2;
              k3[i] = -inv[i] * m1 + inv[i] * inv[i] * m2 * mean[i];
            }
            if (gGamma != null) {
              Host.write(gGamma, dg);
              Host.write(gBeta, db);
            }
            INDArray dx = null;
            if (inGrad) {
              INDArray kk1 = matrix(k1);
              k.affine2(dy, kk1, savedX, k2, k3, dy);
              release(kk1);
              dx = dy;
            } else {
              release(dy);
            }
            release(savedX, scale, shift);
            doneBack(layer, lrelu ? "norm+lrelu" : "norm", t1, 0);
            return dx;
          }

          @Override
          public void discard() {
            release(savedX, scale, shift);
          }
        });
        markGrad(y);
      } else {
        release(scale, shift);
      }
      consume(x);
      return y;
    }

    private INDArray matrix(double[][] v) {
      INDArray a = pool.alloc(v.length, v[0].length);
      Host.write(a, Host.flat(v));
      return a;
    }

    private double[][] host(INDArray a) {
      return Host.rows(Host.read(a), (int) a.size(0));
    }

    private double[] hostVector(INDArray a) {
      return Host.read(a);
    }

    // ---- residual connection: input + body(input)

    /** Marks the start of a residual block over {@code x}; returns the handle {@link #residualEnd} needs. */
    Residual residualStart(INDArray x) {
      pool.retain(x);
      Residual r = new Residual(x);
      if (tape != null) {
        tape.push(new Tape.Step() {
          @Override
          public INDArray backward(INDArray dxBody) {
            INDArray skip = r.dySkip;
            r.dySkip = null;
            if (dxBody == null) {
              return skip;
            }
            if (skip != null) {
              dxBody.addi(skip);
              release(skip);
            }
            return dxBody;
          }

          @Override
          public void discard() {
            release(r.dySkip);
            r.dySkip = null;
          }
        });
      }
      return r;
    }

    final class Residual {
      final INDArray input;
      INDArray dySkip;

      Residual(INDArray input) {
        this.input = input;
      }
    }

    INDArray residualEnd(String layer, Residual r, INDArray body) {
      long t0 = timer.start();
      boolean grad = needsGrad(r.input) || needsGrad(body);
      body.addi(r.input);
      boolean inGrad = needsGrad(r.input);
      release(r.input);
      done(layer, "add", t0, 0);
      if (tape != null && grad) {
        tape.push(new Tape.Step() {
          @Override
          public INDArray backward(INDArray dy) {
            if (inGrad) {
              r.dySkip = pool.copyOf(dy);
            }
            return dy;
          }

          @Override
          public void discard() {
            // nothing saved
          }
        });
        markGrad(body);
      }
      return body;
    }

    // ---- bilinear resize (align corners)

    INDArray resize(String layer, INDArray x, long oh, long ow) {
      long h = x.size(1);
      long w = x.size(2);
      if (h == oh && w == ow) {
        return x;
      }
      long t0 = timer.start();
      DataType type = x.dataType();
      INDArray rows = interpolation((int) oh, (int) h, false, type);
      INDArray cols = interpolation((int) ow, (int) w, false, type);
      INDArray y = pool.alloc(x.size(0), oh, ow, x.size(3));
      k.linearResize(x, rows, cols, y);
      done(layer, "resize", t0, 0);
      if (record(x, false)) {
        long[] shape = x.shape();
        INDArray rowsT = interpolation((int) oh, (int) h, true, type);
        INDArray colsT = interpolation((int) ow, (int) w, true, type);
        tape.push(new Tape.Step() {
          @Override
          public INDArray backward(INDArray dy) {
            long t1 = timer.start();
            INDArray dx = pool.alloc(shape);
            k.linearResize(dy, rowsT, colsT, dx);
            release(dy);
            doneBack(layer, "resize", t1, 0);
            return dx;
          }

          @Override
          public void discard() {
            // nothing saved
          }
        });
        markGrad(y);
      }
      consume(x);
      return y;
    }

    // ---- small element-wise stages

    INDArray tanh(String layer, INDArray x) {
      long t0 = timer.start();
      INDArray y = pool.alloc(x.shape());
      Nd4j.exec(new Tanh(x, y));
      done(layer, "tanh", t0, 0);
      if (record(x, false)) {
        INDArray savedY = pool.retain(y);
        tape.push(new Tape.Step() {
          @Override
          public INDArray backward(INDArray dy) {
            long t1 = timer.start();
            try (MemoryWorkspace ws = e.scratch()) {
              dy.muli(savedY.mul(savedY).rsubi(1.0));
            }
            release(savedY);
            doneBack(layer, "tanh", t1, 0);
            return dy;
          }

          @Override
          public void discard() {
            release(savedY);
          }
        });
        markGrad(y);
      }
      consume(x);
      return y;
    }

    /** {@code y[..., c] = sum_k m[k][c] x[..., k] + offset[c]} over 3 channels (colour transforms). */
    INDArray pixelLinear(String layer, INDArray x, double[][] m, double[] offset) {
      long t0 = timer.start();
      long pixels = x.length() / 3;
      INDArray y = pool.alloc(x.shape());
      try (MemoryWorkspace ws = e.scratch()) {
        INDArray mm = Nd4j.createFromArray(m).castTo(x.dataType());
        y.reshape(pixels, 3).assign(x.reshape(pixels, 3).mmul(mm).addiRowVector(
            Nd4j.createFromArray(offset).castTo(x.dataType())));
      }
      done(layer, "pixel-linear", t0, 0);
      if (record(x, false)) {
        long[] shape = x.shape();
        tape.push(new Tape.Step() {
          @Override
          public INDArray backward(INDArray dy) {
            INDArray dx = pool.alloc(shape);
            try (MemoryWorkspace ws = e.scratch()) {
              INDArray mm = Nd4j.createFromArray(m).castTo(dy.dataType());
              dx.reshape(pixels, 3).assign(dy.reshape(pixels, 3).mmul(mm.transpose()));
            }
            release(dy);
            return dx;
          }

          @Override
          public void discard() {
            // nothing saved
          }
        });
        markGrad(y);
      }
      consume(x);
      return y;
    }

    INDArray maxPool2(String layer, INDArray x) {
      long t0 = timer.start();
      INDArray y = pool.alloc(x.size(0), x.size(1) / 2, x.size(2) / 2, x.size(3));
      boolean rec = record(x, false);
      Kernels.PoolState st = k.maxPool2(x, y, rec);
      done(layer, "maxpool", t0, 0);
      if (rec) {
        INDArray savedX = pool.retain(x);
        long[] shape = x.shape();
        tape.push(new Tape.Step() {
          @Override
          public INDArray backward(INDArray dy) {
            long t1 = timer.start();
            INDArray dx = pool.alloc(shape);
            k.maxPool2Backward(st, dy, dx);
            st.close();
            release(dy, savedX);
            doneBack(layer, "maxpool", t1, 0);
            return dx;
          }

          @Override
          public void discard() {
            st.close();
            release(savedX);
          }
        });
        markGrad(y);
      }
      consume(x);
      return y;
    }
  }
}
