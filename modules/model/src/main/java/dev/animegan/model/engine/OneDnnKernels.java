package dev.animegan.model.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reduction;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Kernels} calling oneDNN (through JavaCPP's dnnl preset) directly on the arrays' NHWC
 * memory, float32 only. Primitives are built once per shape and cached; weights are reordered into
 * the primitive's blocked layout on every call (they change every step, and the reorder is small);
 * activations are never reordered. Convolutions fuse their bias and activation; GroupNorm's
 * per-sample affine and LeakyReLU run as one binary primitive with post-ops.
 *
 * <p>Not thread-safe: one instance per thread (see {@link Engine}).
 */
public final class OneDnnKernels implements Kernels {
  private static final Logger LOG = LoggerFactory.getLogger(OneDnnKernels.class);
  private static final memory.data_type F32 = memory.data_type.f32;
  private static volatile Boolean available;

  private final engine eng;
  private final stream strm;
  private final TensorPool pool;
  private final Map<Object, Object> cache = new HashMap<>();

  public OneDnnKernels(TensorPool pool) {
    if (pool.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException("oneDNN kernels are float32 only");
    }
    this.pool = pool;
    this.eng = new engine(engine.kind.cpu, 0);
    this.strm = new stream(eng);
  }

  /** Whether oneDNN's native library loads here (linux-x86_64 CPU builds); logs why not otherwise. */
  public static boolean available() {
    Boolean a = available;
    if (a == null) {
      synchronized (OneDnnKernels.class) {
        if (available == null) {
          try {
            Loader.load(org.bytedeco.dnnl.global.dnnl.class);
            available = true;
          } catch (Throwable t) {
            LOG.warn("oneDNN (JavaCPP dnnl) is not available ({}); the model engine uses ND4J's kernels", t.toString());
            available = false;
          }
        }
        a = available;
      }
    }
    return a;
  }

  @Override
  public String name() {
    return "onednn";
  }

  @Override
  public DataType dataType() {
    return DataType.FLOAT;
  }

  // ---- plumbing

  /** A pointer at an array's first element. */
  private static final class Addr extends Pointer {
    Addr(long a) {
      address = a;
    }
  }

  private static Pointer ptr(INDArray a) {
    if (a.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException("oneDNN kernels take float32 arrays, got " + a.dataType());
    }
    return new Addr(a.data().address() + 4L * a.offset());
  }

  private static void requireContiguous(INDArray a, String what) {
    if (!a.isView() || a.ordering() == 'c') {
      long expect = 1;
      long[] st = a.stride();
      long[] sh = a.shape();
      boolean ok = true;
      for (int i = sh.length - 1; i >= 0; i--) {
        if (sh[i] != 1 && st[i] != expect) {
          ok = false;
          break;
        }
        expect *= sh[i];
      }
      if (ok) {
        return;
      }
    }
    throw new IllegalArgumentException(what + " must be a contiguous c-order array");
  }

  private static memory.desc nhwc(long n, long h, long w, long c) {
    return new memory.desc(new long[] {n, c, h, w}, F32, memory.format_tag.nhwc);
  }

  /** The top-left {@code uh x uw} part of a contiguous [n, h, w, c] array. */
  private static memory.desc nhwcRegion(long n, long h, long w, long c, long uh, long uw) {
    if (uh == h && uw == w) {
      return nhwc(n, h, w, c);
    }
    return new memory.desc(new long[] {n, c, uh, uw}, F32, new long[] {h * w * c, 1, w * c, c});
  }

  private static memory.desc of(INDArray a) {
    long[] s = a.shape();
    return nhwc(s[0], s[1], s[2], s[3]);
  }

  /** [n, c] (or [n]) per-sample values broadcast over h and w. */
  private static memory.desc perSample(long n, long c) {
    return new memory.desc(new long[] {n, c, 1, 1}, F32, memory.format_tag.nhwc);
  }

  private static memory.desc weights(ConvSpec s, boolean any) {
    memory.format_tag tag = any ? memory.format_tag.any : s.depthwise() ? memory.format_tag.goihw : memory.format_tag.oihw;
    long[] dims = s.depthwise() ? new long[] {s.in(), 1, 1, s.k(), s.k()} : new long[] {s.out(), s.in(), s.k(), s.k()};
    return new memory.desc(dims, F32, tag);
  }

  private memory mem(memory.desc md, INDArray a) {
    return new memory(md, eng, ptr(a));
  }

  private void run(primitive p, int[] keys, memory[] mems) {
    try (IntMemoryMap args = new IntMemoryMap()) {
      for (int i = 0; i < keys.length; i++) {
        args.put(keys[i], mems[i]);
      }
      p.execute(strm, args);
      strm._wait();
    }
  }

  private static void close(Pointer... ps) {
    for (Pointer p : ps) {
      if (p != null) {
        p.close();
      }
    }
  }

  /** A reorder between two layouts, or null when they are the same. */
  private reorder reorderOrNull(memory.desc from, memory.desc to) {
    if (from.equals(to)) {
      return null;
    }
    return new reorder(new reorder.primitive_desc(eng, from, eng, to));
  }

  private void reorderInto(reorder r, memory from, memory to) {
    run(r, new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, new memory[] {from, to});
  }

  // ---- convolution

  private record ConvKey(ConvSpec s, Act act) {}

  private final class Conv {
    final ConvSpec s;
    final memory.desc src;
    final memory.desc dst;
    final memory.desc userW;
    final memory.desc bias;
    final convolution_forward.primitive_desc fpd;
    final convolution_forward fwd;
    final memory fwdW;
    final reorder toFwdW;
    convolution_backward_data bd;
    memory bdW;
    reorder toBdW;
    convolution_backward_weights bw;
    memory bwDiffW;
    reorder fromDiffW;
    memory.desc diffBias;

    Conv(ConvSpec s, Act act) {
      this.s = s;
      src = nhwcRegion(s.n(), s.h(), s.w(), s.in(), s.usedH(), s.usedW());
      dst = nhwc(s.n(), s.oh(), s.ow(), s.out());
      userW = weights(s, false);
      bias = s.bias() ? new memory.desc(new long[] {s.out()}, F32, memory.format_tag.x) : new memory.desc();
      primitive_attr attr = new primitive_attr();
      if (act != Act.NONE) {
        post_ops po = new post_ops();
        po.append_eltwise(1f, algorithm.eltwise_relu, act == Act.LRELU ? (float) LRELU_ALPHA : 0f, 0f);
        attr.set_post_ops(po);
      }
      fpd = new convolution_forward.primitive_desc(new convolution_forward.desc(prop_kind.forward_training,
          algorithm.convolution_direct, src, weights(s, true), bias, dst, strides(), padL(), padR()), attr, eng, false);
      fwd = new convolution_forward(fpd);
      fwdW = new memory(fpd.weights_desc(), eng);
      toFwdW = reorderOrNull(userW, fpd.weights_desc());
    }

    long[] strides() {
      return new long[] {s.stride(), s.stride()};
    }

    long[] padL() {
      return new long[] {s.padTop(), s.padLeft()};
    }

    long[] padR() {
      return new long[] {s.padBottom(), s.padRight()};
    }

    void initBackwardData() {
      if (bd == null) {
        convolution_backward_data.primitive_desc pd = new convolution_backward_data.primitive_desc(
            new convolution_backward_data.desc(algorithm.convolution_direct, src, weights(s, true), dst, strides(), padL(),
                padR()), eng, fpd, false);
        bd = new convolution_backward_data(pd);
        bdW = new memory(pd.weights_desc(), eng);
        toBdW = reorderOrNull(userW, pd.weights_desc());
      }
    }

    void initBackwardWeights() {
      if (bw == null) {
        memory.desc b = s.bias() ? new memory.desc(new long[] {s.out()}, F32, memory.format_tag.x) : new memory.desc();
        convolution_backward_weights.primitive_desc pd = new convolution_backward_weights.primitive_desc(
            new convolution_backward_weights.desc(algorithm.convolution_direct, src, weights(s, true), b, dst, strides(),
                padL(), padR()), eng, fpd, false);
        bw = new convolution_backward_weights(pd);
        bwDiffW = new memory(pd.diff_weights_desc(), eng);
        fromDiffW = reorderOrNull(pd.diff_weights_desc(), userW);
        diffBias = b;
      }
    }
  }

  private Conv conv(ConvSpec s, Act act) {
    return (Conv) cache.computeIfAbsent(new ConvKey(s, act), k -> new Conv(s, act));
  }

  private memory weightsFor(Conv c, INDArray w, reorder r, memory blocked) {
    memory user = mem(c.userW, w);
    if (r == null) {
      return user;
    }
    reorderInto(r, user, blocked);
    user.close();
    return blocked;
  }

  @Override
  public void conv(ConvSpec s, INDArray x, INDArray w, INDArray bias, INDArray y, Act act) {
    requireContiguous(x, "conv input");
    requireContiguous(y, "conv output");
    Conv c = conv(s, act);
    memory mw = weightsFor(c, w, c.toFwdW, c.fwdW);
    memory mx = mem(c.src, x);
    memory my = mem(c.dst, y);
    memory mb = bias == null ? null : mem(c.bias, bias);
    if (mb == null) {
      run(c.fwd, new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, new memory[] {mx, mw, my});
    } else {
      run(c.fwd, new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST}, new memory[] {mx, mw, mb, my});
    }
    close(mx, my, mb);
    if (mw != c.fwdW) {
      mw.close();
    }
  }

  @Override
  public void convBackward(ConvSpec s, INDArray x, INDArray w, INDArray dy, INDArray dx, INDArray dw, INDArray dbias) {
    requireContiguous(dy, "conv output gradient");
    Conv c = conv(s, Act.NONE);
    memory mdy = mem(c.dst, dy);
    if (dx != null) {
      requireContiguous(dx, "conv input gradient");
      c.initBackwardData();
      if (s.usedH() < s.h() || s.usedW() < s.w()) {
        dx.assign(0);
      }
      memory mw = weightsFor(c, w, c.toBdW, c.bdW);
      memory mdx = mem(c.src, dx);
      run(c.bd, new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC}, new memory[] {mdy, mw, mdx});
      close(mdx);
      if (mw != c.bdW) {
        mw.close();
      }
    }
    if (dw != null) {
      requireContiguous(x, "conv input");
      c.initBackwardWeights();
      memory mx = mem(c.src, x);
      memory target = c.fromDiffW == null ? mem(c.userW, dw) : c.bwDiffW;
      memory mdb = dbias == null ? null : mem(c.diffBias, dbias);
      if (mdb == null) {
        run(c.bw, new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS}, new memory[] {mx, mdy, target});
      } else {
        run(c.bw, new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS},
            new memory[] {mx, mdy, target, mdb});
      }
      if (c.fromDiffW != null) {
        memory user = mem(c.userW, dw);
        reorderInto(c.fromDiffW, c.bwDiffW, user);
        user.close();
      } else {
        target.close();
      }
      close(mx, mdb);
    }
    mdy.close();
  }

  // ---- element-wise

  private record EltKey(long[] shape, algorithm alg, double alpha) {
    @Override
    public boolean equals(Object o) {
      return o instanceof EltKey k && java.util.Arrays.equals(k.shape, shape) && k.alg == alg && k.alpha == alpha;
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(shape) * 31 + alg.hashCode() * 7 + Double.hashCode(alpha);
    }
  }

  private eltwise_backward eltBackward(INDArray like, algorithm alg, double alpha) {
    return (eltwise_backward) cache.computeIfAbsent(new EltKey(like.shape(), alg, alpha), k -> {
      memory.desc md = of(like);
      eltwise_forward.primitive_desc hint = new eltwise_forward.primitive_desc(
          new eltwise_forward.desc(prop_kind.forward_training, alg, md, (float) alpha, 0f), eng);
      return new eltwise_backward(new eltwise_backward.primitive_desc(
          new eltwise_backward.desc(alg, md, md, (float) alpha, 0f), eng, hint));
    });
  }

  @Override
  public void reluBackwardFromOutput(INDArray dy, INDArray y, double alpha, INDArray dx) {
    eltwise_backward p = eltBackward(y, algorithm.eltwise_relu_use_dst_for_bwd, alpha);
    memory.desc md = of(y);
    memory a = mem(md, dy);
    memory b = mem(md, y);
    memory c = mem(md, dx);
    run(p, new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_DST, DNNL_ARG_DIFF_SRC}, new memory[] {a, b, c});
    close(a, b, c, md);
  }

  @Override
  public void leakyReluBackward(INDArray dy, INDArray pre, double alpha, INDArray dx) {
    eltwise_backward p = eltBackward(pre, algorithm.eltwise_relu, alpha);
    memory.desc md = of(pre);
    memory a = mem(md, dy);
    memory b = mem(md, pre);
    memory c = mem(md, dx);
    run(p, new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_SRC, DNNL_ARG_DIFF_SRC}, new memory[] {a, b, c});
    close(a, b, c, md);
  }

  // ---- pooling

  private record PoolKey(long n, long h, long w, long c) {}

  private final class PoolPrims {
    final memory.desc src;
    final memory.desc dst;
    final pooling_forward.primitive_desc fpd;
    final pooling_forward fwdTrain;
    final pooling_backward bwd;
    final boolean cropped;

    PoolPrims(PoolKey k) {
      long oh = k.h() / 2;
      long ow = k.w() / 2;
      src = nhwcRegion(k.n(), k.h(), k.w(), k.c(), 2 * oh, 2 * ow);
      dst = nhwc(k.n(), oh, ow, k.c());
      cropped = 2 * oh != k.h() || 2 * ow != k.w();
      long[] two = {2, 2};
      long[] zero = {0, 0};
      fpd = new pooling_forward.primitive_desc(new pooling_forward.desc(prop_kind.forward_training, algorithm.pooling_max,
          src, dst, two, two, zero, zero), eng);
      fwdTrain = new pooling_forward(fpd);
      bwd = new pooling_backward(new pooling_backward.primitive_desc(
          new pooling_backward.desc(algorithm.pooling_max, src, dst, two, two, zero, zero), eng, fpd));
    }
  }

  private record OneDnnPool(PoolPrims p, memory workspace) implements PoolState {
    @Override
    public void close() {
      workspace.close();
    }
  }

  @Override
  public PoolState maxPool2(INDArray x, INDArray y, boolean training) {
    long[] s = x.shape();
    PoolPrims p = (PoolPrims) cache.computeIfAbsent(new PoolKey(s[0], s[1], s[2], s[3]), k -> new PoolPrims((PoolKey) k));
    memory mx = mem(p.src, x);
    memory my = mem(p.dst, y);
    memory ws = new memory(p.fpd.workspace_desc(), eng);
    run(p.fwdTrain, new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE}, new memory[] {mx, my, ws});
    close(mx, my);
    if (!training) {
      ws.close();
      return null;
    }
    return new OneDnnPool(p, ws);
  }

  @Override
  public void maxPool2Backward(PoolState state, INDArray dy, INDArray dx) {
    OneDnnPool st = (OneDnnPool) state;
    if (st.p().cropped) {
      dx.assign(0);
    }
    memory mdy = mem(st.p().dst, dy);
    memory mdx = mem(st.p().src, dx);
    run(st.p().bwd, new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WORKSPACE, DNNL_ARG_DIFF_SRC},
        new memory[] {mdy, st.workspace(), mdx});
    close(mdy, mdx);
  }

  // ---- reductions and affine maps
  //
  // oneDNN 2.5 jit-compiles reductions only over the innermost dimension of a plain 2D array, and
  // binary broadcasts only along dimension 1 of plain layouts (measured: everything else runs its
  // reference code, 100x slower). So: per-sample sums as [n, M] -> [n, 1]; per-channel sums as a
  // batched matrix product ones[1, HW] x x[n, HW, C]; sums of squares with BLAS sdot; the affine maps
  // per sample on [HW, C] views with [1, C] and [1, 1] operands.

  private static memory.desc plain2(long rows, long cols) {
    return new memory.desc(new long[] {rows, cols}, F32, memory.format_tag.ab);
  }

  private record RedKey(long n, long m) {}

  private reduction sampleSum(long n, long m) {
    return (reduction) cache.computeIfAbsent(new RedKey(n, m), k -> new reduction(new reduction.primitive_desc(
        new reduction.desc(algorithm.reduction_sum, plain2(n, m), plain2(n, 1), 0f, 0f), eng)));
  }

  private INDArray detachedFloats(long n) {
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return Nd4j.createUninitializedDetached(DataType.FLOAT, n);
    }
  }

  @Override
  public void sampleMoments(INDArray x, double[] sum, double[] sumSq) {
    long n = x.size(0);
    long m = x.length() / n;
    INDArray out = detachedFloats(n);
    memory mx = mem(plain2(n, m), x);
    memory mo = mem(plain2(n, 1), out);
    run(sampleSum(n, m), new int[] {DNNL_ARG_SRC, DNNL_ARG_DST}, new memory[] {mx, mo});
    close(mx, mo);
    INDArray rows = x.reshape(n, m);
    for (int i = 0; i < n; i++) {
      sum[i] = out.getDouble(i);
      INDArray r = rows.getRow(i);
      sumSq[i] = Nd4j.getBlasWrapper().dot(r, r);
    }
    out.close();
  }

  private record OnesKey(long hw) {}

  private record MatKey3(long n, long hw, long c) {}

  @Override
  public void channelSums(INDArray a, INDArray b, INDArray out) {
    long n = a.size(0);
    long c = a.size(3);
    long hw = a.length() / n / c;
    INDArray src = a;
    INDArray tmp = null;
    if (b != null) {
      tmp = pool.alloc(a.shape());
      memory ma = mem(plain2(1, a.length()), a);
      memory mb = mem(plain2(1, a.length()), b);
      memory mt = mem(plain2(1, a.length()), tmp);
      run(binary2(1, a.length(), 1, a.length(), false, false), new int[] {DNNL_ARG_SRC_0, DNNL_ARG_SRC_1, DNNL_ARG_DST},
          new memory[] {ma, mb, mt});
      close(ma, mb, mt);
      src = tmp;
    }
    INDArray ones = (INDArray) cache.computeIfAbsent(new OnesKey(hw), k -> {
      INDArray o = detachedFloats(hw);
      o.assign(1);
      return o;
    });
    MatKey3 key = new MatKey3(n, hw, c);
    matmul p = (matmul) cache.computeIfAbsent(key, k -> new matmul(new matmul.primitive_desc(new matmul.desc(
        new memory.desc(new long[] {1, 1, hw}, F32, memory.format_tag.abc),
        new memory.desc(new long[] {n, hw, c}, F32, memory.format_tag.abc),
        new memory.desc(new long[] {n, 1, c}, F32, memory.format_tag.abc)), eng)));
    memory mo = new memory(new memory.desc(new long[] {1, 1, hw}, F32, memory.format_tag.abc), eng, ptr(ones));
    memory ms = new memory(new memory.desc(new long[] {n, hw, c}, F32, memory.format_tag.abc), eng, ptr(src));
    memory md = new memory(new memory.desc(new long[] {n, 1, c}, F32, memory.format_tag.abc), eng, ptr(out));
    run(p, new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, new memory[] {mo, ms, md});
    close(mo, ms, md);
    pool.release(tmp);
  }

  private record Bin2Key(long rows, long cols, long bRows, long bCols, boolean postFull, boolean postLike, double alpha) {}

  /**
   * {@code dst[rows, cols] = a * b (+ post) (then LeakyReLU(alpha))} on plain 2D arrays; {@code b} is
   * [bRows, bCols] (full, [1, cols] or [1, 1]); {@code post} is full-size ({@code postFull}) or shaped
   * like {@code b} ({@code postLike}), or absent.
   */
  private binary binary2(long rows, long cols, long bRows, long bCols, boolean postFull, boolean postLike) {
    return binary2(rows, cols, bRows, bCols, postFull, postLike, Double.NaN);
  }

  private binary binary2(long rows, long cols, long bRows, long bCols, boolean postFull, boolean postLike, double alpha) {
    return (binary) cache.computeIfAbsent(new Bin2Key(rows, cols, bRows, bCols, postFull, postLike, alpha), k -> {
      primitive_attr attr = new primitive_attr();
      post_ops po = new post_ops();
      if (postFull) {
        po.append_binary(algorithm.binary_add, plain2(rows, cols));
      } else if (postLike) {
        po.append_binary(algorithm.binary_add, plain2(bRows, bCols));
      }
      if (!Double.isNaN(alpha)) {
        po.append_eltwise(1f, algorithm.eltwise_relu, (float) alpha, 0f);
      }
      attr.set_post_ops(po);
      return new binary(new binary.primitive_desc(new binary.desc(algorithm.binary_mul, plain2(rows, cols),
          plain2(bRows, bCols), plain2(rows, cols)), attr, eng));
    });
  }

  private void runBinary2(binary p, long rows, long cols, INDArray a, long bRows, long bCols, INDArray b,
      long pRows, long pCols, INDArray post, INDArray y) {
    memory ma = mem(plain2(rows, cols), a);
    memory mb = mem(plain2(bRows, bCols), b);
    memory my = mem(plain2(rows, cols), y);
    memory mp = post == null ? null : mem(plain2(pRows, pCols), post);
    if (mp == null) {
      run(p, new int[] {DNNL_ARG_SRC_0, DNNL_ARG_SRC_1, DNNL_ARG_DST}, new memory[] {ma, mb, my});
    } else {
      run(p, new int[] {DNNL_ARG_SRC_0, DNNL_ARG_SRC_1, DNNL_ARG_DST, DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE | DNNL_ARG_SRC_1},
          new memory[] {ma, mb, my, mp});
    }
    close(ma, mb, my, mp);
  }

  private static INDArray sample(INDArray a, long i, long hw, long c) {
    return a.reshape(a.size(0), hw, c).get(org.nd4j.linalg.indexing.NDArrayIndex.point(i),
        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all());
  }

  private static INDArray row(INDArray m, long i) {
    return m.reshape(m.size(0), m.length() / m.size(0)).getRow(i);
  }

  @Override
  public void affine(INDArray x, INDArray scale, INDArray shift, double alpha, INDArray y) {
    long n = x.size(0);
    long c = x.size(3);
    long hw = x.length() / n / c;
    binary p = binary2(hw, c, 1, c, false, true, alpha);
    for (long i = 0; i < n; i++) {
      runBinary2(p, hw, c, sample(x, i, hw, c), 1, c, row(scale, i), 1, c, row(shift, i), sample(y, i, hw, c));
    }
  }

  @Override
  public void affine2(INDArray a, INDArray k1, INDArray b, double[] k2, double[] k3, INDArray y) {
    long n = a.size(0);
    long c = a.size(3);
    long hw = a.length() / n / c;
    INDArray fk2 = detachedFloats(n);
    INDArray fk3 = detachedFloats(n);
    for (int i = 0; i < n; i++) {
      fk2.putScalar(i, k2[i]);
      fk3.putScalar(i, k3[i]);
    }
    INDArray t = pool.alloc(hw, c);
    binary scalar = binary2(hw, c, 1, 1, false, true);
    binary channel = binary2(hw, c, 1, c, true, false);
    for (long i = 0; i < n; i++) {
      INDArray s2 = fk2.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 1));
      INDArray s3 = fk3.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 1));
      runBinary2(scalar, hw, c, sample(b, i, hw, c), 1, 1, s2, 1, 1, s3, t);
      runBinary2(channel, hw, c, sample(a, i, hw, c), 1, c, row(k1, i), hw, c, t, sample(y, i, hw, c));
    }
    pool.release(t);
    fk2.close();
    fk3.close();
  }

  // ---- resampling as two batched matrix products

  private record MatKey(long batch, long m, long k, long n) {}

  /** dst [batch, m, n] = src [1, m, k] (broadcast over the batch) x weights [batch, k, n]. */
  private matmul matmul(MatKey key) {
    return (matmul) cache.computeIfAbsent(key, k -> new matmul(new matmul.primitive_desc(new matmul.desc(
        new memory.desc(new long[] {1, key.m(), key.k()}, F32, memory.format_tag.abc),
        new memory.desc(new long[] {key.batch(), key.k(), key.n()}, F32, memory.format_tag.abc),
        new memory.desc(new long[] {key.batch(), key.m(), key.n()}, F32, memory.format_tag.abc)), eng)));
  }

  private void runMatmul(MatKey key, INDArray src, INDArray weights, INDArray dst) {
    matmul p = matmul(key);
    memory a = new memory(new memory.desc(new long[] {1, key.m(), key.k()}, F32, memory.format_tag.abc), eng, ptr(src));
    memory b = new memory(new memory.desc(new long[] {key.batch(), key.k(), key.n()}, F32, memory.format_tag.abc), eng,
        ptr(weights));
    memory c = new memory(new memory.desc(new long[] {key.batch(), key.m(), key.n()}, F32, memory.format_tag.abc), eng,
        ptr(dst));
    run(p, new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, new memory[] {a, b, c});
    close(a, b, c);
  }

  @Override
  public void linearResize(INDArray x, INDArray rows, INDArray cols, INDArray y) {
    requireContiguous(rows, "row interpolation matrix");
    requireContiguous(cols, "column interpolation matrix");
    long n = x.size(0);
    long h = x.size(1);
    long w = x.size(2);
    long c = x.size(3);
    long oh = rows.size(0);
    long ow = cols.size(0);
    INDArray t = pool.alloc(n, oh, w, c);
    runMatmul(new MatKey(n, oh, h, w * c), rows, x, t);
    runMatmul(new MatKey(n * oh, ow, w, c), cols, t, y);
    pool.release(t);
  }

  // ---- strided copies (padding borders, interiors)

  private record CopyKey(long[] dims, long[] from, long[] to, boolean add) {
    @Override
    public boolean equals(Object o) {
      return o instanceof CopyKey k && java.util.Arrays.equals(k.dims, dims) && java.util.Arrays.equals(k.from, from)
          && java.util.Arrays.equals(k.to, to) && k.add == add;
    }

    @Override
    public int hashCode() {
      return (java.util.Arrays.hashCode(dims) * 31 + java.util.Arrays.hashCode(from)) * 31 + java.util.Arrays.hashCode(to)
          + (add ? 1 : 0);
    }
  }

  /** oneDNN's logical [n, c, h, w] strides of an NHWC-shaped (possibly strided) array. */
  private static long[] logicalStrides(INDArray a) {
    long[] st = a.stride();
    return new long[] {st[0], st[3], st[1], st[2]};
  }

  @Override
  public void copy(INDArray src, INDArray dst, boolean add) {
    long[] s = src.shape();
    if (!java.util.Arrays.equals(s, dst.shape())) {
      throw new IllegalArgumentException("copy between shapes " + java.util.Arrays.toString(s) + " and "
          + java.util.Arrays.toString(dst.shape()));
    }
    long[] dims = {s[0], s[3], s[1], s[2]};
    CopyKey key = new CopyKey(dims, logicalStrides(src), logicalStrides(dst), add);
    reorder r = (reorder) cache.computeIfAbsent(key, k -> {
      primitive_attr attr = new primitive_attr();
      if (add) {
        post_ops po = new post_ops();
        po.append_sum(1f, memory.data_type.undef);
        attr.set_post_ops(po);
      }
      return new reorder(new reorder.primitive_desc(eng, new memory.desc(dims, F32, key.from()), eng,
          new memory.desc(dims, F32, key.to()), attr, false));
    });
    memory a = new memory(new memory.desc(dims, F32, key.from()), eng, ptr(src));
    memory b = new memory(new memory.desc(dims, F32, key.to()), eng, ptr(dst));
    reorderInto(r, a, b);
    close(a, b);
  }
}
