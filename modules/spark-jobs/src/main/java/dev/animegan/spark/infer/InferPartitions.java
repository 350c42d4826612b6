package dev.animegan.spark.infer;

import dev.animegan.core.config.InferConfig;
import dev.animegan.core.image.ImageDecoder;
import dev.animegan.core.image.PlanarPixels;
import dev.animegan.core.image.PngCodec;
import dev.animegan.core.image.RejectReason;
import dev.animegan.core.image.Resampler;
import dev.animegan.core.image.ResizeFilter;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.infer.BudgetedStylizer;
import dev.animegan.core.infer.ResizePlan;
import dev.animegan.core.memory.OutOfMemory;
import dev.animegan.model.GeneratorMemory;
import dev.animegan.spark.common.FilePaths;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.ReportAccumulator;
import dev.animegan.spark.common.SerializableHadoopConf;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executor side of the inference job: for each input, skip it when its output is already complete,
 * else read, decode (the ingest job's decoder and rules), stylise (resize or tile mode) and write
 * the output through a temporary name and a rename. Outcomes go to the driver in an
 * {@link InferReport}; the function returns rows of {@link InferTables#OUTPUT} when the output kind
 * is a table, and nothing otherwise. Images never go to the driver.
 */
final class InferPartitions implements MapPartitionsFunction<Row, Row> {
  private static final Logger LOG = LoggerFactory.getLogger(InferPartitions.class);
  static final String TMP_SUFFIX = ".animegan-tmp";

  /**
   * Input rows: the file's URI (or a table row's path value), the path as the user spells it, the
   * output name relative to images/, and the bytes (table input only).
   */
  static final StructType INPUT = new StructType()
      .add("path", DataTypes.StringType, false)
      .add("display", DataTypes.StringType, false)
      .add("rel", DataTypes.StringType, false)
      .add("content", DataTypes.BinaryType, true);

  private final InferConfig cfg;
  private final Broadcast<SerializableHadoopConf> conf;
  private final String imagesRoot;
  private final String runId;
  private final org.apache.spark.util.LongAccumulator memoryRetries;
  private final ReportAccumulator<InferReport> ledger;

  InferPartitions(InferConfig cfg, Broadcast<SerializableHadoopConf> conf, String imagesRoot, String runId,
      org.apache.spark.util.LongAccumulator memoryRetries, ReportAccumulator<InferReport> ledger) {
    this.cfg = cfg;
    this.conf = conf;
    this.imagesRoot = imagesRoot;
    this.runId = runId;
    this.memoryRetries = memoryRetries;
    this.ledger = ledger;
  }

  /** The output file name for an input's relative path: same name, the format's extension appended unless present. */
  static String outputName(String rel, InferConfig.Format format) {
    String lower = rel.toLowerCase(Locale.ROOT);
    boolean has = format == InferConfig.Format.JPEG ? lower.endsWith(".jpg") || lower.endsWith(".jpeg") : lower.endsWith(".png");
    return has ? rel : rel + "." + format.extension();
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    Configuration hconf = conf.value().get();
    ImageDecoder decoder = new ImageDecoder(new ImageDecoder.Options(cfg.maxPixels(), dev.animegan.model.Stylizer.MIN_SIDE,
        cfg.background(), cfg.applyExifOrientation()));
    List<Row> out = new ArrayList<>();
    InferReport report = new InferReport(cfg.gallerySize());
    Path images = new Path(imagesRoot);
    // Resize mode: decoded images wait here until a batch of equal size is full.
    Map<String, List<Pending>> pending = new LinkedHashMap<>();
    int[] pendingCount = {0};
    ComputationGraph generator = null;
    BudgetedStylizer runner = null;
    try {
      while (rows.hasNext()) {
        Row r = rows.next();
        String source = r.getString(0);
        String path = r.getString(1);
        String rel = outputName(r.getString(2), cfg.format());
        byte[] content = r.isNullAt(3) ? null : (byte[]) r.get(3);
        Path target = FilePaths.child(images, rel);
        if (cfg.outputKind() == InferConfig.OutputKind.FILES && complete(target, hconf)) {
          report.skipped++;
          report.galleryCandidate(rel, source);
          continue;
        }
        long length = content != null ? content.length : -1;
        if (content == null) {
          try {
            Path file = FilePaths.path(source);
            FileSystem fs = HadoopFiles.dataFs(file, hconf);
            length = fs.getFileStatus(file).getLen();
            if (length > cfg.maxFileBytes()) {
              report.reject(path, length, RejectReason.TOO_LARGE.code(), String.format(Locale.ROOT,
                  "file is %.1f MiB, over the limit of %.1f MiB (animegan.infer.limits.max-file-bytes)",
                  length / 1048576.0, cfg.maxFileBytes() / 1048576.0));
              continue;
            }
            try (java.io.InputStream in = fs.open(file)) {
              content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cfg.maxFileBytes()));
            }
          } catch (FileNotFoundException e) {
            report.reject(path, length, RejectReason.READ_ERROR.code(),
                "file disappeared before it could be read: " + e.getMessage());
            continue;
          } catch (IOException | RuntimeException e) {
            report.reject(path, length, RejectReason.READ_ERROR.code(), "cannot read file: " + e);
            continue;
          }
        }
        ImageDecoder.Result decoded;
        try {
          byte[] bytes = content;
          decoded = OutOfMemory.retryOnce(() -> decoder.decode(bytes), GeneratorMemory::recover);
        } catch (OutOfMemoryError e) {
          content = null;
          decoded = new ImageDecoder.Rejected(RejectReason.OUT_OF_MEMORY, "out of memory while decoding (" + e.getMessage()
              + "); give executors more heap (spark.executor.memory) or lower animegan.infer.limits.max-pixels");
        } catch (RuntimeException e) {
          LOG.warn("unexpected error decoding {}", path, e);
          decoded = new ImageDecoder.Rejected(RejectReason.CORRUPT, "unexpected error while decoding: " + e);
        }
        if (decoded instanceof ImageDecoder.Rejected rej) {
          report.reject(path, length, rej.reason().code(), rej.message());
          continue;
        }
        RgbImage img = ((ImageDecoder.Decoded) decoded).image();
        if (runner == null) {
          generator = Generators.borrow(cfg.model(), conf.value());
          runner = runner(generator);
        }
        Pending p = new Pending(source, path, rel, length, img);
        if (cfg.mode() == InferConfig.Mode.TILE) {
          finish(p, runner.tiled(img, cfg.tileSize()), target, hconf, report, out);
        } else {
          int[] size = ResizePlan.size(img.width(), img.height(), cfg.maxLongSide(), cfg.multiple());
          p.input = size[0] == img.width() && size[1] == img.height() ? img
              : Resampler.resize(img, size[0], size[1], ResizeFilter.LANCZOS);
          String key = size[0] + "x" + size[1];
          List<Pending> group = pending.computeIfAbsent(key, k -> new ArrayList<>());
          group.add(p);
          pendingCount[0]++;
          if (group.size() >= cfg.batchSize()) {
            flush(pending.remove(key), runner, hconf, report, out);
            pendingCount[0] -= group.size();
          } else if (pendingCount[0] > 4 * cfg.batchSize()) {
            // Many different sizes: run the largest waiting group rather than hold more images.
            String biggest = pending.entrySet().stream().max((a, b) -> a.getValue().size() - b.getValue().size())
                .orElseThrow().getKey();
            List<Pending> g = pending.remove(biggest);
            flush(g, runner, hconf, report, out);
            pendingCount[0] -= g.size();
          }
        }
      }
      if (!pending.isEmpty()) {
        for (List<Pending> g : pending.values()) {
          flush(g, runner, hconf, report, out);
        }
      }
      ledger.add(report);
      return out.iterator();
    } finally {
      if (runner != null) {
        memoryRetries.add(runner.retries());
      }
      if (generator != null) {
        Generators.giveBack(cfg.model(), generator);
      }
    }
  }

  /** One decoded input waiting for its batch. */
  private static final class Pending {
    final String source;
    final String path;
    final String rel;
    final long length;
    final RgbImage original;
    RgbImage input;

    Pending(String source, String path, String rel, long length, RgbImage original) {
      this.source = source;
      this.path = path;
      this.rel = rel;
      this.length = length;
      this.original = original;
    }
  }

  private void flush(List<Pending> group, BudgetedStylizer runner, Configuration hconf, InferReport report,
      List<Row> out) {
    List<RgbImage> inputs = new ArrayList<>(group.size());
    for (Pending p : group) {
      inputs.add(p.input);
    }
    List<BudgetedStylizer.Result> styled = runner.whole(inputs);
    for (int i = 0; i < group.size(); i++) {
      Pending p = group.get(i);
      finish(p, styled.get(i), FilePaths.child(new Path(imagesRoot), p.rel), hconf, report, out);
    }
  }

  /** The per-task runner: the generator within the memory budget of this executor's task slots. */
  private BudgetedStylizer runner(ComputationGraph generator) {
    return Generators.runner(generator, cfg.memoryBudget(), cfg.batchSize(), cfg.tileSize(), cfg.tileOverlap(),
        InferConfig.SECTION + ".memory-budget");
  }

  private void finish(Pending p, BudgetedStylizer.Result result, Path target, Configuration hconf, InferReport report,
      List<Row> out) {
    if (result instanceof BudgetedStylizer.DoesNotFit d) {
      LOG.warn("{}: {}", p.path, d.message());
      report.reject(p.path, p.length, RejectReason.OUT_OF_MEMORY.code(), d.message());
      return;
    }
    RgbImage styled = ((BudgetedStylizer.Done) result).image();
    if (cfg.preserveColor()) {
      styled = dev.animegan.core.image.ColorPreservation.apply(p.input != null ? p.input : p.original, styled);
    }
    try {
      byte[] encoded = encode(styled, cfg.format(), cfg.jpegQuality());
      if (cfg.outputKind() == InferConfig.OutputKind.FILES) {
        writeAtomically(target, encoded, hconf);
        report.galleryCandidate(p.rel, p.source);
      } else {
        out.add(InferTables.OUTPUT.row().set("run_id", runId).set("path", p.path).set("output_path", p.rel)
            .set("format", cfg.format().extension()).set("width", p.original.width()).set("height", p.original.height())
            .set("output_width", styled.width()).set("output_height", styled.height()).set("image", encoded).build());
      }
      report.written++;
      report.pixels += (long) p.original.width() * p.original.height();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the output of " + p.path + " to " + target, e);
    }
  }

  /** Output exists and is not empty: it was renamed into place after a complete write. */
  static boolean complete(Path target, Configuration hconf) {
    try {
      FileSystem fs = outputFs(target, hconf);
      return fs.exists(target) && fs.getFileStatus(target).getLen() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Writes through a fixed temporary sibling and a rename: a killed write leaves only the temporary file, which a rerun replaces. */
  static void writeAtomically(Path target, byte[] bytes, Configuration hconf) throws IOException {
    HadoopFiles.writeAtomically(outputFs(target, hconf), target, TMP_SUFFIX, out -> out.write(bytes));
  }

  /** The file system for output images: on the local file system without Hadoop's .crc side files. */
  static FileSystem outputFs(Path target, Configuration hconf) throws IOException {
    return HadoopFiles.dataFs(target, hconf);
  }

  static byte[] encode(RgbImage img, InferConfig.Format format, int quality) throws IOException {
    if (format == InferConfig.Format.PNG) {
      return PngCodec.encode(img, 6);
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(ios);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality / 100f);
      writer.write(null, new IIOImage(img.toBufferedImage(), null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  static RgbImage thumbnail(RgbImage img) {
    int longSide = Math.max(img.width(), img.height());
    if (longSide <= 256) {
      return img;
    }
    double s = 256.0 / longSide;
    return Resampler.resize(img, Math.max(1, (int) Math.round(img.width() * s)), Math.max(1, (int) Math.round(img.height() * s)),
        ResizeFilter.AREA);
  }
}
