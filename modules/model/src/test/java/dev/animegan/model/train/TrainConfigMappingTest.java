package dev.animegan.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
