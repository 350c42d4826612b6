package dev.animegan.model.weights;

import dev.animegan.model.GeneratorGraphs;
import dev.animegan.model.Stylizer;
import dev.animegan.model.engine.DiscriminatorNet;
import dev.animegan.model.train.AnimeGanGraphs;
import dev.animegan.model.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The networks as PyTorch state dicts, both ways.
 *
 * <ul>
 *   <li>Generator: the keys, shapes and float32 dtype of animegan2-pytorch's {@code Generator}
 *       ({@code block_a.0.1.weight} [32, 3, 7, 7], ...), which the engine uses as its own names.
 *   <li>Discriminator: the project's patch discriminator in the layout of
 *       {@code pytorch/animegan_ref.py}'s {@code Discriminator(ch, stages)}: {@code conv_0.weight}
 *       [ch/2, 3, 3, 3], per stage i {@code conv_s2_i.weight}, {@code conv_s1_i.weight},
 *       {@code norm_i.weight}/{@code .bias} (GroupNorm(1) affine), then {@code last_conv.weight},
 *       {@code last_norm.weight}/{@code .bias} and {@code D_logit.weight}; no biases on convolutions.
 * </ul>
 */
public final class StateDicts {
  private StateDicts() {}

  /**
   * The generator's tensors of a model the inference job accepts: a {@code .pt} state dict (its
   * tensors exactly as stored), a trainer checkpoint folder, or a DL4J generator zip.
   */
  public static Map<String, INDArray> generator(Path model) throws IOException {
    if (!Files.isDirectory(model) && model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".pt")) {
      Map<String, INDArray> state = PyTorchGeneratorImport.readStateDict(model);
      int base = GeneratorGraphs.base(state);
      List<String> problems = GeneratorGraphs.problems(state, base);
      if (!problems.isEmpty()) {
        throw new IOException("Not an AnimeGANv2 generator state dict: " + model + ": " + String.join("; ", problems));
      }
      Map<String, INDArray> ordered = new LinkedHashMap<>();
      new dev.animegan.model.engine.GeneratorNet(base).paramShapes().keySet().forEach(k -> ordered.put(k, state.get(k)));
      return ordered;
    }
    Map<String, INDArray> out = new LinkedHashMap<>();
    AnimeGanGraphs.layer(Stylizer.load(model).generator()).generatorParams().asMap().forEach((k, v) -> out.put(k, v.dup()));
    return out;
  }

  /** The discriminator's tensors of a trainer checkpoint folder (either checkpoint format). */
  public static Map<String, INDArray> discriminator(Path checkpoint) {
    if (!Files.isDirectory(checkpoint)) {
      throw new IllegalArgumentException("a discriminator comes from a trainer checkpoint folder; " + checkpoint
          + " is a file (generator.zip and .pt files hold the generator only)");
    }
    return Checkpoints.networks(checkpoint).discriminator();
  }

  /** The discriminator a state dict describes (width from {@code conv_0.weight}, stages from the {@code conv_s2_i} keys). */
  public static DiscriminatorNet discriminatorNet(Map<String, INDArray> state) {
    INDArray first = state.get("conv_0.weight");
    if (first == null || first.rank() != 4) {
      throw new IllegalArgumentException("not a patch discriminator state dict: no conv_0.weight [ch/2, 3, 3, 3] (keys: "
          + state.keySet().stream().limit(4).toList() + ")");
    }
    int stages = 0;
    while (state.containsKey("conv_s2_" + (stages + 1) + ".weight")) {
      stages++;
    }
    return new DiscriminatorNet((int) first.size(0) * 2, stages);
  }

  /** A discriminator state dict read from a {@code .pt} and checked against its own layout. */
  public static Map<String, INDArray> readDiscriminator(Path pt) throws IOException {
    Map<String, INDArray> state = PyTorchGeneratorImport.readStateDict(pt);
    DiscriminatorNet net;
    try {
      net = discriminatorNet(state);
    } catch (IllegalArgumentException e) {
      throw new IOException(pt + ": " + e.getMessage());
    }
    List<String> problems = net.stateDictProblems(state);
    if (!problems.isEmpty()) {
      throw new IOException("Not a patch discriminator state dict: " + pt + ": " + String.join("; ", problems));
    }
    return state;
  }
}
