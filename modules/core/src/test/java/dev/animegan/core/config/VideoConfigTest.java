package dev.animegan.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class VideoConfigTest {
  private static final String BASE = "animegan.video { model = \"/m.zip\", input = [\"/v\"], output = \"/out/\" }\n";

  private static VideoConfig parse(String hocon) {
    return VideoConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(BASE + hocon)));
  }

  private static String error(String hocon) {
    return assertThrows(ConfigError.class, () -> parse(hocon)).getMessage();
  }

  @Test
  void defaultsFromReferenceConf() {
    VideoConfig c = parse("");
    assertEquals("/out", c.output());
    assertEquals(List.of("mp4", "mkv", "mov", "webm", "avi"), c.extensions());
    assertEquals(1280, c.maxLongSide());
    assertEquals(4, c.multiple());
    assertEquals(10.0, c.segmentSeconds());
    assertEquals(4, c.overlapFrames());
    assertEquals(0.0, c.temporalSmoothing());
    assertEquals(false, c.preserveColor());
    assertEquals(18, c.crf());
    assertEquals("medium", c.preset());
    assertEquals(true, c.autoMemoryBudget());
    assertEquals(64L << 30, c.maxFileBytes());
  }

  @Test
  void badValuesNameTheirKeys() {
    assertEquals("Invalid value for animegan.video.resize.multiple: 3. Allowed values: even numbers from 2 to 256 "
        + "(H.264 in yuv420p needs even sides)", error("animegan.video.resize.multiple = 3"));
    assertEquals("Invalid value for animegan.video.encoder.preset: 'fastest'. Allowed values: ultrafast, superfast, "
        + "veryfast, faster, fast, medium, slow, slower, veryslow", error("animegan.video.encoder.preset = fastest"));
    assertEquals(true, error("animegan.video.temporal-smoothing = 1.5").startsWith(
        "Invalid value for animegan.video.temporal-smoothing: 1.5"), error("animegan.video.temporal-smoothing = 1.5"));
    assertEquals(true, error("animegan.video.encoder.crf = 52").startsWith("Invalid value for animegan.video.encoder.crf: 52"));
    assertEquals(true, error("animegan.video.smoothing = 1").startsWith("Unknown config key animegan.video.smoothing"));
    assertEquals("Missing value for animegan.video.extensions: at least one file extension, e.g. [mp4, mkv]",
        error("animegan.video.extensions = []"));
  }

  @Test
  void extensionsAreLowerCaseWithoutDots() {
    assertEquals(List.of("mp4", "mts"), parse("animegan.video.extensions = [\".MP4\", mts]").extensions());
  }
}
