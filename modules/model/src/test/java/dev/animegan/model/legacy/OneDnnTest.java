package dev.animegan.model.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Fails when convolutions silently fall back to im2col + gemm. */
class OneDnnTest {
  private static MultiLayerNetwork conv() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).seed(1).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(8).nOut(16).build())
        .setInputType(InputType.convolutional(20, 20, 8))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  @Test
  void convolutionsUseTheOneDnnHelperAndAgreeWithTheBuiltInPath() {
    assertTrue(org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN(),
        "ND4J was not loaded with oneDNN (nd4j-native linux-x86_64-onednn)");
    String before = System.getProperty(OneDnn.DL4J_HELPERS_DISABLE);
    try {
      System.setProperty(OneDnn.DL4J_HELPERS_DISABLE, "true");
      MultiLayerNetwork plain = conv();
      assertNull(plain.getLayer(0).getHelper(), "helpers off: DL4J's own implementation");

      assertTrue(OneDnn.enable());
      MultiLayerNetwork fast = conv();
      assertInstanceOf(MKLDNNConvHelper.class, fast.getLayer(0).getHelper(), "the oneDNN helper is attached");

      fast.setParams(plain.params().dup());
      INDArray x = Nd4j.rand(DataType.FLOAT, 2, 8, 20, 20);
      INDArray a = plain.output(x);
      INDArray b = fast.output(x);
      assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-4, "same results either way");
    } finally {
      if (before == null) {
        System.clearProperty(OneDnn.DL4J_HELPERS_DISABLE);
      } else {
        System.setProperty(OneDnn.DL4J_HELPERS_DISABLE, before);
      }
    }
  }
}
