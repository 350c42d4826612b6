package dev.animegan.spark.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.VideoConfig;
import dev.animegan.core.testing.TestClips;
import dev.animegan.core.video.VideoInfo;
import dev.animegan.core.video.VideoProbe;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.spark.testing.MiniHdfs;
import dev.animegan.spark.testing.SparkTestSession;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The video job with its model, inputs and outputs on HDFS (an in-process MiniDFSCluster). */
class VideoHdfsTest {
  @TempDir
  static Path dir;
  @org.junit.jupiter.api.extension.RegisterExtension
  static final MiniHdfs.PerClass HDFS = new MiniHdfs.PerClass();

  @Test
  void videosOnHdfsAreStylisedToHdfs() throws Exception {
    SparkSession spark = SparkTestSession.get();
    FileSystem fs = HDFS.fileSystem();
    Path clip = TestClips.write(dir.resolve("clip.mp4"), TestClips.mp4(96, 64, 2.0));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(clip.toUri()), new org.apache.hadoop.fs.Path(HDFS.uri()
        + "/footage/day 1/clip one.mp4"));
    Path model = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.random(4, 3), model.toFile(), false);
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(model.toUri()), new org.apache.hadoop.fs.Path(HDFS.uri() + "/models/g.zip"));
    String hocon = "animegan.video { model = \"" + HDFS.uri() + "/models/g.zip\", input = [\"" + HDFS.uri() + "/footage\"], output = \""
        + HDFS.uri() + "/styled\", resize.max-long-side = 64, segment-seconds = 0.9, encoder.preset = ultrafast }";
    VideoResult r = VideoJob.run(spark, VideoConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(hocon))));
    assertEquals(1, r.written());
    assertEquals(50, r.frames());
    assertEquals(3, r.segments());
    Path back = dir.resolve("back.mp4");
    fs.copyToLocalFile(new org.apache.hadoop.fs.Path(HDFS.uri() + "/styled/videos/day 1/clip one.mp4"),
        new org.apache.hadoop.fs.Path(back.toUri()));
    VideoInfo v = VideoProbe.probe(back, 1000);
    assertEquals(50, v.frames());
    assertEquals(1, v.audioStreams());
    org.apache.hadoop.fs.Path segments = new org.apache.hadoop.fs.Path(HDFS.uri() + "/styled/_segments");
    int left = 0;
    if (fs.exists(segments)) {
      for (var it = fs.listFiles(segments, true); it.hasNext(); it.next()) {
        left++;
      }
    }
    assertEquals(0, left, "no segment files left after the join");
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(HDFS.uri() + "/styled/videos/day 1/.clip one.mp4.animegan-tmp")));
  }
}
