package dev.animegan.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every network's hand-written backward pass against central finite differences in double
 * precision (ND4J kernels), for parameter and input gradients; and the oneDNN kernels' gradients
 * against ND4J's in float32. Frozen passes (no parameter gradients) give the same input gradients.
 */
class NetGradientTest {
  private static final double H = 1e-6;

  /** f = sum(net(x) * r). */
  private static double value(Engine e, Net net, ParamSet p, INDArray x, INDArray r) {
    INDArray y = net.forward(e, p, null, x, null, false);
    double v = y.mul(r).sumNumber().doubleValue();
    e.pool().release(y);
    return v;
  }

  private record Grads(ParamSet params, INDArray input) {}

  private static Grads analytic(Engine e, Net net, ParamSet p, INDArray x, INDArray r, boolean paramGrads) {
    ParamSet g = paramGrads ? EngineNets.zerosLike(p) : null;
    Tape tape = new Tape();
    INDArray y = net.forward(e, p, g, x, tape, true);
    e.pool().release(y);
    INDArray dy = e.pool().copyOf(r);
    INDArray dx = tape.backward(dy);
    INDArray out = dx.dup();
    e.pool().release(dx);
    assertEquals(0, e.pool().liveBytes(), "backward released everything: " + e.pool().describeLive());
    return new Grads(g, out);
  }

  private static void check(Net net, long[] inputShape, int samplesPerTensor) {
    Engine e = Engine.nd4j(DataType.DOUBLE);
    ParamSet p = EngineNets.randomParams(net, 11, DataType.DOUBLE);
    Nd4j.getRandom().setSeed(12);
    INDArray x = Nd4j.rand(DataType.DOUBLE, inputShape).muli(2).subi(1);
    INDArray y = net.forward(e, p, null, x, null, false);
    INDArray r = Nd4j.rand(DataType.DOUBLE, y.shape()).subi(0.5);
    e.pool().release(y);
    Grads g = analytic(e, net, p, x, r, true);
    Random rnd = new Random(13);
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (String key : p.keys()) {
      INDArray t = p.get(key);
      INDArray flat = t.reshape(t.length());
      INDArray gflat = g.params().get(key).reshape(t.length());
      for (int s = 0; s < Math.min(samplesPerTensor, t.length()); s++) {
        long i = t.length() <= samplesPerTensor ? s : (long) rnd.nextInt((int) t.length());
        double orig = flat.getDouble(i);
        flat.putScalar(i, orig + H);
        double plus = value(e, net, p, x, r);
        flat.putScalar(i, orig - H);
        double minus = value(e, net, p, x, r);
        flat.putScalar(i, orig);
        double numeric = (plus - minus) / (2 * H);
        double a = gflat.getDouble(i);
        checked++;
        if (Math.abs(a - numeric) > 1e-5 * Math.max(1.0, Math.abs(numeric)) + 1e-7) {
          failures.add(key + "[" + i + "]: analytic " + a + ", numeric " + numeric);
        }
      }
    }
    INDArray xf = x.reshape(x.length());
    INDArray gx = g.input().reshape(x.length());
    for (int s = 0; s < 40; s++) {
      long i = rnd.nextInt((int) x.length());
      double orig = xf.getDouble(i);
      xf.putScalar(i, orig + H);
      double plus = value(e, net, p, x, r);
      xf.putScalar(i, orig - H);
      double minus = value(e, net, p, x, r);
      xf.putScalar(i, orig);
      double numeric = (plus - minus) / (2 * H);
      checked++;
      if (Math.abs(gx.getDouble(i) - numeric) > 1e-5 * Math.max(1.0, Math.abs(numeric)) + 1e-7) {
        failures.add("input[" + i + "]: analytic " + gx.getDouble(i) + ", numeric " + numeric);
      }
    }
    assertTrue(failures.isEmpty(), net.name() + ": " + failures.size() + " of " + checked + " checks failed: " + failures);
    // A frozen pass (input gradient only) gives the same input gradient.
    Grads frozen = analytic(e, net, p, x, r, false);
    assertTrue(EngineNets.maxRelDiff(g.input(), frozen.input()) < 1e-12, "frozen input gradient");
  }

  @Test
  void generatorGradients() {
    check(new GeneratorNet(2), new long[] {2, 11, 10, 3}, 6);
  }

  @Test
  void discriminatorGradients() {
    check(new DiscriminatorNet(4, 2), new long[] {2, 12, 10, 3}, 8);
  }

  @Test
  void vggGradients() {
    check(new VggNet(32), new long[] {2, 18, 16, 3}, 5);
  }

  @Test
  void oneDnnGradientsEqualNd4jGradientsInFloat() {
    for (Net net : new Net[] {new GeneratorNet(4), new DiscriminatorNet(8, 2), new VggNet(16)}) {
      ParamSet p = EngineNets.randomParams(net, 21, DataType.FLOAT);
      Nd4j.getRandom().setSeed(22);
      INDArray x = Nd4j.rand(DataType.FLOAT, 2, 36, 28, 3).muli(2).subi(1);
      Engine ref = Engine.nd4j(DataType.FLOAT);
      INDArray y = net.forward(ref, p, null, x, null, false);
      INDArray r = Nd4j.rand(DataType.FLOAT, y.shape()).subi(0.5);
      ref.pool().release(y);
      Grads a = analytic(ref, net, p, x, r, true);
      Grads b = analytic(Engine.oneDnn(), net, p, x, r, true);
      assertTrue(EngineNets.maxRelDiff(a.input(), b.input()) < 1e-4, net.name() + " input gradient");
      for (String k : p.keys()) {
        double d = EngineNets.maxRelDiff(a.params().get(k), b.params().get(k));
        assertTrue(d < 1e-3, net.name() + " " + k + ": " + d);
      }
    }
  }
}
