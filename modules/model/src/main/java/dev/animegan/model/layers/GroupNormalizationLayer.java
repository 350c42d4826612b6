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

  /** xhat as [N, M] and 1/sqrt(var + eps) as [N, 1], computed from the input. */
  private INDArray[] normalise(INDArray x2d) {
    INDArray mean = x2d.mean(true, 1);
    INDArray centred = x2d.subColumnVector(mean);
    INDArray var = centred.mul(centred).mean(true, 1);
    INDArray invStd = Nd4j.math().rsqrt(var.add(layerConf().getEps()));
    return new INDArray[] {centred.muliColumnVector(invStd), invStd};
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    checkInput();
    long[] shape = input.shape();
    long n = shape[0];
    long c = shape[1];
    long hw = shape[2] * shape[3];
    INDArray xhat = normalise(input.dup('c').reshape('c', n, c * hw))[0];
    INDArray gamma = getParam(GroupNormParamInitializer.GAMMA).reshape(1, c, 1);
    INDArray beta = getParam(GroupNormParamInitializer.BETA).reshape(1, c, 1);
    INDArray y = xhat.reshape('c', n, c, hw);
    y = y.mul(gamma.broadcast(n, c, hw)).addi(beta.broadcast(n, c, hw));
    INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, input.dataType(), shape, 'c');
    out.assign(y.reshape('c', shape));
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
    INDArray[] norm = normalise(input.dup('c').reshape('c', n, c * hw));
    INDArray xhat = norm[0];
    INDArray invStd = norm[1];
    INDArray dy = epsilon.dup('c').reshape('c', n, c, hw);
    INDArray xhat3 = xhat.reshape('c', n, c, hw);

    INDArray dGamma = dy.mul(xhat3).sum(0, 2).reshape(1, c);
    INDArray dBeta = dy.sum(0, 2).reshape(1, c);
    gradientViews.get(GroupNormParamInitializer.GAMMA).assign(dGamma);
    gradientViews.get(GroupNormParamInitializer.BETA).assign(dBeta);

    INDArray gamma = getParam(GroupNormParamInitializer.GAMMA).reshape(1, c, 1);
    INDArray dxhat = dy.mul(gamma.broadcast(n, c, hw)).reshape('c', n, c * hw);
    INDArray meanDxhat = dxhat.mean(true, 1);
    INDArray meanDxhatXhat = dxhat.mul(xhat).mean(true, 1);
    INDArray dx2d = dxhat.subColumnVector(meanDxhat).subi(xhat.mulColumnVector(meanDxhatXhat)).muliColumnVector(invStd);

    Gradient g = new DefaultGradient();
    g.gradientForVariable().put(GroupNormParamInitializer.GAMMA, gradientViews.get(GroupNormParamInitializer.GAMMA));
    g.gradientForVariable().put(GroupNormParamInitializer.BETA, gradientViews.get(GroupNormParamInitializer.BETA));
    INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), shape, 'c');
    dx.assign(dx2d.reshape('c', shape));
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
