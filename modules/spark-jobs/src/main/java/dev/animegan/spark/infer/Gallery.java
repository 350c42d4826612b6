package dev.animegan.spark.infer;

import dev.animegan.core.config.InferConfig;
import dev.animegan.core.image.ImageDecoder;
import dev.animegan.core.image.RgbImage;
import dev.animegan.spark.common.FilePaths;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.SerializableHadoopConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * {@code <out>/index.html}: a sample of inputs and their outputs side by side. Executors write
 * downscaled copies to {@code <out>/gallery/}; the driver handles only the sample's paths.
 */
final class Gallery {
  private Gallery() {}

  /**
   * Writes thumbnails and the page for {@code sample} (output name relative to images/ to input
   * URI), each file atomically; returns the page's path (or the existing page's, or null).
   */
  static String write(JavaSparkContext jsc, String out, String imagesRoot, java.util.SortedMap<String, String> sample,
      Configuration hconf) throws IOException {
    String page = out + "/index.html";
    if (sample.isEmpty()) {
      return HadoopFiles.exists(page, hconf) ? page : null;
    }
    List<Tuple2<String, String>> pairs = new ArrayList<>();
    sample.forEach((rel, input) -> pairs.add(new Tuple2<>(input, rel)));
    String galleryRoot = out + "/" + InferJob.GALLERY;
    Broadcast<SerializableHadoopConf> conf = jsc.broadcast(new SerializableHadoopConf(hconf));
    try {
      jsc.parallelize(pairs, Math.min(pairs.size(), Math.max(1, jsc.defaultParallelism()))).foreach(p -> {
        Configuration c = conf.value().get();
        String name = name(p._2());
        thumbnail(FilePaths.path(p._1()), new Path(galleryRoot, name + "-in.jpg"), c);
        thumbnail(FilePaths.child(new Path(imagesRoot), p._2()), new Path(galleryRoot, name + "-out.jpg"), c);
      });
    } finally {
      conf.destroy();
    }
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>animegan-spark: inference gallery</title>\n")
        .append("<style>body{font-family:sans-serif;margin:2em}figure{display:inline-block;margin:0 1em 1em 0}")
        .append("img{max-width:256px;max-height:256px;margin-right:4px}figcaption{font-size:12px;color:#555}</style>")
        .append("</head><body>\n<h1>Inference gallery</h1>\n<p>")
        .append(pairs.size()).append(" sample inputs (left) and their stylised outputs (right).</p>\n");
    for (Tuple2<String, String> p : pairs) {
      String name = name(p._2());
      html.append("<figure><img src=\"gallery/").append(name).append("-in.jpg\" alt=\"input\">")
          .append("<img src=\"gallery/").append(name).append("-out.jpg\" alt=\"output\">")
          .append("<figcaption>").append(escape(p._2())).append("</figcaption></figure>\n");
    }
    html.append("</body></html>\n");
    HadoopFiles.writeAtomically(page, html.toString(), hconf);
    return page;
  }

  static String name(String rel) {
    return String.format("%08x", rel.hashCode());
  }

  private static void thumbnail(Path from, Path to, Configuration c) {
    try {
      byte[] bytes;
      try (java.io.InputStream in = HadoopFiles.dataFs(from, c).open(from)) {
        bytes = in.readAllBytes();
      }
      ImageDecoder.Result d = new ImageDecoder(ImageDecoder.Options.defaults()).decode(bytes);
      if (d instanceof ImageDecoder.Decoded ok) {
        RgbImage t = InferPartitions.thumbnail(ok.image());
        InferPartitions.writeAtomically(to, InferPartitions.encode(t, InferConfig.Format.JPEG, 85), c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write gallery image " + to, e);
    }
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
