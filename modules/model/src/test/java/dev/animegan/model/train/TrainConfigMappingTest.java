package dev.animegan.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.TrainConfig;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** reference.conf's defaults and conf/losses/*.conf are the paper's and AnimeGANv2's weights. */
class TrainConfigMappingTest {
  private static Path conf(String name) {
    Path p = Paths.get("").toAbsolutePath();
    while (!p.resolve("conf").toFile().isDirectory()) {
      p = p.getParent();
    }
    return p.resolve("conf").resolve(name);
  }

  @Test
  void defaultsAreAnimeGansTraining() {
    TrainerSettings s = TrainerSettings.from(TrainConfig.from(ConfigLoader.load(null, ConfigFactory.empty())));
    TrainerSettings expected = TrainerSettings.animeGan(null);
    assertEquals(expected.weights(), s.weights());
    assertEquals(expected.generatorBase(), s.generatorBase());
    assertEquals(1e-4, s.pretrainLr());
    assertEquals(8e-5, s.generatorLr());
    assertEquals(1.6e-4, s.discriminatorLr());
    assertEquals(0.5, s.beta1());
    assertEquals(0.999, s.beta2());
    assertEquals(1e-8, s.adamEpsilon());
  }

  @Test
  void adamEpsilonReachesBothAdamsAndTheCheckpointSettings() {
    TrainerSettings s = TrainerSettings.from(TrainConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
        "animegan.train.adversarial.epsilon = 1e-6"))));
    assertEquals(1e-6, s.adamEpsilon());
    assertEquals(s, TrainerSettings.fromProperties(s.toProperties()));
    java.util.Properties old = s.toProperties();
    old.remove("settings.adamEpsilon");
    assertEquals(1e-8, TrainerSettings.fromProperties(old).adamEpsilon(), "checkpoints written before the key: 1e-8");
    org.deeplearning4j.nn.conf.ComputationGraphConfiguration g = AnimeGanGraphs.adversarial(s);
    var layer = (dev.animegan.model.dl4j.AnimeGanLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex)
        g.getVertices().values().stream().filter(v -> v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex
            && ((org.deeplearning4j.nn.conf.graph.LayerVertex) v).getLayerConf().getLayer()
                instanceof dev.animegan.model.dl4j.AnimeGanLayer).findFirst().orElseThrow()).getLayerConf().getLayer();
    assertEquals(1e-6, layer.getAdamEpsilon(), "the discriminator's Adam");
    assertEquals(1e-6, ((org.nd4j.linalg.learning.config.Adam) layer.getIUpdater()).getEpsilon(), "the generator's Adam");
    ConfigError e = assertThrows(ConfigError.class, () -> TrainConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
        "animegan.train.adversarial.epsilon = 0"))));
    assertTrue(e.problems().get(0).startsWith("Invalid value for animegan.train.adversarial.epsilon: 0"), e.problems().toString());
  }

  @Test
  void stylePresetsInConfMatchTheCode() {
    for (String style : new String[] {"hayao", "paprika", "shinkai"}) {
      TrainConfig c = TrainConfig.from(ConfigLoader.load(conf("losses/" + style + ".conf").toString(), ConfigFactory.empty()));
      assertEquals(LossWeights.preset(style), TrainerSettings.from(c).weights(), style);
    }
  }

  @Test
  void badValuesNameTheirKeys() {
    ConfigError e = assertThrows(ConfigError.class, () -> TrainConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
        "animegan.model.vgg19 { weights = \"/w.h5\", width-divisor = 4 }\nanimegan.train.losses.colour = 3"))));
    assertEquals(java.util.List.of(
        "Unknown config key animegan.train.losses.colour (String: 2). Known keys in animegan.train.losses: adv, col, con, "
            + "fake, gra, gray, real, smooth, tv",
        "Invalid value for animegan.model.vgg19.width-divisor: 4. Allowed values: 1 when animegan.model.vgg19.weights is set "
            + "(the weights are for the full-width network)"), e.problems());
  }
}
