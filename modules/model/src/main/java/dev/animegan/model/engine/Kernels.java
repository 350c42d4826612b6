package dev.animegan.model.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The compute kernels the engine's networks are made of, over contiguous NHWC arrays (dims
 * {@code [n, h, w, c]}). Two implementations: {@link OneDnnKernels} (oneDNN called directly on NHWC
 * memory, float32, the CPU default) and {@link Nd4jKernels} (ND4J/libnd4j ops; any data type and any
 * ND4J backend, e.g. CUDA; also the reference the tests hold the oneDNN kernels to).
 *
 * <p>Output arrays are given by the caller and fully overwritten unless a method says otherwise.
 */
public interface Kernels {
  /** Activation fused into a convolution's output. */
  enum Act { NONE, RELU, LRELU }

  /** The negative slope of {@link Act#LRELU} (AnimeGAN's LeakyReLU(0.2)). */
  double LRELU_ALPHA = 0.2;

  String name();

  DataType dataType();

  /** {@code y = act(conv(x, w) + bias)}; bias may be null when the spec has none. */
  void conv(ConvSpec s, INDArray x, INDArray w, INDArray bias, INDArray y, Act act);

  /**
   * Gradients of a convolution from {@code dy}: {@code dx} (input gradient, may be null), {@code dw}
   * and {@code dbias} (weight and bias gradients, may be null). {@code x} is needed only for
   * {@code dw}. Rows and columns of {@code dx} that no window reached are set to zero.
   */
  void convBackward(ConvSpec s, INDArray x, INDArray w, INDArray dy, INDArray dx, INDArray dw, INDArray dbias);

  /** {@code dx = dy * (y > 0 ? 1 : alpha)} from an activation's output {@code y} (alpha >= 0); dx may be dy. */
  void reluBackwardFromOutput(INDArray dy, INDArray y, double alpha, INDArray dx);

  /** {@code dx = dy * (pre > 0 ? 1 : alpha)} from the pre-activation; dx may be dy. */
  void leakyReluBackward(INDArray dy, INDArray pre, double alpha, INDArray dx);

  /** State a max-pooling forward pass keeps for its backward pass. */
  interface PoolState extends AutoCloseable {
    @Override
    void close();
  }

  /** 2x2, stride-2 max pooling; returns the state for {@link #maxPool2Backward} when {@code training}, else null. */
  PoolState maxPool2(INDArray x, INDArray y, boolean training);

  /** {@code dx} from {@code dy} through the pooling that produced {@code state}. */
  void maxPool2Backward(PoolState state, INDArray dy, INDArray dx);

  /** Per sample n: {@code sum[n] = sum(x[n])}, {@code sumSq[n] = sum(x[n]^2)}, accumulated as precisely as the kernel can. */
  void sampleMoments(INDArray x, double[] sum, double[] sumSq);

  /** {@code out[n, c] = sum over h, w of a[n, h, w, c] * (b == null ? 1 : b[n, h, w, c])}. */
  void channelSums(INDArray a, INDArray b, INDArray out);

  /** {@code y = x * scale[n, c] + shift[n, c]}, then LeakyReLU(alpha) unless alpha is NaN; y may be x. */
  void affine(INDArray x, INDArray scale, INDArray shift, double alpha, INDArray y);

  /** {@code y = a * k1[n, c] + b * k2[n] + k3[n]}; y may be a or b. */
  void affine2(INDArray a, INDArray k1, INDArray b, double[] k2, double[] k3, INDArray y);

  /**
   * A separable linear resampling of NHWC {@code x} [n, h, w, c] to {@code y} [n, oh, ow, c]:
   * {@code y[n] = rows . x[n] . cols^T} over the spatial axes, with {@code rows} [oh, h] and
   * {@code cols} [ow, w] (bilinear interpolation matrices, or their transposes for the backward pass).
   */
  void linearResize(INDArray x, INDArray rows, INDArray cols, INDArray y);

  /** {@code dst = src} (or {@code dst += src} with {@code add}) for two 4D NHWC arrays of one shape, either of them a strided view. */
  void copy(INDArray src, INDArray dst, boolean add);

  /**
   * PyTorch's ReflectionPad2d of NHWC {@code x} into {@code y} [n, h + top + bottom, w + left + right, c]
   * (the edge row and column are not repeated).
   */
  void reflectPad(INDArray x, INDArray y, int top, int bottom, int left, int right);

  /** The adjoint of {@link #reflectPad}: folds the borders of {@code dy} (modified) into its interior, written to {@code dx}. */
  void reflectPadBackward(INDArray dy, INDArray dx, int top, int bottom, int left, int right);
}
