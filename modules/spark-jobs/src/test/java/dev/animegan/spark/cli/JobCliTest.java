package dev.animegan.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.animegan.core.config.IngestConfig;
import dev.animegan.spark.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class JobCliTest {
  private static final JobCli.Spec SPEC = new JobCli.Spec("ingest", "jobs/ingest.sh", "--out PATH", "Test job.",
      List.of(
          new JobCli.Flag("--photos", "PATH[,PATH]", JobCli.Kind.LIST, "animegan.ingest.photos", "photos"),
          new JobCli.Flag("--anime", "STYLE=PATH[,PATH]", JobCli.Kind.NAMED_LIST, "animegan.ingest.anime", "anime"),
          new JobCli.Flag("--out", "PATH", JobCli.Kind.VALUE, "animegan.ingest.output", "output"),
          new JobCli.Flag("--fast", "", JobCli.Kind.SWITCH, "animegan.ingest.fast", "a switch")));

  private record Run(int code, String out, String err) {}

  private static Run run(JobCli.Body<IngestConfig, String> body, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Function<Config, IngestConfig> validate = IngestConfig::from;
    int code = JobCli.execute(SPEC, args, validate, body, SparkTestSession::get, false,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run run(String... args) {
    return run((spark, cfg) -> "ran with " + cfg.photos() + " " + cfg.anime() + " -> " + cfg.output(), args);
  }

  @Test
  void flagsMapToConfigKeys() {
    JobCli.Parsed p = JobCli.parse(SPEC, new String[] {
        "--photos", "/a,/b", "--photos=/c", "--anime", "hayao=/h1,/h2", "--anime", "shinkai=/s", "--out", "/o",
        "--set", "ingest.crop.mode=grid", "--config", "x.conf", "--verbose"});
    Config c = p.overrides();
    assertEquals(List.of("/a", "/b", "/c"), c.getStringList("animegan.ingest.photos"));
    assertEquals(List.of("/h1", "/h2"), c.getStringList("animegan.ingest.anime.hayao"));
    assertEquals(List.of("/s"), c.getStringList("animegan.ingest.anime.shinkai"));
    assertEquals("/o", c.getString("animegan.ingest.output"));
    assertEquals("grid", c.getString("animegan.ingest.crop.mode"));
    assertEquals("x.conf", p.configFile());
    assertTrue(p.verbose());
  }

  @Test
  void switchesTakeNoValue() {
    assertTrue(JobCli.parse(SPEC, new String[] {"--fast", "--out", "/o"}).overrides().getBoolean("animegan.ingest.fast"));
    assertEquals(false, JobCli.parse(SPEC, new String[] {"--fast=false"}).overrides().getBoolean("animegan.ingest.fast"));
    assertEquals("option --fast takes no value (or =true / =false), got 'yes'",
        assertThrows(UsageError.class, () -> JobCli.parse(SPEC, new String[] {"--fast=yes"})).getMessage());
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    Run r = run("--help");
    assertEquals(JobCli.OK, r.code());
    assertTrue(r.out().startsWith("Usage: jobs/ingest.sh --out PATH\n\nTest job.\n\nJob options:\n"), r.out());
    assertTrue(r.out().contains("  --photos PATH[,PATH]         photos (animegan.ingest.photos)\n"), r.out());
    assertTrue(r.out().contains("  --fast                       a switch (animegan.ingest.fast)\n"), r.out());
    assertTrue(r.out().contains("Exit codes: 0 success, 1 job failure, 2 usage or configuration error."));
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    Run r = run("--photoz", "/a");
    assertEquals(JobCli.USAGE, r.code());
    assertEquals("animegan ingest: error: unknown option --photoz\nRun jobs/ingest.sh --help for usage.\n", r.err());
    assertEquals("animegan ingest: error: option --out needs a value\nRun jobs/ingest.sh --help for usage.\n",
        run("--photos", "/a", "--out").err());
    assertEquals("animegan ingest: error: option --anime takes NAME=PATH[,PATH], got 'hayao'\n"
        + "Run jobs/ingest.sh --help for usage.\n", run("--anime", "hayao").err());
    assertEquals("animegan ingest: error: unexpected argument 'stray'\nRun jobs/ingest.sh --help for usage.\n",
        run("stray").err());
  }

  @Test
  void configErrorsExitTwoNamingTheKey() {
    Run r = run("--photos", "/a", "--out", "/o", "--set", "ingest.crop.mode=diagonal");
    assertEquals(JobCli.USAGE, r.code());
    assertEquals("animegan ingest: config error: Invalid value for animegan.ingest.crop.mode: 'diagonal'. "
        + "Allowed values: center, grid, random\n", r.err());
  }

  @Test
  void jobFailuresExitOneWithoutStackTraceUnlessVerbose() {
    JobCli.Body<IngestConfig, String> failing = (spark, cfg) -> {
      throw new IllegalStateException("disk full");
    };
    Run r = run(failing, "--photos", "/a", "--out", "/o");
    assertEquals(JobCli.JOB_FAILED, r.code());
    assertEquals("animegan ingest: job failed: disk full\nRun with --verbose for the stack trace.\n", r.err());
    Run verbose = run(failing, "--photos", "/a", "--out", "/o", "--verbose");
    assertTrue(verbose.err().contains("java.lang.IllegalStateException: disk full\n\tat "), verbose.err());
  }

  @Test
  void successExitsZero() {
    assertEquals(JobCli.OK, run("--anime", "x=/p", "--out", "/o").code());
  }

  @Test
  void unknownOptionBeatsHelpNeverCrashes() {
    assertThrows(UsageError.class, () -> JobCli.parse(SPEC, new String[] {"--out"}));
  }
}
