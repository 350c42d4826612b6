package dev.animegan.model.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Test helpers: parameter sets as plain arrays, NCHW <-> NHWC. */
final class EngineNets {
  private EngineNets() {}

  /** Fresh parameters of {@code net}, seeded, in {@code type}; norm scales and biases randomised too so they matter. */
  static ParamSet randomParams(Net net, long seed, DataType type) {
    Nd4j.getRandom().setSeed(seed);
    Map<String, INDArray> m = new LinkedHashMap<>();
    net.paramShapes().forEach((k, s) -> m.put(k, Nd4j.create(type, s)));
    ParamSet p = new ParamSet(m);
    net.init(p);
    p.asMap().forEach((k, v) -> {
      if (v.rank() == 1) {
        v.addi(Nd4j.rand(type, v.shape()).subi(0.5).muli(0.4));
      }
    });
    return p;
  }

  static ParamSet zerosLike(ParamSet p) {
    Map<String, INDArray> m = new LinkedHashMap<>();
    p.asMap().forEach((k, v) -> m.put(k, v.ulike().assign(0)));
    return new ParamSet(m);
  }

  static ParamSet cast(ParamSet p, DataType type) {
    Map<String, INDArray> m = new LinkedHashMap<>();
    p.asMap().forEach((k, v) -> m.put(k, v.castTo(type).dup()));
    return new ParamSet(m);
  }

  static INDArray nhwc(INDArray nchw) {
    return nchw.permute(0, 2, 3, 1).dup('c');
  }

  static INDArray nchw(INDArray nhwc) {
    return nhwc.permute(0, 3, 1, 2).dup('c');
  }

  static double maxRelDiff(INDArray a, INDArray b) {
    double scale = Math.max(1e-12, a.amaxNumber().doubleValue());
    return a.sub(b).amaxNumber().doubleValue() / scale;
  }
}
