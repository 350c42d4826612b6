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

    Addr at(long a) {
      address = a;
      return this;
    }
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

  private static long addr(INDArray a) {
    if (a.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException("oneDNN kernels take float32 arrays, got " + a.dataType());
    }
    return a.data().address() + 4L * a.offset();
  }

  private static long addr(INDArray a, long elementOffset) {
    return addr(a) + 4L * elementOffset;
  }

  /** Marks an argument whose memory the call owns (oneDNN-allocated): its pointer is never replaced. */
  private static final long KEEP = -1;

  /**
   * A cached primitive with its memory objects and argument map, created once; a call only sets
   * the arguments' data pointers (no descriptor, memory object or map is created per call).
   */
  private final class Call {
    final primitive prim;
    final memory[] mems;
    final IntMemoryMap args = new IntMemoryMap();

    /** {@code owned[i]} non-null: that argument is this memory (e.g. blocked weights), else a pointer set per call. */
    Call(primitive prim, int[] keys, memory.desc[] descs, memory... owned) {
      this.prim = prim;
      this.mems = new memory[keys.length];
      for (int i = 0; i < keys.length; i++) {
        mems[i] = owned.length > i && owned[i] != null ? owned[i] : new memory(descs[i], eng, (Pointer) null);
        args.put(keys[i], mems[i]);
      }
    }

    /** Runs with these element addresses (bytes), in argument order; {@link #KEEP} for owned memories. */
    void run(long... addresses) {
      for (int i = 0; i < addresses.length; i++) {
        if (addresses[i] != KEEP) {
          mems[i].set_data_handle(new Addr(addresses[i]));
        }
      }
      prim.execute(strm, args);
      strm._wait();
    }
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
    final Call fwd;
    final Call toFwdW;
    Call bd;
    Call toBdW;
    Call bw;
    Call fromDiffW;

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
      memory.desc wd = fpd.weights_desc();
      memory blocked = wd.equals(userW) ? null : new memory(wd, eng);
      toFwdW = blocked == null ? null : reorderCall(userW, wd, blocked, false);
      fwd = s.bias()
          ? new Call(new convolution_forward(fpd), new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
              new memory.desc[] {src, wd, bias, dst}, null, blocked)
          : new Call(new convolution_forward(fpd), new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
              new memory.desc[] {src, wd, dst}, null, blocked);
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
        memory.desc wd = pd.weights_desc();
        memory blocked = wd.equals(userW) ? null : new memory(wd, eng);
        toBdW = blocked == null ? null : reorderCall(userW, wd, blocked, false);
        bd = new Call(new convolution_backward_data(pd), new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
            new memory.desc[] {dst, wd, src}, null, blocked);
      }
    }

    void initBackwardWeights() {
      if (bw == null) {
        convolution_backward_weights.primitive_desc pd = new convolution_backward_weights.primitive_desc(
            new convolution_backward_weights.desc(algorithm.convolution_direct, src, weights(s, true), bias, dst, strides(),
                padL(), padR()), eng, fpd, false);
        memory.desc wd = pd.diff_weights_desc();
        memory blocked = wd.equals(userW) ? null : new memory(wd, eng);
        fromDiffW = blocked == null ? null : reorderCall(wd, userW, blocked, true);
        bw = s.bias()
            ? new Call(new convolution_backward_weights(pd),
                new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS},
                new memory.desc[] {src, dst, wd, bias}, null, null, blocked)
            : new Call(new convolution_backward_weights(pd), new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
                new memory.desc[] {src, dst, wd}, null, null, blocked);
      }
    }
  }

  /** A reorder between two layouts with one side an owned memory ({@code ownedIsSource}: from it, else into it). */
  private Call reorderCall(memory.desc from, memory.desc to, memory owned, boolean ownedIsSource) {
    reorder r = new reorder(new reorder.primitive_desc(eng, from, eng, to));
    return ownedIsSource
        ? new Call(r, new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, new memory.desc[] {from, to}, owned)
        : new Call(r, new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, new memory.desc[] {from, to}, null, owned);
  }

  private Conv conv(ConvSpec s, Act act) {
    return (Conv) cache.computeIfAbsent(new ConvKey(s, act), k -> new Conv(s, act));
  }

  @Override
  public void conv(ConvSpec s, INDArray x, INDArray w, INDArray bias, INDArray y, Act act) {
    requireContiguous(x, "conv input");
    requireContiguous(y, "conv output");
    Conv c = conv(s, act);
    long wAddr = addr(w);
    if (c.toFwdW != null) {
      c.toFwdW.run(wAddr, KEEP);
      wAddr = KEEP;
    }
    if (bias != null) {
      c.fwd.run(addr(x), wAddr, addr(bias), addr(y));
    } else {
      c.fwd.run(addr(x), wAddr, addr(y));
    }
  }

  @Override
  public void convBackward(ConvSpec s, INDArray x, INDArray w, INDArray dy, INDArray dx, INDArray dw, INDArray dbias) {
    requireContiguous(dy, "conv output gradient");
    Conv c = conv(s, Act.NONE);
    if (dx != null) {
      requireContiguous(dx, "conv input gradient");
      c.initBackwardData();
      if (s.usedH() < s.h() || s.usedW() < s.w()) {
        dx.assign(0);
      }
      long wAddr = addr(w);
      if (c.toBdW != null) {
        c.toBdW.run(wAddr, KEEP);
        wAddr = KEEP;
      }
      c.bd.run(addr(dy), wAddr, addr(dx));
    }
    if (dw != null) {
      requireContiguous(x, "conv input");
      c.initBackwardWeights();
      long target = c.fromDiffW == null ? addr(dw) : KEEP;
      if (dbias != null) {
        c.bw.run(addr(x), addr(dy), target, addr(dbias));
      } else {
        c.bw.run(addr(x), addr(dy), target);
      }
      if (c.fromDiffW != null) {
        c.fromDiffW.run(KEEP, addr(dw));
      }
    }
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

  private Call eltBackward(INDArray like, algorithm alg, double alpha) {
    return (Call) cache.computeIfAbsent(new EltKey(like.shape(), alg, alpha), k -> {
      memory.desc md = of(like);
      eltwise_forward.primitive_desc hint = new eltwise_forward.primitive_desc(
          new eltwise_forward.desc(prop_kind.forward_training, alg, md, (float) alpha, 0f), eng);
      eltwise_backward p = new eltwise_backward(new eltwise_backward.primitive_desc(
          new eltwise_backward.desc(alg, md, md, (float) alpha, 0f), eng, hint));
      int data = alg == algorithm.eltwise_relu_use_dst_for_bwd ? DNNL_ARG_DST : DNNL_ARG_SRC;
      return new Call(p, new int[] {DNNL_ARG_DIFF_DST, data, DNNL_ARG_DIFF_SRC}, new memory.desc[] {md, md, md});
    });
  }

  @Override
  public void reluBackwardFromOutput(INDArray dy, INDArray y, double alpha, INDArray dx) {
    eltBackward(y, algorithm.eltwise_relu_use_dst_for_bwd, alpha).run(addr(dy), addr(y), addr(dx));
  }

  @Override
  public void leakyReluBackward(INDArray dy, INDArray pre, double alpha, INDArray dx) {
    eltBackward(pre, algorithm.eltwise_relu, alpha).run(addr(dy), addr(pre), addr(dx));
  }

  // ---- pooling

  private record PoolKey(long n, long h, long w, long c) {}

  private final class PoolPrims {
    final pooling_forward.primitive_desc fpd;
    final Call fwd;
    final Call bwd;
    final boolean cropped;

    PoolPrims(PoolKey k) {
      long oh = k.h() / 2;
      long ow = k.w() / 2;
      memory.desc src = nhwcRegion(k.n(), k.h(), k.w(), k.c(), 2 * oh, 2 * ow);
      memory.desc dst = nhwc(k.n(), oh, ow, k.c());
      cropped = 2 * oh != k.h() || 2 * ow != k.w();
      long[] two = {2, 2};
      long[] zero = {0, 0};
      fpd = new pooling_forward.primitive_desc(new pooling_forward.desc(prop_kind.forward_training, algorithm.pooling_max,
          src, dst, two, two, zero, zero), eng);
      fwd = new Call(new pooling_forward(fpd), new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE},
          new memory.desc[] {src, dst, fpd.workspace_desc()});
      bwd = new Call(new pooling_backward(new pooling_backward.primitive_desc(
          new pooling_backward.desc(algorithm.pooling_max, src, dst, two, two, zero, zero), eng, fpd)),
          new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WORKSPACE, DNNL_ARG_DIFF_SRC},
          new memory.desc[] {dst, fpd.workspace_desc(), src});
    }
  }

  /** The pooling's argmax workspace, from the pool (bytes rounded up to floats). */
  private record OneDnnPool(PoolPrims p, INDArray workspace, TensorPool pool) implements PoolState {
    @Override
    public void close() {
      pool.release(workspace);
    }
  }

  @Override
  public PoolState maxPool2(INDArray x, INDArray y, boolean training) {
    long[] s = x.shape();
    PoolPrims p = (PoolPrims) cache.computeIfAbsent(new PoolKey(s[0], s[1], s[2], s[3]), k -> new PoolPrims((PoolKey) k));
    INDArray ws = pool.alloc((p.fpd.workspace_desc().get_size() + 3) / 4);
    p.fwd.run(addr(x), addr(y), addr(ws));
    if (!training) {
      pool.release(ws);
      return null;
    }
    return new OneDnnPool(p, ws, pool);
  }

  @Override
  public void maxPool2Backward(PoolState state, INDArray dy, INDArray dx) {
    OneDnnPool st = (OneDnnPool) state;
    if (st.p().cropped) {
      dx.assign(0);
    }
    st.p().bwd.run(addr(dy), addr(st.workspace()), addr(dx));
  }

  // ---- reductions and affine maps
  //
  // oneDNN 2.5 jit-compiles reductions only over the innermost dimension of a plain 2D array, and
  // binary broadcasts only along dimension 1 of plain layouts (measured: everything else runs its
  // reference code, 100x slower), and even the jit reduction [n, M] -> [n, 1] runs at a third of the
  // speed of a matrix product over the same data. So: per-channel sums as a batched matrix product
  // ones[1, HW] x x[n, HW, C], and per-sample sums from them; sums of squares with BLAS sdot; the
  // affine maps per sample on [HW, C] views with [1, C] and [1, 1] operands.

  private static memory.desc plain2(long rows, long cols) {
    return new memory.desc(new long[] {rows, cols}, F32, memory.format_tag.ab);
  }

  private INDArray detachedFloats(long n) {
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return Nd4j.createUninitializedDetached(DataType.FLOAT, n);
    }
  }

  @Override
  public void sampleMoments(INDArray x, double[] sum, double[] sumSq) {
    // Sums: the per-channel sums (one matrix product, measured 2.5x faster than a jit reduction over
    // the same data), added up on the host; sums of squares: BLAS sdot per sample.
    requireContiguous(x, "moments input");
    long n = x.size(0);
    long c = x.size(x.rank() - 1);
    INDArray perChannel = pool.alloc(n, c);
    channelSums(x.rank() == 4 ? x : x.reshape(n, 1, x.length() / n / c, c), null, perChannel);
    double[] v = Host.read(perChannel);
    pool.release(perChannel);
    long m = x.length() / n;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (long j = i * c; j < (i + 1) * c; j++) {
        s += v[(int) j];
      }
      sum[i] = s;
      sumSq[i] = Host.sumOfSquares(x, i * m, m);
    }
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
      binary2(1, a.length(), 1, a.length(), false, false, Double.NaN).run(addr(a), addr(b), addr(tmp));
      src = tmp;
    }
    INDArray ones = (INDArray) cache.computeIfAbsent(new OnesKey(hw), k -> {
      INDArray o = detachedFloats(hw);
      o.assign(1);
      return o;
    });
    Call p = (Call) cache.computeIfAbsent(new MatKey3(n, hw, c), k -> {
      memory.desc mo = new memory.desc(new long[] {1, 1, hw}, F32, memory.format_tag.abc);
      memory.desc ms = new memory.desc(new long[] {n, hw, c}, F32, memory.format_tag.abc);
      memory.desc md = new memory.desc(new long[] {n, 1, c}, F32, memory.format_tag.abc);
      return new Call(new matmul(new matmul.primitive_desc(new matmul.desc(mo, ms, md), eng)),
          new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, new memory.desc[] {mo, ms, md});
    });
    p.run(addr(ones), addr(src), addr(out));
    pool.release(tmp);
  }

  private record Bin2Key(long rows, long cols, long bRows, long bCols, boolean postFull, boolean postLike, double alpha) {}

  /**
   * {@code dst[rows, cols] = a * b (+ post) (then LeakyReLU(alpha), unless NaN)} on plain 2D arrays;
   * {@code b} is [bRows, bCols] (full, [1, cols] or [1, 1]); {@code post} is full-size
   * ({@code postFull}) or shaped like {@code b} ({@code postLike}), or absent. Arguments: a, b, dst
   * (, post).
   */
  private Call binary2(long rows, long cols, long bRows, long bCols, boolean postFull, boolean postLike, double alpha) {
    return (Call) cache.computeIfAbsent(new Bin2Key(rows, cols, bRows, bCols, postFull, postLike, alpha), k -> {
      primitive_attr attr = new primitive_attr();
      post_ops po = new post_ops();
      memory.desc postDesc = postFull ? plain2(rows, cols) : postLike ? plain2(bRows, bCols) : null;
      if (postDesc != null) {
        po.append_binary(algorithm.binary_add, postDesc);
      }
      if (!Double.isNaN(alpha)) {
        po.append_eltwise(1f, algorithm.eltwise_relu, (float) alpha, 0f);
      }
      attr.set_post_ops(po);
      binary p = new binary(new binary.primitive_desc(new binary.desc(algorithm.binary_mul, plain2(rows, cols),
          plain2(bRows, bCols), plain2(rows, cols)), attr, eng));
      return postDesc == null
          ? new Call(p, new int[] {DNNL_ARG_SRC_0, DNNL_ARG_SRC_1, DNNL_ARG_DST},
              new memory.desc[] {plain2(rows, cols), plain2(bRows, bCols), plain2(rows, cols)})
          : new Call(p, new int[] {DNNL_ARG_SRC_0, DNNL_ARG_SRC_1, DNNL_ARG_DST,
              DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE | DNNL_ARG_SRC_1},
              new memory.desc[] {plain2(rows, cols), plain2(bRows, bCols), plain2(rows, cols), postDesc});
    });
  }

  @Override
  public void affine(INDArray x, INDArray scale, INDArray shift, double alpha, INDArray y) {
    requireContiguous(x, "affine input");
    requireContiguous(y, "affine output");
    long n = x.size(0);
    long c = x.size(3);
    long hw = x.length() / n / c;
    Call p = binary2(hw, c, 1, c, false, true, alpha);
    for (long i = 0; i < n; i++) {
      p.run(addr(x, i * hw * c), addr(scale, i * c), addr(y, i * hw * c), addr(shift, i * c));
    }
  }

  @Override
  public void affine2(INDArray a, INDArray k1, INDArray b, double[] k2, double[] k3, INDArray y) {
    long n = a.size(0);
    long c = a.size(3);
    long hw = a.length() / n / c;
    INDArray fk = pool.alloc(2 * n);
    float[] v = new float[(int) (2 * n)];
    for (int i = 0; i < n; i++) {
      v[2 * i] = (float) k2[i];
      v[2 * i + 1] = (float) k3[i];
    }
    fk.assign(Nd4j.createFromArray(v));
    INDArray t = pool.alloc(hw, c);
    Call scalar = binary2(hw, c, 1, 1, false, true, Double.NaN);
    Call channel = binary2(hw, c, 1, c, true, false, Double.NaN);
    for (long i = 0; i < n; i++) {
      scalar.run(addr(b, i * hw * c), addr(fk, 2 * i), addr(t), addr(fk, 2 * i + 1));
      channel.run(addr(a, i * hw * c), addr(k1, i * c), addr(y, i * hw * c), addr(t));
    }
    pool.release(t);
    pool.release(fk);
  }

  // ---- resampling as two batched matrix products

  @Override
  public void linearResize(INDArray x, INDArray rows, INDArray cols, INDArray y) {
    requireContiguous(rows, "row interpolation matrix");
    requireContiguous(cols, "column interpolation matrix");
    long n = x.size(0);
    long h = x.size(1);
    long w = x.size(2);
    long c = x.size(3);
    long oh = rows.size(0);
    INDArray t = pool.alloc(n, oh, w, c);
    banded(rows, n, w * c, x, t);
    banded(cols, n * oh, c, t, y);
    pool.release(t);
  }

  /** Rows of an interpolation matrix taken together, with the band of input columns they use. */
  private record Band(long from, long to, long lo, long hi, INDArray block) {}

  private record BandKey(long address, long rows, long cols) {}

  private static final int BAND_ROWS = 32;

  /**
   * {@code out[b] = a . in[b]} for a banded [O, I] matrix {@code a} (bilinear interpolation and its
   * transpose have 2 to 3 non-zeros per row, in a moving window), batches of [I, F] into [O, F]:
   * one small matrix product per block of 32 output rows over just the input rows the block uses,
   * instead of a dense product that multiplies mostly zeros.
   */
  private void banded(INDArray a, long batch, long f, INDArray in, INDArray out) {
    long o = a.size(0);
    long i = a.size(1);
    @SuppressWarnings("unchecked")
    java.util.List<Band> bands = (java.util.List<Band>) cache.computeIfAbsent(new BandKey(addr(a), o, i),
        k -> bands(a));
    for (Band b : bands) {
      long rowsOut = b.to() - b.from();
      long k = b.hi() - b.lo();
      Call p = (Call) cache.computeIfAbsent(new BandMatKey(batch, rowsOut, k, f, i, o), key -> {
        memory.desc src = new memory.desc(new long[] {1, rowsOut, k}, F32, memory.format_tag.abc);
        memory.desc wei = new memory.desc(new long[] {batch, k, f}, F32, new long[] {i * f, f, 1});
        memory.desc dst = new memory.desc(new long[] {batch, rowsOut, f}, F32, new long[] {o * f, f, 1});
        return new Call(new matmul(new matmul.primitive_desc(new matmul.desc(src, wei, dst), eng)),
            new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, new memory.desc[] {src, wei, dst});
      });
      p.run(addr(b.block()), addr(in, b.lo() * f), addr(out, b.from() * f));
    }
  }

  /** The bands of an interpolation matrix, each block copied out of the workspaces. */
  private java.util.List<Band> bands(INDArray a) {
    long o = a.size(0);
    long i = a.size(1);
    float[][] m = a.toFloatMatrix();
    java.util.List<Band> list = new java.util.ArrayList<>();
    for (long r0 = 0; r0 < o; r0 += BAND_ROWS) {
      long r1 = Math.min(o, r0 + BAND_ROWS);
      long lo = i;
      long hi = 0;
      for (long r = r0; r < r1; r++) {
        for (int col = 0; col < i; col++) {
          if (m[(int) r][col] != 0f) {
            lo = Math.min(lo, col);
            hi = Math.max(hi, col + 1);
          }
        }
      }
      if (hi <= lo) {
        lo = 0;
        hi = 1;
      }
      float[] blk = new float[(int) ((r1 - r0) * (hi - lo))];
      for (long r = r0; r < r1; r++) {
        for (long col = lo; col < hi; col++) {
          blk[(int) ((r - r0) * (hi - lo) + (col - lo))] = m[(int) r][(int) col];
        }
      }
      INDArray block = detachedFloats(blk.length);
      block.assign(Nd4j.createFromArray(blk));
      list.add(new Band(r0, r1, lo, hi, block));
    }
    return list;
  }

  private record BandMatKey(long batch, long rows, long k, long f, long inRows, long outRows) {}

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

  /** A cached strided copy (reorder, adding into the destination when {@code add}): arguments from, to. */
  private Call copyCall(long[] dims, long[] fromStrides, long[] toStrides, boolean add) {
    return (Call) cache.computeIfAbsent(new CopyKey(dims, fromStrides, toStrides, add), k -> {
      primitive_attr attr = new primitive_attr();
      if (add) {
        post_ops po = new post_ops();
        po.append_sum(1f, memory.data_type.undef);
        attr.set_post_ops(po);
      }
      memory.desc from = new memory.desc(dims, F32, fromStrides);
      memory.desc to = new memory.desc(dims, F32, toStrides);
      return new Call(new reorder(new reorder.primitive_desc(eng, from, eng, to, attr, false)),
          new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, new memory.desc[] {from, to});
    });
  }

  @Override
  public void copy(INDArray src, INDArray dst, boolean add) {
    long[] s = src.shape();
    if (!java.util.Arrays.equals(s, dst.shape())) {
      throw new IllegalArgumentException("copy between shapes " + java.util.Arrays.toString(s) + " and "
          + java.util.Arrays.toString(dst.shape()));
    }
    copyCall(new long[] {s[0], s[3], s[1], s[2]}, logicalStrides(src), logicalStrides(dst), add).run(addr(src), addr(dst));
  }

  // ---- reflection padding by address arithmetic (no ND4J views)
  //
  // Measured: oneDNN reorders between strided regions (a border row or column of an NHWC array) run
  // element by element (2-3 ms for a 66x512 row); the regions are runs of contiguous memory, so they
  // are copied with memcpy (and added with a jit binary) run by run.

  private record AddKey(long len) {}

  /** {@code dst += src} over {@code len} contiguous floats (arguments: dst, src, dst). */
  private Call addRun(long len) {
    return (Call) cache.computeIfAbsent(new AddKey(len), k -> new Call(new binary(new binary.primitive_desc(
        new binary.desc(algorithm.binary_add, plain2(1, len), plain2(1, len), plain2(1, len)), eng)),
        new int[] {DNNL_ARG_SRC_0, DNNL_ARG_SRC_1, DNNL_ARG_DST},
        new memory.desc[] {plain2(1, len), plain2(1, len), plain2(1, len)}));
  }

  private final Addr memTo = new Addr(0);
  private final Addr memFrom = new Addr(0);

  private void run(long to, long from, long floats, boolean add) {
    if (add) {
      addRun(floats).run(to, from, to);
    } else {
      Pointer.memcpy(memTo.at(to), memFrom.at(from), 4L * floats);
    }
  }

  /**
   * Copies (or adds) the [n, h, w, c] region at (fromRow, fromCol) of contiguous {@code src} (shape
   * [n, sh, sw, c]) onto the region at (toRow, toCol) of contiguous {@code dst} ([n, dh, dw, c]).
   */
  private void region(INDArray src, long sh, long sw, long fromRow, long fromCol, INDArray dst, long dh, long dw,
      long toRow, long toCol, long n, long h, long w, long c, boolean add) {
    long s0 = addr(src);
    long d0 = addr(dst);
    boolean wholeRows = w == sw && w == dw;
    for (long i = 0; i < n; i++) {
      long s = s0 + 4L * (i * sh * sw * c + (fromRow * sw + fromCol) * c);
      long d = d0 + 4L * (i * dh * dw * c + (toRow * dw + toCol) * c);
      if (wholeRows) {
        run(d, s, h * w * c, add);
        continue;
      }
      for (long r = 0; r < h; r++) {
        run(d + 4L * r * dw * c, s + 4L * r * sw * c, w * c, add);
      }
    }
  }

  @Override
  public void reflectPad(INDArray x, INDArray y, int top, int bottom, int left, int right) {
    requireContiguous(x, "padding input");
    requireContiguous(y, "padding output");
    long n = x.size(0);
    long h = x.size(1);
    long w = x.size(2);
    long c = x.size(3);
    long ph = h + top + bottom;
    long pw = w + left + right;
    region(x, h, w, 0, 0, y, ph, pw, top, left, n, h, w, c, false);
    for (int i = 1; i <= left; i++) {
      region(y, ph, pw, top, left + i, y, ph, pw, top, left - i, n, h, 1, c, false);
    }
    for (int i = 1; i <= right; i++) {
      region(y, ph, pw, top, left + w - 1 - i, y, ph, pw, top, left + w - 1 + i, n, h, 1, c, false);
    }
    for (int i = 1; i <= top; i++) {
      region(y, ph, pw, top + i, 0, y, ph, pw, top - i, 0, n, 1, pw, c, false);
    }
    for (int i = 1; i <= bottom; i++) {
      region(y, ph, pw, top + h - 1 - i, 0, y, ph, pw, top + h - 1 + i, 0, n, 1, pw, c, false);
    }
  }

  @Override
  public void reflectPadBackward(INDArray dy, INDArray dx, int top, int bottom, int left, int right) {
    requireContiguous(dy, "padding output gradient");
    requireContiguous(dx, "padding input gradient");
    long n = dx.size(0);
    long h = dx.size(1);
    long w = dx.size(2);
    long c = dx.size(3);
    long ph = h + top + bottom;
    long pw = w + left + right;
    for (int i = 1; i <= top; i++) {
      region(dy, ph, pw, top - i, 0, dy, ph, pw, top + i, 0, n, 1, pw, c, true);
    }
    for (int i = 1; i <= bottom; i++) {
      region(dy, ph, pw, top + h - 1 + i, 0, dy, ph, pw, top + h - 1 - i, 0, n, 1, pw, c, true);
    }
    for (int i = 1; i <= left; i++) {
      region(dy, ph, pw, top, left - i, dy, ph, pw, top, left + i, n, h, 1, c, true);
    }
    for (int i = 1; i <= right; i++) {
      region(dy, ph, pw, top, left + w - 1 + i, dy, ph, pw, top, left + w - 1 - i, n, h, 1, c, true);
    }
    region(dy, ph, pw, top, left, dx, h, w, 0, 0, n, h, w, c, false);
  }
}
