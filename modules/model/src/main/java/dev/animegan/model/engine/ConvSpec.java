package dev.animegan.model.engine;

/**
 * One convolution over NHWC activations: input {@code [n, h, w, in]}, output {@code [n, oh, ow, out]},
 * square kernel {@code k}, {@code stride}, zero padding (top, left, bottom, right), dense
 * ({@code groups = 1}) or depthwise ({@code groups = in = out}). Weights are PyTorch's
 * {@code [out, in / groups, k, k]}; the output size follows PyTorch's floor rule, so trailing input
 * rows or columns a stride-2 window never reaches are ignored.
 */
public record ConvSpec(long n, long h, long w, long in, long out, int k, int stride, int padTop, int padLeft,
    int padBottom, int padRight, int groups, boolean bias) {

  public ConvSpec {
    if (groups != 1 && (groups != in || groups != out)) {
      throw new IllegalArgumentException("groups must be 1 or the channel count (depthwise), got " + groups);
    }
    if (oh(h, k, stride, padTop, padBottom) < 1 || oh(w, k, stride, padLeft, padRight) < 1) {
      throw new IllegalArgumentException("input " + h + "x" + w + " is smaller than the " + k + "x" + k + " kernel");
    }
  }

  private static long oh(long size, int k, int stride, int p0, int p1) {
    return (size + p0 + p1 - k) / stride + 1;
  }

  public long oh() {
    return oh(h, k, stride, padTop, padBottom);
  }

  public long ow() {
    return oh(w, k, stride, padLeft, padRight);
  }

  public boolean depthwise() {
    return groups > 1;
  }

  /** The same convolution for another batch size and input size (the layer's shape-independent part kept). */
  public ConvSpec withInput(long n, long h, long w) {
    return new ConvSpec(n, h, w, in, out, k, stride, padTop, padLeft, padBottom, padRight, groups, bias);
  }

  /** Rows of the padded input the windows reach: trailing ones beyond it are ignored (floor rule). */
  long usedH() {
    return (oh() - 1) * stride + k - padTop - padBottom;
  }

  long usedW() {
    return (ow() - 1) * stride + k - padLeft - padRight;
  }

  /** Multiply-adds x 2 of one call. */
  public double flops() {
    return 2.0 * n * oh() * ow() * out * (in / groups) * k * k;
  }
}
