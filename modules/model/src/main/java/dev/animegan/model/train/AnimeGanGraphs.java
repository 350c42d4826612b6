package dev.animegan.model.train;

import dev.animegan.model.dl4j.AnimeGanLayer;
import dev.animegan.model.dl4j.AnimeGanLayerImpl;
import dev.animegan.model.layers.BatchVertex;
import dev.animegan.model.layers.MeanOfInputLoss;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The DL4J graphs of training and inference: each holds one {@link AnimeGanLayer} named
 * {@value #LAYER}, whose parameters are the networks' and which computes on the engine, followed (in
 * training) by a loss layer that passes the layer's loss through, so DL4J's {@code fit}, Adam,
 * serialisation and dl4j-spark's parameter averaging work unchanged. DL4J workspaces are off: the
 * engine manages its own memory.
 * <ul>
 *   <li>{@link #generator}: input {@value #INPUT} (NCHW, [-1, 1]) to the stylised image;
 *   <li>{@link #pretrain}: input {@value #PHOTO}; generator + VGG, Adam at the pretraining rate;
 *   <li>{@link #adversarial}: inputs {@value #PHOTO} and {@value #GRAY}; generator + VGG + D + D's
 *       Adam state, Adam at the generator rate (the discriminator step updates D in place).
 * </ul>
 */
public final class AnimeGanGraphs {
  public static final String LAYER = "animegan";
  public static final String INPUT = "input";
  public static final String PHOTO = "photo";
  public static final String GRAY = "gray";
  public static final String LOSS = "loss";

  private AnimeGanGraphs() {}

  private static ComputationGraphConfiguration.GraphBuilder builder(long seed, org.nd4j.linalg.learning.config.IUpdater u) {
    return new NeuralNetConfiguration.Builder()
        .dataType(DataType.FLOAT)
        .seed(seed)
        .updater(u)
        .trainingWorkspaceMode(WorkspaceMode.NONE)
        .inferenceWorkspaceMode(WorkspaceMode.NONE)
        .graphBuilder();
  }

  public static ComputationGraphConfiguration generator(int base, long seed) {
    return builder(seed, new NoOp()).addInputs(INPUT)
        .addLayer(LAYER, AnimeGanLayer.generator(base), INPUT)
        .setOutputs(LAYER)
        .setInputTypes(InputType.convolutional(256, 256, 3))
        .build();
  }

  private static LossLayer passThrough() {
    return new LossLayer.Builder().lossFunction(new MeanOfInputLoss()).activation(Activation.IDENTITY).build();
  }

  public static ComputationGraphConfiguration pretrain(TrainerSettings s) {
    return builder(s.seed(), new Adam(s.pretrainLr(), s.beta1(), s.beta2(), s.adamEpsilon())).addInputs(PHOTO)
        .addLayer(LAYER, AnimeGanLayer.training(AnimeGanLayer.Role.PRETRAIN, s), PHOTO)
        .addLayer(LOSS, passThrough(), LAYER)
        .setOutputs(LOSS)
        .setInputTypes(InputType.convolutional(s.tileSize(), s.tileSize(), 3))
        .build();
  }

  public static ComputationGraphConfiguration adversarial(TrainerSettings s) {
    InputType t = InputType.convolutional(s.tileSize(), s.tileSize(), 3);
    return builder(s.seed(), new Adam(s.generatorLr(), s.beta1(), s.beta2(), s.adamEpsilon())).addInputs(PHOTO, GRAY)
        .addVertex("stack", BatchVertex.concat(), PHOTO, GRAY)
        .addLayer(LAYER, AnimeGanLayer.training(AnimeGanLayer.Role.ADVERSARIAL, s), "stack")
        .addLayer(LOSS, passThrough(), LAYER)
        .setOutputs(LOSS)
        .setInputTypes(t, t)
        .build();
  }

  /** The graph's AnimeGAN layer. */
  public static AnimeGanLayerImpl layer(ComputationGraph g) {
    org.deeplearning4j.nn.api.Layer l = g.getLayer(LAYER);
    if (!(l instanceof AnimeGanLayerImpl a)) {
      throw new IllegalArgumentException("not an animegan graph: it has no " + LAYER + " layer");
    }
    return a;
  }

  /** Whether {@code g} is one of these graphs (as opposed to release 0.1's per-layer graphs). */
  public static boolean isEngineGraph(ComputationGraph g) {
    try {
      return g.getLayer(LAYER) instanceof AnimeGanLayerImpl;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
