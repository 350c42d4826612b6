package dev.animegan.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GroupNorm with one group. Per sample n, over its M = C*H*W values:
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

  /** Per-sample mean [N] and 1/sqrt(var + eps) [N] over each sample's C*H*W values (biased variance, as PyTorch). */
  private INDArray[] moments(INDArray x2d) {
    INDArray mean = x2d.mean(1);
    INDArray var = x2d.var(false, 1);
    INDArray invStd = Nd4j.math().rsqrt(var.addi(layerConf().getEps()));
    return new INDArray[] {mean, invStd};
  }

  /** The input as [N, C*H*W] without copying when it is already contiguous. */
  private INDArray flat(INDArray x, long n, long m) {
    return x.isView() || x.ordering() != 'c' ? x.dup('c').reshape('c', n, m) : x.reshape('c', n, m);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    checkInput();
    long[] shape = input.shape();
    long n = shape[0];
    long c = shape[1];
    long hw = shape[2] * shape[3];
    INDArray x2 = flat(input, n, c * hw);
    INDArray[] mo = moments(x2);
    // y = x * a + b per (sample, channel): a = gamma_c * invStd_n, b = beta_c - mean_n * a.
    INDArray gamma = getParam(GroupNormParamInitializer.GAMMA).reshape(c);
    INDArray beta = getParam(GroupNormParamInitializer.BETA).reshape(c);
    INDArray a = mo[1].reshape(n, 1).mmul(gamma.reshape(1, c));
    INDArray b = Nd4j.create(input.dataType(), n, c).addiRowVector(beta).subi(a.mulColumnVector(mo[0].reshape(n, 1)));
    INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, input.dataType(), shape, 'c');
    INDArray out3 = out.reshape('c', n, c, hw);
    Broadcast.mul(x2.reshape('c', n, c, hw), a, out3, 0, 1);
    Broadcast.add(out3, b, out3, 0, 1);
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    checkInput();
    long[] shape = input.shape();
    long n = shape[0];
    long c = shape[1];
    long hw = shape[2] * shape[3];
    long m = c * hw;
    INDArray x2 = flat(input, n, m);
    INDArray[] mo = moments(x2);
    INDArray xhat = Nd4j.create(input.dataType(), n, m);
    Broadcast.sub(x2, mo[0], xhat, 0);
    Broadcast.mul(xhat, mo[1], xhat, 0);
    INDArray xhat3 = xhat.reshape('c', n, c, hw);
    INDArray dy3 = flat(epsilon, n, m).reshape('c', n, c, hw);

    INDArray dGamma = dy3.mul(xhat3).sum(0, 2).reshape(1, c);
    INDArray dBeta = dy3.sum(0, 2).reshape(1, c);
    gradientViews.get(GroupNormParamInitializer.GAMMA).assign(dGamma);
    gradientViews.get(GroupNormParamInitializer.BETA).assign(dBeta);

    INDArray gamma = getParam(GroupNormParamInitializer.GAMMA).reshape(c);
    INDArray dxhat3 = Nd4j.create(input.dataType(), n, c, hw);
    Broadcast.mul(dy3, gamma, dxhat3, 1);
    INDArray dxhat = dxhat3.reshape('c', n, m);
    INDArray meanDxhat = dxhat.mean(1);
    INDArray meanDxhatXhat = dxhat.mul(xhat).mean(1);
    // dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) * invStd
    Broadcast.mul(xhat, meanDxhatXhat, xhat, 0);
    dxhat.subi(xhat);
    Broadcast.sub(dxhat, meanDxhat, dxhat, 0);
    Broadcast.mul(dxhat, mo[1], dxhat, 0);

    Gradient g = new DefaultGradient();
    g.gradientForVariable().put(GroupNormParamInitializer.GAMMA, gradientViews.get(GroupNormParamInitializer.GAMMA));
    g.gradientForVariable().put(GroupNormParamInitializer.BETA, gradientViews.get(GroupNormParamInitializer.BETA));
    INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), shape, 'c');
    dx.assign(dxhat.reshape('c', shape));
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
