package dev.animegan.model.engine;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AnimeGAN's loss terms on NHWC tensors, each returning its value and adding its gradient (times
 * {@code scale}) into a caller's accumulator. Every term is a mean over all its elements, which is
 * the batch mean of per-example means (all examples have the same size):
 * <ul>
 *   <li>{@link #l1}: mean |a - b| (content loss on VGG features);
 *   <li>{@link #gram}: F^T F / (C H W) per example, F the [H W, C] features (AnimeGAN's gram), and
 *       {@link #gramL1}: mean |gram(f) - target| (style loss);
 *   <li>{@link #color}: mean |Y(p) - Y(f)| + mean Huber(U(p) - U(f)) + mean Huber(V(p) - V(f)), YUV of
 *       (x + 1) / 2 with TensorFlow's rgb_to_yuv matrix, Huber threshold 1 (TensorFlow's huber_loss);
 *   <li>{@link #totalVariation}: 0.5 mean(dh^2) + 0.5 mean(dw^2) (AnimeGANv2's TV);
 *   <li>{@link #squaredTo}: mean (d - target)^2 (LSGAN).
 * </ul>
 * Temporaries live in the engine's scratch workspace; results go to the caller's arrays.
 */
public final class Losses {
  /** TensorFlow's rgb_to_yuv: rows Y, U, V over columns R, G, B. */
  public static final double[][] YUV = {
      {0.299, 0.587, 0.114},
      {-0.14714119, -0.28886916, 0.43601035},
      {0.61497538, -0.51496512, -0.10001026}};

  private Losses() {}

  /** mean |a - b|; adds scale * d/db into {@code gradB} (if not null). */
  public static double l1(Engine e, INDArray a, INDArray b, INDArray gradB, double scale) {
    try (MemoryWorkspace ws = e.scratch()) {
      INDArray r = b.sub(a);
      double v = Transforms.abs(r, true).meanNumber().doubleValue();
      if (gradB != null) {
        INDArray s = Transforms.sign(b.sub(a), false);
        gradB.addi(s.muli(scale / a.length()));
      }
      return v;
    }
  }

  /** Writes the Gram matrices [N, C, C] of NHWC features {@code f} into {@code out}. */
  public static void gram(Engine e, INDArray f, INDArray out) {
    try (MemoryWorkspace ws = e.scratch()) {
      long n = f.size(0);
      long c = f.size(3);
      long hw = f.length() / n / c;
      INDArray rows = f.reshape(n, hw, c);
      for (int i = 0; i < n; i++) {
        INDArray fi = rows.get(point(i), all(), all());
        out.get(point(i), all(), all()).assign(fi.transpose().mmul(fi).divi((double) c * hw));
      }
    }
  }

  /** mean |gram(f) - target|; adds scale * d/df into {@code gradF} (if not null). */
  public static double gramL1(Engine e, INDArray f, INDArray target, INDArray gradF, double scale) {
    try (MemoryWorkspace ws = e.scratch()) {
      long n = f.size(0);
      long c = f.size(3);
      long hw = f.length() / n / c;
      INDArray g = Nd4j.create(f.dataType(), n, c, c);
      gram(e, f, g);
      INDArray r = g.sub(target);
      double v = Transforms.abs(r, true).meanNumber().doubleValue();
      if (gradF != null) {
        INDArray dG = Transforms.sign(g.subi(target), false).muli(scale / target.length());
        INDArray rows = f.reshape(n, hw, c);
        INDArray grows = gradF.reshape(n, hw, c);
        for (int i = 0; i < n; i++) {
          INDArray d = dG.get(point(i), all(), all());
          INDArray sym = d.add(d.transpose());
          grows.get(point(i), all(), all()).addi(rows.get(point(i), all(), all()).mmul(sym).divi((double) c * hw));
        }
      }
      return v;
    }
  }

  /** YUV of NHWC RGB in [-1, 1]: M ((x + 1) / 2) per pixel (in the current workspace). */
  static INDArray yuv(INDArray x) {
    long pixels = x.length() / 3;
    INDArray m = Nd4j.createFromArray(YUV).castTo(x.dataType());
    INDArray offset = m.sum(1).muli(0.5).reshape(1, 3);
    return x.reshape(pixels, 3).mmul(m.transpose()).muli(0.5).addiRowVector(offset).reshape(x.shape());
  }

  /** The colour loss of fake against photo; adds scale * d/dfake into {@code gradFake}. Returns [total, y, u, v]. */
  public static double[] color(Engine e, INDArray photo, INDArray fake, INDArray gradFake, double scale) {
    try (MemoryWorkspace ws = e.scratch()) {
      INDArray p = yuv(photo);
      INDArray f = yuv(fake);
      INDArray r = f.subi(p); // fake - photo
      long m = r.length() / 3;
      INDArray ry = r.get(all(), all(), all(), interval(0, 1));
      INDArray ruv = r.get(all(), all(), all(), interval(1, 3));
      double y = Transforms.abs(ry, true).sumNumber().doubleValue() / m;
      INDArray abs = Transforms.abs(ruv, true);
      INDArray small = abs.lte(1.0).castTo(r.dataType());
      INDArray hub = ruv.mul(ruv).muli(0.5).muli(small).addi(abs.sub(0.5).muli(small.rsub(1.0)));
      double u = hub.get(all(), all(), all(), point(0)).sumNumber().doubleValue() / m;
      double v = hub.get(all(), all(), all(), point(1)).sumNumber().doubleValue() / m;
      if (gradFake != null) {
        INDArray d = r.ulike();
        d.get(all(), all(), all(), interval(0, 1)).assign(Transforms.sign(ry, true));
        d.get(all(), all(), all(), interval(1, 3)).assign(Transforms.max(Transforms.min(ruv, 1.0, true), -1.0, false));
        d.muli(scale / m);
        // yuv = 0.5 M x + c: d/dx = 0.5 M^T d
        INDArray mm = Nd4j.createFromArray(YUV).castTo(r.dataType());
        gradFake.reshape(m, 3).addi(d.reshape(m, 3).mmul(mm).muli(0.5));
      }
      return new double[] {y + u + v, y, u, v};
    }
  }

  /** 0.5 mean(dh^2) + 0.5 mean(dw^2) of NHWC x; adds scale * d/dx into {@code grad}. */
  public static double totalVariation(Engine e, INDArray x, INDArray grad, double scale) {
    try (MemoryWorkspace ws = e.scratch()) {
      long h = x.size(1);
      long w = x.size(2);
      INDArray dh = x.get(all(), interval(0, h - 1), all(), all()).sub(x.get(all(), interval(1, h), all(), all()));
      INDArray dw = x.get(all(), all(), interval(0, w - 1), all()).sub(x.get(all(), all(), interval(1, w), all()));
      double v = 0.5 * dh.mul(dh).meanNumber().doubleValue() + 0.5 * dw.mul(dw).meanNumber().doubleValue();
      if (grad != null && scale != 0) {
        INDArray gh = dh.mul(scale / dh.length());
        grad.get(all(), interval(0, h - 1), all(), all()).addi(gh);
        grad.get(all(), interval(1, h), all(), all()).subi(gh);
        INDArray gw = dw.mul(scale / dw.length());
        grad.get(all(), all(), interval(0, w - 1), all()).addi(gw);
        grad.get(all(), all(), interval(1, w), all()).subi(gw);
      }
      return v;
    }
  }

  /** mean (d - target)^2; writes scale * d/dd into {@code grad} (overwrites). */
  public static double squaredTo(Engine e, INDArray d, double target, INDArray grad, double scale) {
    try (MemoryWorkspace ws = e.scratch()) {
      INDArray r = d.sub(target);
      double v = r.mul(r).meanNumber().doubleValue();
      if (grad != null) {
        grad.assign(r.muli(2.0 * scale / d.length()));
      }
      return v;
    }
  }
}
