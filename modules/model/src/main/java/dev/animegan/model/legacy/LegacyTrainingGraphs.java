package dev.animegan.model.legacy;

import dev.animegan.model.layers.BatchVertex;
import dev.animegan.model.layers.MeanOfInputLoss;
import dev.animegan.model.layers.ScalarLossVertex;
import dev.animegan.model.layers.TransformVertex;
import dev.animegan.model.train.LossWeights;
import dev.animegan.model.train.TrainerSettings;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The graphs AnimeGAN training runs, each ending in one {@link MeanOfInputLoss} output so DL4J's
 * {@code fit} and Adam do the updates. Loss terms are vertices named {@code loss.NAME} (per-example
 * values, unweighted), so listeners can report each term.
 * <ul>
 *   <li>pretraining: G, frozen VGG, {@code con·L1(VGG(p), VGG(G(p)))};
 *   <li>generator training: G, a frozen copy of D ({@code D.*}), frozen VGG, every G loss term;
 *   <li>discriminator training: D on [anime, fake, gray, smooth] stacked along the batch;
 * </ul>
 * VGG and D process several image sets at once by stacking them along the batch dimension, so each
 * network exists once per graph.
 */
public final class LegacyTrainingGraphs {
  public static final String PHOTO = "photo";
  public static final String GRAY = "gray";
  public static final String ANIME = "anime";
  public static final String FAKE = "fake";
  public static final String SMOOTH = "smooth";
  public static final String VGG = "vgg.";
  public static final String D = "D.";
  public static final List<String> G_TERMS = List.of("adv", "con", "gra", "col", "tv");
  public static final List<String> D_TERMS = List.of("real", "fake", "gray", "smooth");
  public static final List<String> PRETRAIN_TERMS = List.of("con");

  private LegacyTrainingGraphs() {}

  private static ComputationGraphConfiguration.GraphBuilder builder(TrainerSettings s, double lr) {
    return new NeuralNetConfiguration.Builder()
        .dataType(DataType.FLOAT)
        .seed(s.seed())
        .weightInit(WeightInit.XAVIER)
        .updater(new Adam(lr, s.beta1(), s.beta2(), 1e-8))
        .graphBuilder();
  }

  private static String vgg(ComputationGraphConfiguration.GraphBuilder g, TrainerSettings s, String input) {
    return Vgg19Features.addTo(g, input, VGG, s.vggWidthDivisor(), true);
  }

  /** Adds {@code sum_i w_i * term_i} and the output layer. */
  private static void total(ComputationGraphConfiguration.GraphBuilder g, List<String> terms, double[] weights) {
    String[] scaled = new String[terms.size()];
    for (int i = 0; i < terms.size(); i++) {
      scaled[i] = "weighted." + terms.get(i);
      g.addVertex(scaled[i], new ScaleVertex(weights[i]), "loss." + terms.get(i));
    }
    String sum = scaled[0];
    if (scaled.length > 1) {
      g.addVertex("loss.total", new ElementWiseVertex(ElementWiseVertex.Op.Add), scaled);
      sum = "loss.total";
    }
    g.addLayer("loss", new LossLayer.Builder().lossFunction(new MeanOfInputLoss()).activation(Activation.IDENTITY).build(),
        sum);
    g.setOutputs("loss");
  }

  public static ComputationGraphConfiguration generatorOnly(TrainerSettings s) {
    return new AnimeGanV2Generator(s.generatorBase()).graph(s.tileSize(), s.tileSize(), DataType.FLOAT, s.seed());
  }

  public static ComputationGraphConfiguration pretrain(TrainerSettings s) {
    ComputationGraphConfiguration.GraphBuilder g = builder(s, s.pretrainLr()).addInputs(PHOTO);
    String fake = new AnimeGanV2Generator(s.generatorBase()).addTo(g, PHOTO);
    g.addVertex("vgg.stack", BatchVertex.concat(), PHOTO, fake);
    String features = vgg(g, s, "vgg.stack");
    g.addVertex("vgg.photo", BatchVertex.slice(0, 2), features);
    g.addVertex("vgg.fake", BatchVertex.slice(1, 2), features);
    g.addVertex("loss.con", ScalarLossVertex.l1(), "vgg.photo", "vgg.fake");
    total(g, PRETRAIN_TERMS, new double[] {s.weights().con()});
    return g.setInputTypes(InputType.convolutional(s.tileSize(), s.tileSize(), 3)).build();
  }

  public static ComputationGraphConfiguration generatorTraining(TrainerSettings s) {
    LossWeights w = s.weights();
    ComputationGraphConfiguration.GraphBuilder g = builder(s, s.generatorLr()).addInputs(PHOTO, GRAY);
    String fake = new AnimeGanV2Generator(s.generatorBase()).addTo(g, PHOTO);
    String dOut = new PatchDiscriminator(s.discriminatorWidth(), s.discriminatorStages()).addTo(g, fake, D, true);
    g.addVertex("loss.adv", ScalarLossVertex.squaredTo(1.0), dOut);
    g.addVertex("vgg.stack", BatchVertex.concat(), PHOTO, fake, GRAY);
    String features = vgg(g, s, "vgg.stack");
    g.addVertex("vgg.photo", BatchVertex.slice(0, 3), features);
    g.addVertex("vgg.fake", BatchVertex.slice(1, 3), features);
    g.addVertex("vgg.gray", BatchVertex.slice(2, 3), features);
    g.addVertex("loss.con", ScalarLossVertex.l1(), "vgg.photo", "vgg.fake");
    g.addVertex("gram.fake", new TransformVertex(TransformVertex.Kind.GRAM), "vgg.fake");
    g.addVertex("gram.gray", new TransformVertex(TransformVertex.Kind.GRAM), "vgg.gray");
    g.addVertex("loss.gra", ScalarLossVertex.l1(), "gram.fake", "gram.gray");
    g.addVertex("yuv.photo", new TransformVertex(TransformVertex.Kind.RGB_TO_YUV), PHOTO);
    g.addVertex("yuv.fake", new TransformVertex(TransformVertex.Kind.RGB_TO_YUV), fake);
    g.addVertex("loss.col.y", ScalarLossVertex.l1(0), "yuv.photo", "yuv.fake");
    g.addVertex("loss.col.u", ScalarLossVertex.huber(1, 1.0), "yuv.photo", "yuv.fake");
    g.addVertex("loss.col.v", ScalarLossVertex.huber(2, 1.0), "yuv.photo", "yuv.fake");
    g.addVertex("loss.col", new ElementWiseVertex(ElementWiseVertex.Op.Add), "loss.col.y", "loss.col.u", "loss.col.v");
    g.addVertex("loss.tv", ScalarLossVertex.totalVariation(), fake);
    total(g, G_TERMS, new double[] {w.adv(), w.con(), w.gra(), w.col(), w.tv()});
    InputType t = InputType.convolutional(s.tileSize(), s.tileSize(), 3);
    return g.setInputTypes(t, t).build();
  }

  public static ComputationGraphConfiguration discriminatorTraining(TrainerSettings s) {
    LossWeights w = s.weights();
    ComputationGraphConfiguration.GraphBuilder g = builder(s, s.discriminatorLr()).addInputs(ANIME, FAKE, GRAY, SMOOTH);
    g.addVertex("D.stack", BatchVertex.concat(), ANIME, FAKE, GRAY, SMOOTH);
    String dOut = new PatchDiscriminator(s.discriminatorWidth(), s.discriminatorStages()).addTo(g, "D.stack", D, false);
    String[] parts = {"real", "fake", "gray", "smooth"};
    for (int i = 0; i < 4; i++) {
      g.addVertex("D." + parts[i], BatchVertex.slice(i, 4), dOut);
      g.addVertex("loss." + parts[i], ScalarLossVertex.squaredTo(i == 0 ? 1.0 : 0.0), "D." + parts[i]);
    }
    total(g, D_TERMS, new double[] {w.adv() * w.real(), w.adv() * w.fake(), w.adv() * w.gray(), w.adv() * w.smooth()});
    InputType t = InputType.convolutional(s.tileSize(), s.tileSize(), 3);
    return g.setInputTypes(t, t, t, t).build();
  }
}
