package dev.animegan.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.animegan.core.image.ResizeFilter;
import dev.animegan.core.ingest.CropMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestConfigTest {
  private static final String BASE = "animegan.ingest { photos = [\"/p\"], output = \"/out\" }\n";

  private static IngestConfig parse(String hocon) {
    return IngestConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(BASE + hocon)));
  }

  private static String error(String hocon) {
    return assertThrows(ConfigError.class, () -> parse(hocon)).getMessage();
  }

  @Test
  void defaultsFromReferenceConf() {
    IngestConfig c = parse("");
    assertEquals(List.of("/p"), c.photos());
    assertEquals(Map.of(), c.anime());
    assertEquals(WriteMode.ERROR, c.mode());
    assertEquals(256, c.tiles().cropSize());
    assertEquals(256, c.tiles().shortSide());
    assertEquals(CropMode.CENTER, c.tiles().cropMode());
    assertEquals(ResizeFilter.LANCZOS, c.tiles().filter());
    assertEquals(0xFFFFFF, c.tiles().backgroundRgb());
    assertEquals(100_000_000L, c.tiles().maxPixels());
    assertEquals(256L << 20, c.maxFileBytes());
    assertEquals(0.2, c.testFraction());
    assertEquals(42L, c.tiles().seed());
  }

  @Test
  void animeStylesAcceptListsOrSingleStrings() {
    IngestConfig c = parse("animegan.ingest.anime { shinkai = \"/s\", hayao = [\"/h1\", \"/h2\"] }");
    assertEquals(List.of("hayao", "shinkai"), List.copyOf(c.anime().keySet()));
    assertEquals(List.of("/h1", "/h2"), c.anime().get("hayao"));
    assertEquals(List.of("/s"), c.anime().get("shinkai"));
  }

  @Test
  void badEnumNamesTheKeyAndAllowedValues() {
    assertEquals("Invalid value for animegan.ingest.crop.mode: 'diagonal'. Allowed values: center, grid, random",
        error("animegan.ingest.crop.mode = diagonal"));
    assertEquals("Invalid value for animegan.ingest.mode: 'replace'. Allowed values: error, overwrite, append",
        error("animegan.ingest.mode = replace"));
  }

  @Test
  void outOfRangeAndWrongTypes() {
    assertEquals("Invalid value for animegan.ingest.crop.size: 8. Allowed values: an integer from 16 to 4096",
        error("animegan.ingest.crop.size = 8"));
    assertEquals("Invalid value for animegan.ingest.crop.size: 'big'. Allowed values: an integer from 16 to 4096",
        error("animegan.ingest.crop.size = big"));
    assertEquals("Invalid value for animegan.ingest.split.test-fraction: 1.5. Allowed values: a number from 0.0 to 1.0",
        error("animegan.ingest.split.test-fraction = 1.5"));
    assertEquals("Invalid value for animegan.ingest.decode.background: 'white'. Allowed values: a colour as \"#RRGGBB\"",
        error("animegan.ingest.decode.background = white"));
    assertEquals("Invalid value for animegan.ingest.limits.allow-upscale: 'maybe'. Allowed values: true or false",
        error("animegan.ingest.limits.allow-upscale = maybe"));
  }

  @Test
  void shortSideMustCoverTheCrop() {
    assertEquals("Invalid value for animegan.ingest.resize.short-side: 128. Allowed values: an integer >= "
        + "animegan.ingest.crop.size (256)", error("animegan.ingest.resize.short-side = 128"));
  }

  @Test
  void unknownKeysAreRejectedWithTheKnownOnes() {
    assertEquals("Unknown config key animegan.ingest.crop.sise (String: 2). Known keys in animegan.ingest.crop: "
        + "count, max-per-image, mode, seed, size", error("animegan.ingest.crop.sise = 100"));
    String m = error("animegan.ingset.photos = []");
    assertEquals("Unknown config key animegan.ingset (String: 2). Known keys in animegan: export, infer, ingest, model, train, train-job, video", m);
  }

  @Test
  void everyProblemIsReportedOnItsOwnLine() {
    String m = error("animegan.ingest.crop.mode = x\nanimegan.ingest.crop.count = 0");
    assertEquals(List.of(
        "Invalid value for animegan.ingest.crop.mode: 'x'. Allowed values: center, grid, random",
        "Invalid value for animegan.ingest.crop.count: 0. Allowed values: an integer from 1 to 1000"), List.of(m.split("\n")));
  }

  @Test
  void inputsAndOutputAreRequired() {
    ConfigError e = assertThrows(ConfigError.class, () -> IngestConfig.from(ConfigLoader.load(null, ConfigFactory.empty())));
    assertEquals(List.of(
        "No input: set animegan.ingest.photos (--photos PATH) and/or animegan.ingest.anime (--anime STYLE=PATH)",
        "Missing value for animegan.ingest.output: set it in the config or with --out PATH"), e.problems());
  }

  @Test
  void styleNamesAreChecked() {
    assertEquals("Invalid anime style name 'Hayao!' in animegan.ingest.anime. Allowed values: lower case letters, "
        + "digits, '-' and '_', starting with a letter or digit; \"photo\" is reserved",
        error("animegan.ingest.anime { \"Hayao!\" = [\"/a\"] }"));
    assertEquals("Anime style 'hayao' in animegan.ingest.anime has no paths", error("animegan.ingest.anime { hayao = [] }"));
  }

  @Test
  void precedenceIsFlagsThenFileThenReference(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("job.conf");
    Files.writeString(file, BASE + "animegan.ingest.crop { size = 128, mode = grid }\nanimegan.ingest.resize.short-side = 300\n");
    Config flags = ConfigLoader.parseSetting("ingest.crop.size=64")
        .withFallback(ConfigLoader.parseSetting("animegan.ingest.photos=[\"/a\", \"/b\"]"));
    IngestConfig c = IngestConfig.from(ConfigLoader.load(file.toString(), flags));
    assertEquals(64, c.tiles().cropSize(), "flag beats file");
    assertEquals(CropMode.GRID, c.tiles().cropMode(), "file beats reference");
    assertEquals(300, c.tiles().shortSide());
    assertEquals(CropMode.GRID, c.tiles().cropMode());
    assertEquals(List.of("/a", "/b"), c.photos());
    assertEquals("#000000 stays a string", "#000000 stays a string",
        ConfigLoader.parseSetting("ingest.decode.background=#000000 stays a string")
            .getString("animegan.ingest.decode.background"));
  }

  @Test
  void missingOrBrokenConfigFile(@TempDir Path dir) throws IOException {
    assertEquals("Config file not found: /no/such.conf (--config)",
        assertThrows(ConfigError.class, () -> ConfigLoader.load("/no/such.conf", ConfigFactory.empty())).getMessage());
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "animegan { ingest { ");
    String m = assertThrows(ConfigError.class, () -> ConfigLoader.load(bad.toString(), ConfigFactory.empty())).getMessage();
    assertEquals("Cannot parse config file " + bad + ": " + bad + ": 1: expecting a close parentheses ')' here, not: end of file",
        m);
  }

  @Test
  void badSetSyntax() {
    assertEquals("Invalid --set 'crop.size': expected key=value, e.g. --set animegan.ingest.crop.mode=grid",
        assertThrows(ConfigError.class, () -> ConfigLoader.parseSetting("crop.size")).getMessage());
  }
}
