package dev.animegan.model.engine;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link Kernels} on ND4J/libnd4j ops: conv2d, conv2d_bp, depthwise_conv2d(_bp), maxpool2d(_bp) in
 * NHWC, element-wise work with ND4J's array operations. Works for any data type (the gradient
 * checks run it in double precision) and any ND4J backend (CUDA included); on the CPU it is the
 * slower reference that {@link OneDnnKernels} is tested against.
 */
public final class Nd4jKernels implements Kernels {
  private final DataType type;

  public Nd4jKernels(DataType type) {
    this.type = type;
  }

  @Override
  public String name() {
    return "nd4j";
  }

  @Override
  public DataType dataType() {
    return type;
  }

  private static boolean symmetric(ConvSpec s) {
    return s.padTop() == s.padBottom() && s.padLeft() == s.padRight();
  }

  /** The input with the spec's zero padding applied, when libnd4j cannot pad it itself (asymmetric pads). */
  private static INDArray padded(ConvSpec s, INDArray x) {
    if (symmetric(s)) {
      return x;
    }
    INDArray p = Nd4j.zeros(x.dataType(), s.n(), s.h() + s.padTop() + s.padBottom(), s.w() + s.padLeft() + s.padRight(),
        s.in());
    p.get(all(), interval(s.padTop(), s.padTop() + s.h()), interval(s.padLeft(), s.padLeft() + s.w()), all()).assign(x);
    return p;
  }

  private static int[] iargs(ConvSpec s, boolean wFormat) {
    int ph = symmetric(s) ? s.padTop() : 0;
    int pw = symmetric(s) ? s.padLeft() : 0;
    return wFormat ? new int[] {s.k(), s.k(), s.stride(), s.stride(), ph, pw, 1, 1, 0, 1, 1}
        : new int[] {s.k(), s.k(), s.stride(), s.stride(), ph, pw, 1, 1, 0, 1};
  }

  /** PyTorch's depthwise [C, 1, k, k] as libnd4j's [k, k, C, 1]. */
  private static INDArray depthwiseWeights(ConvSpec s, INDArray w) {
    return w.reshape(s.in(), s.k(), s.k()).permute(1, 2, 0).dup('c').reshape(s.k(), s.k(), s.in(), 1);
  }

  @Override
  public void conv(ConvSpec s, INDArray x, INDArray w, INDArray bias, INDArray y, Act act) {
    INDArray xin = padded(s, x);
    INDArray wk = s.depthwise() ? depthwiseWeights(s, w) : w;
    DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder(s.depthwise() ? "depthwise_conv2d" : "conv2d");
    if (bias != null) {
      op.addInputs(xin, wk, bias.reshape(s.out()));
    } else {
      op.addInputs(xin, wk);
    }
    Nd4j.exec(op.addOutputs(y).addIntegerArguments(iargs(s, !s.depthwise())).build());
    applyAct(y, act);
  }

  static void applyAct(INDArray y, Act act) {
    if (act == Act.RELU) {
      Transforms.relu(y, false);
    } else if (act == Act.LRELU) {
      y.assign(Transforms.max(y, y.mul(LRELU_ALPHA), false));
    }
  }

  @Override
  public void convBackward(ConvSpec s, INDArray x, INDArray w, INDArray dy, INDArray dx, INDArray dw, INDArray dbias) {
    INDArray xin = padded(s, x == null ? Nd4j.zeros(type, s.n(), s.h(), s.w(), s.in()) : x);
    INDArray gi = Nd4j.create(type, xin.shape());
    boolean dwise = s.depthwise();
    INDArray wk = dwise ? depthwiseWeights(s, w) : w;
    INDArray gw = Nd4j.create(type, wk.shape());
    INDArray gb = s.bias() ? Nd4j.create(type, s.out()) : null;
    DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder(dwise ? "depthwise_conv2d_bp" : "conv2d_bp");
    if (s.bias()) {
      op.addInputs(xin, wk, Nd4j.zeros(type, s.out()), dy).addOutputs(gi, gw, gb);
    } else {
      op.addInputs(xin, wk, dy).addOutputs(gi, gw);
    }
    Nd4j.exec(op.addIntegerArguments(iargs(s, !dwise)).build());
    if (dx != null) {
      dx.assign(symmetric(s) ? gi
          : gi.get(all(), interval(s.padTop(), s.padTop() + s.h()), interval(s.padLeft(), s.padLeft() + s.w()), all()));
    }
    if (dw != null) {
      dw.assign(dwise ? gw.reshape(s.k(), s.k(), s.in()).permute(2, 0, 1).reshape(dw.shape()) : gw);
    }
    if (dbias != null && gb != null) {
      dbias.assign(gb.reshape(dbias.shape()));
    }
  }

  private INDArray slope(INDArray ref, double alpha) {
    INDArray m = ref.gt(0).castTo(ref.dataType());
    return m.muli(1.0 - alpha).addi(alpha);
  }

  @Override
  public void reluBackwardFromOutput(INDArray dy, INDArray y, double alpha, INDArray dx) {
    dx.assign(dy.mul(slope(y, alpha)));
  }

  @Override
  public void leakyReluBackward(INDArray dy, INDArray pre, double alpha, INDArray dx) {
    dx.assign(dy.mul(slope(pre, alpha)));
  }

  private record Pool(INDArray x) implements PoolState {
    @Override
    public void close() {
      // the caller owns x
    }
  }

  private static final int[] POOL2 = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 1};

  @Override
  public PoolState maxPool2(INDArray x, INDArray y, boolean training) {
    Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(x).addOutputs(y).addIntegerArguments(POOL2).build());
    return training ? new Pool(x) : null;
  }

  @Override
  public void maxPool2Backward(PoolState state, INDArray dy, INDArray dx) {
    Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(((Pool) state).x(), dy).addOutputs(dx)
        .addIntegerArguments(POOL2).build());
  }

  @Override
  public void sampleMoments(INDArray x, double[] sum, double[] sumSq) {
    long n = x.size(0);
    INDArray flat = x.reshape(n, x.length() / n);
    for (int i = 0; i < n; i++) {
      INDArray row = flat.getRow(i);
      INDArray d = row.castTo(DataType.DOUBLE);
      sum[i] = d.sumNumber().doubleValue();
      double norm = d.norm2Number().doubleValue();
      sumSq[i] = norm * norm;
    }
  }

  @Override
  public void channelSums(INDArray a, INDArray b, INDArray out) {
    long n = a.size(0);
    long c = a.size(3);
    long hw = a.length() / n / c;
    INDArray t = b == null ? a : a.mul(b);
    INDArray ones = Nd4j.ones(a.dataType(), 1, hw);
    INDArray rows = t.reshape(n, hw, c);
    for (int i = 0; i < n; i++) {
      out.get(point(i), all()).assign(ones.mmul(rows.get(point(i), all(), all())).reshape(c));
    }
  }

  @Override
  public void affine(INDArray x, INDArray scale, INDArray shift, double alpha, INDArray y) {
    long n = x.size(0);
    long c = x.size(3);
    INDArray xs = x.reshape(n, x.length() / n / c, c);
    INDArray ys = y.reshape(n, y.length() / n / c, c);
    for (int i = 0; i < n; i++) {
      INDArray r = xs.get(point(i), all(), all()).mulRowVector(scale.getRow(i)).addiRowVector(shift.getRow(i));
      ys.get(point(i), all(), all()).assign(r);
    }
    if (!Double.isNaN(alpha)) {
      y.assign(Transforms.max(y, y.mul(alpha), false));
    }
  }

  @Override
  public void affine2(INDArray a, INDArray k1, INDArray b, double[] k2, double[] k3, INDArray y) {
    long n = a.size(0);
    long c = a.size(3);
    INDArray as = a.reshape(n, a.length() / n / c, c);
    INDArray bs = b.reshape(n, b.length() / n / c, c);
    INDArray ys = y.reshape(n, y.length() / n / c, c);
    for (int i = 0; i < n; i++) {
      INDArray r = as.get(point(i), all(), all()).mulRowVector(k1.getRow(i))
          .addi(bs.get(point(i), all(), all()).mul(k2[i])).addi(k3[i]);
      ys.get(point(i), all(), all()).assign(r);
    }
  }

  @Override
  public void linearResize(INDArray x, INDArray rows, INDArray cols, INDArray y) {
    long n = x.size(0);
    long h = x.size(1);
    long w = x.size(2);
    long c = x.size(3);
    long oh = rows.size(0);
    long ow = cols.size(0);
    INDArray t = Nd4j.create(x.dataType(), n, oh, w, c);
    for (int i = 0; i < n; i++) {
      t.get(point(i), all(), all(), all()).assign(rows.mmul(x.get(point(i), all(), all(), all()).reshape(h, w * c))
          .reshape(oh, w, c));
    }
    INDArray byColumn = t.reshape(n * oh, w, c).permute(1, 0, 2).dup('c').reshape(w, n * oh * c);
    INDArray out = cols.mmul(byColumn).reshape(ow, n * oh, c).permute(1, 0, 2);
    y.assign(out.reshape(n, oh, ow, c));
  }

  @Override
  public void copy(INDArray src, INDArray dst, boolean add) {
    if (add) {
      dst.addi(src);
    } else {
      dst.assign(src);
    }
  }

  @Override
  public void reflectPad(INDArray x, INDArray y, int top, int bottom, int left, int right) {
    long h = x.size(1);
    long w = x.size(2);
    y.get(all(), interval(top, top + h), interval(left, left + w), all()).assign(x);
    for (int i = 1; i <= left; i++) {
      y.get(all(), interval(top, top + h), point(left - i), all()).assign(y.get(all(), interval(top, top + h), point(left + i), all()));
    }
    for (int i = 1; i <= right; i++) {
      y.get(all(), interval(top, top + h), point(left + w - 1 + i), all())
          .assign(y.get(all(), interval(top, top + h), point(left + w - 1 - i), all()));
    }
    for (int i = 1; i <= top; i++) {
      y.get(all(), point(top - i), all(), all()).assign(y.get(all(), point(top + i), all(), all()));
    }
    for (int i = 1; i <= bottom; i++) {
      y.get(all(), point(top + h - 1 + i), all(), all()).assign(y.get(all(), point(top + h - 1 - i), all(), all()));
    }
  }

  @Override
  public void reflectPadBackward(INDArray dy, INDArray dx, int top, int bottom, int left, int right) {
    long h = dx.size(1);
    long w = dx.size(2);
    for (int i = 1; i <= top; i++) {
      dy.get(all(), point(top + i), all(), all()).addi(dy.get(all(), point(top - i), all(), all()));
    }
    for (int i = 1; i <= bottom; i++) {
      dy.get(all(), point(top + h - 1 - i), all(), all()).addi(dy.get(all(), point(top + h - 1 + i), all(), all()));
    }
    for (int i = 1; i <= left; i++) {
      dy.get(all(), interval(top, top + h), point(left + i), all()).addi(dy.get(all(), interval(top, top + h), point(left - i), all()));
    }
    for (int i = 1; i <= right; i++) {
      dy.get(all(), interval(top, top + h), point(left + w - 1 - i), all())
          .addi(dy.get(all(), interval(top, top + h), point(left + w - 1 + i), all()));
    }
    dx.assign(dy.get(all(), interval(top, top + h), interval(left, left + w), all()));
  }
}
