package dev.animegan.spark.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.spark.testing.SparkTestSession;
import java.time.Instant;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The job-group wrapper: named groups, cleared afterwards; progress counts only the run's own tasks. */
class JobRunTest {
  @Test
  void stepsRunInTheirOwnJobGroupWhichIsClearedAfterwards() throws Exception {
    SparkSession spark = SparkTestSession.get();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ProgressListener own;
    try (JobRun run = JobRun.start(spark, "test", LoggerFactory.getLogger(JobRunTest.class))) {
      assertTrue(run.runId().matches("\\d{8}T\\d{6}Z-[0-9a-f]{4}"), run.runId());
      String group = run.step("count", "counting", () -> {
        jsc.parallelize(List.of(1, 2, 3, 4), 4).count();
        return spark.sparkContext().getLocalProperty("spark.jobGroup.id");
      });
      assertEquals("animegan-test-count", group);
      assertNull(spark.sparkContext().getLocalProperty("spark.jobGroup.id"), "cleared after the step");
    }
    // a listener for one run ignores other jobs' tasks
    own = new ProgressListener(LoggerFactory.getLogger(JobRunTest.class), "animegan-mine-", 1_000_000);
    spark.sparkContext().addSparkListener(own);
    try {
      own.phase("mine");
      jsc.parallelize(List.of(1, 2, 3), 3).count(); // no group: not ours
      spark.sparkContext().setJobGroup("animegan-mine-x", "mine", false);
      jsc.parallelize(List.of(1, 2), 2).count();
      spark.sparkContext().clearJobGroup();
      long deadline = System.currentTimeMillis() + 10_000;
      while (own.tasksDone() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20); // the listener bus is asynchronous
      }
      Thread.sleep(200);
      assertEquals(2, own.tasksDone());
    } finally {
      spark.sparkContext().removeSparkListener(own);
    }
    assertTrue(JobRun.newRunId(Instant.parse("2026-12-02T03:04:05Z")).startsWith("20261202T030405Z-"));
  }
}
