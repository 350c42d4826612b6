package dev.animegan.model.engine;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Small transfers between tensors and the host (norm scales, per-sample statistics): by address for
 * contiguous float and double arrays, since each ND4J call (cast, dup, view) costs tens of
 * microseconds and a forward pass makes hundreds of these transfers.
 */
final class Host {
  private Host() {}

  private static final class At extends Pointer {
    At(long address) {
      this.address = address;
    }
  }

  static boolean contiguous(INDArray a) {
    long expect = 1;
    long[] st = a.stride();
    long[] sh = a.shape();
    for (int i = sh.length - 1; i >= 0; i--) {
      if (sh[i] != 1 && st[i] != expect) {
        return false;
      }
      expect *= sh[i];
    }
    return true;
  }

  private static long address(INDArray a) {
    return a.data().address() + (long) a.data().getElementSize() * a.offset();
  }

  /** All elements of {@code a}, in c order, as doubles. */
  static double[] read(INDArray a) {
    int n = Math.toIntExact(a.length());
    if (contiguous(a) && a.dataType() == DataType.FLOAT) {
      float[] f = new float[n];
      new FloatPointer(new At(address(a))).get(f);
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        d[i] = f[i];
      }
      return d;
    }
    if (contiguous(a) && a.dataType() == DataType.DOUBLE) {
      double[] d = new double[n];
      new DoublePointer(new At(address(a))).get(d);
      return d;
    }
    return a.castTo(DataType.DOUBLE).dup('c').reshape(n).toDoubleVector();
  }

  /** Fills contiguous {@code a} (c order) from {@code v}. */
  static void write(INDArray a, double[] v) {
    if (a.length() != v.length) {
      throw new IllegalArgumentException("writing " + v.length + " values into " + a.length());
    }
    if (contiguous(a) && a.dataType() == DataType.FLOAT) {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      new FloatPointer(new At(address(a))).put(f);
    } else if (contiguous(a) && a.dataType() == DataType.DOUBLE) {
      new DoublePointer(new At(address(a))).put(v);
    } else {
      a.assign(Nd4j.createFromArray(v).castTo(a.dataType()).reshape(a.shape()));
    }
  }

  /** Row-major [rows][cols] flattened. */
  static double[] flat(double[][] v) {
    int cols = v[0].length;
    double[] d = new double[v.length * cols];
    for (int i = 0; i < v.length; i++) {
      System.arraycopy(v[i], 0, d, i * cols, cols);
    }
    return d;
  }

  /** [rows * cols] as [rows][cols]. */
  static double[][] rows(double[] d, int rows) {
    int cols = d.length / rows;
    double[][] v = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(d, i * cols, v[i], 0, cols);
    }
    return v;
  }

  /** The sum of squares of {@code a}'s elements [from, from + n) (contiguous float: BLAS sdot by address). */
  static double sumOfSquares(INDArray a, long from, long n) {
    if (contiguous(a) && a.dataType() == DataType.FLOAT && n <= Integer.MAX_VALUE) {
      FloatPointer p = new FloatPointer(new At(address(a) + 4L * from));
      return org.bytedeco.openblas.global.openblas_nolapack.cblas_sdot((int) n, p, 1, p, 1);
    }
    INDArray row = a.reshape(a.length()).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, from + n));
    return Nd4j.getBlasWrapper().dot(row, row);
  }
}
