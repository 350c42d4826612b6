package dev.animegan.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * GroupNorm with one group, computed per sample with libnd4j's fused batchnorm op (the sample's
 * mean and variance standing in for per-channel statistics). Per sample n, over its M = C*H*W values:
 * {@code xhat = (x - mean) / sqrt(var + eps)}, {@code y = gamma_c * xhat + beta_c}.
 * Backward (hand-written): {@code dbeta_c = sum dy}, {@code dgamma_c = sum dy * xhat},
 * {@code dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(var + eps)} with
 * {@code dxhat = dy * gamma_c} and the means over the sample's M values.
 */
public class GroupNormalizationLayer extends BaseLayer<GroupNormalization> {

  public GroupNormalizationLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private void checkInput() {
    if (input.rank() != 4 || input.size(1) != layerConf().getNOut()) {
      throw new IllegalArgumentException("GroupNormalization (" + layerConf().getNOut() + " channels) expects NCHW "
          + "input with that many channels, got shape " + java.util.Arrays.toString(input.shape()));
    }
  }

  /**
   * {@code out[n] = scale_c * (x[n] - shift) / sqrt(variance + eps) + offset_c} for one sample, as
   * libnd4j's fused {@code batchnorm} op (one pass, multithreaded): the per-channel "statistics"
   * are the sample's own mean and variance repeated over the channels.
   */
  private static void affine(INDArray x, INDArray out, double shift, double variance, double eps, INDArray scale,
      INDArray offset) {
    long c = x.size(1);
    INDArray mean = Nd4j.valueArrayOf(new long[] {c}, shift, x.dataType());
    INDArray var = Nd4j.valueArrayOf(new long[] {c}, variance, x.dataType());
    Nd4j.exec(DynamicCustomOp.builder("batchnorm")
        .addInputs(x, mean, var, scale, offset)
        .addOutputs(out)
        .addIntegerArguments(1, 1, 1) // apply scale, apply offset, channel axis 1
        .addFloatingPointArguments(eps)
        .build());
  }

  /**
   * Mean and biased variance of one sample from two fast reductions (sum and L2 norm):
   * var = E[x²] - mean², accumulated in double on the host.
   */
  private static double[] moments(INDArray x) {
    double m = x.length();
    double mean = x.sumNumber().doubleValue() / m;
    double norm2 = x.norm2Number().doubleValue();
    return new double[] {mean, Math.max(0.0, norm2 * norm2 / m - mean * mean)};
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    checkInput();
    long[] shape = input.shape();
    long n = shape[0];
    long c = shape[1];
    double eps = layerConf().getEps();
    INDArray gamma = getParam(GroupNormParamInitializer.GAMMA).reshape(c);
    INDArray beta = getParam(GroupNormParamInitializer.BETA).reshape(c);
    INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, input.dataType(), shape, 'c');
    for (long i = 0; i < n; i++) {
      INDArray xi = input.get(point(i), all(), all(), all()).reshape(1, c, shape[2], shape[3]);
      double[] mo = moments(xi);
      affine(xi, out.get(point(i), all(), all(), all()).reshape(1, c, shape[2], shape[3]), mo[0], mo[1], eps, gamma, beta);
    }
    IActivation act = layerConf().getActivationFn();
    if (act != null && !(act instanceof ActivationIdentity)) {
      act.getActivation(out, training);
    }
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    checkInput();
    long[] shape = input.shape();
    long n = shape[0];
    long c = shape[1];
    long m = c * shape[2] * shape[3];
    double eps = layerConf().getEps();
    INDArray gamma = getParam(GroupNormParamInitializer.GAMMA).reshape(c);
    INDArray dGamma = Nd4j.zeros(input.dataType(), c);
    INDArray dBeta = Nd4j.zeros(input.dataType(), c);
    INDArray zeros = Nd4j.zeros(input.dataType(), c);
    IActivation act = layerConf().getActivationFn();
    if (act != null && !(act instanceof ActivationIdentity)) {
      // Back through the fused activation: recompute the normalised (pre-activation) output.
      INDArray pre = Nd4j.create(input.dataType(), shape);
      for (long i = 0; i < n; i++) {
        INDArray xi = input.get(point(i), all(), all(), all()).reshape(1, c, shape[2], shape[3]);
        double[] mo = moments(xi);
        affine(xi, pre.get(point(i), all(), all(), all()).reshape(1, c, shape[2], shape[3]), mo[0], mo[1], eps, gamma,
            getParam(GroupNormParamInitializer.BETA).reshape(c));
      }
      epsilon = act.backprop(pre, epsilon.dup()).getFirst();
    }
    INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), shape, 'c');
    for (long i = 0; i < n; i++) {
      INDArray xi = input.get(point(i), all(), all(), all()).reshape(1, c, shape[2], shape[3]);
      INDArray dyi = epsilon.get(point(i), all(), all(), all()).reshape(1, c, shape[2], shape[3]);
      double[] mo = moments(xi);
      double mean = mo[0];
      double invStd = 1.0 / Math.sqrt(mo[1] + eps);
      // Per channel: S_c = sum dy, P_c = sum dy * x; so sum dy * xhat = invStd * (P_c - mean * S_c).
      INDArray s = dyi.sum(0, 2, 3);
      INDArray p = dyi.mul(xi).sum(0, 2, 3);
      INDArray dyXhat = p.sub(s.mul(mean)).muli(invStd);
      dBeta.addi(s);
      dGamma.addi(dyXhat);
      double m1 = gamma.mul(s).sumNumber().doubleValue() / m; // mean(dxhat)
      double m2 = gamma.mul(dyXhat).sumNumber().doubleValue() / m; // mean(dxhat * xhat)
      // dx = invStd * (gamma_c * dy - m1 - xhat * m2) = k1_c * dy + k2 * x + k3
      INDArray k1 = gamma.mul(invStd);
      double k2 = -invStd * invStd * m2;
      double k3 = -invStd * m1 + invStd * invStd * m2 * mean;
      INDArray dxi = dx.get(point(i), all(), all(), all()).reshape(1, c, shape[2], shape[3]);
      affine(dyi, dxi, 0.0, 1.0 - 1e-5, 1e-5, k1, zeros);
      dxi.addi(xi.mul(k2)).addi(k3);
    }
    gradientViews.get(GroupNormParamInitializer.GAMMA).assign(dGamma.reshape(1, c));
    gradientViews.get(GroupNormParamInitializer.BETA).assign(dBeta.reshape(1, c));
    Gradient g = new DefaultGradient();
    g.gradientForVariable().put(GroupNormParamInitializer.GAMMA, gradientViews.get(GroupNormParamInitializer.GAMMA));
    g.gradientForVariable().put(GroupNormParamInitializer.BETA, gradientViews.get(GroupNormParamInitializer.BETA));
    return new Pair<>(g, dx);
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public void clearNoiseWeightParams() {
    // no weight noise
  }

  @Override
  public Type type() {
    return Type.NORMALIZATION;
  }
}
