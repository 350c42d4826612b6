package dev.animegan.spark.ingest;

import dev.animegan.core.image.RejectReason;
import dev.animegan.core.ingest.ContentHash;
import dev.animegan.core.ingest.TileMaker;
import dev.animegan.core.ingest.TileSettings;
import dev.animegan.core.memory.OutOfMemory;
import dev.animegan.spark.common.FilePaths;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.ReportAccumulator;
import dev.animegan.spark.common.SerializableHadoopConf;
import dev.animegan.spark.common.TableOutput;
import dev.animegan.spark.ingest.IngestPlan.FileTask;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor side of the ingest job: each task reads each of its files once, hashes the bytes,
 * skips content already ingested (append mode) or already seen in the task, decodes the rest into
 * tile rows, and reports every file's outcome to the driver through an {@link IngestReport}.
 */
final class IngestPartitions {
  private static final Logger LOG = LoggerFactory.getLogger(IngestPartitions.class);

  private IngestPartitions() {}

  /**
   * Content the output already holds (append mode): keys of {@link #tileKey} and {@link #unreadKey}.
   * (A class, not a record: Spark's Kryo cannot serialise records.)
   */
  static final class Existing implements Serializable {
    private final HashSet<String> keys;

    Existing(Set<String> keys) {
      this.keys = new HashSet<>(keys);
    }

    boolean has(String key) {
      return keys.contains(key);
    }

    int size() {
      return keys.size();
    }
  }

  /** A file whose bytes were read: its content in a domain/style. */
  static String tileKey(String domain, String style, String hash) {
    return domain + '\u0000' + style + '\u0000' + hash;
  }

  /** A file rejected without its bytes being read: its path and reason in a domain/style. */
  static String unreadKey(String domain, String style, String path, String reason) {
    return domain + '\u0000' + style + '\u0000' + path + '\u0000' + reason;
  }

  /**
   * One task: its files' tile rows ({@link IngestTables#TILES}) written through {@code output},
   * and its report (with the files written) to {@code ledger} once every file is done.
   */
  static final class Process implements VoidFunction<Iterator<List<FileTask>>> {
    private final Broadcast<SerializableHadoopConf> conf;
    private final TileSettings settings;
    private final long maxBytes;
    private final double testFraction;
    private final String runId;
    private final Broadcast<Existing> existing;
    private final TableOutput output;
    private final ReportAccumulator<IngestReport> ledger;

    Process(Broadcast<SerializableHadoopConf> conf, TileSettings settings, long maxBytes, double testFraction,
        String runId, Broadcast<Existing> existing, TableOutput output, ReportAccumulator<IngestReport> ledger) {
      this.conf = conf;
      this.settings = settings;
      this.maxBytes = maxBytes;
      this.testFraction = testFraction;
      this.runId = runId;
      this.existing = existing;
      this.output = output;
      this.ledger = ledger;
    }

    @Override
    public void call(Iterator<List<FileTask>> tasks) throws IOException {
      Configuration hconf = conf.value().get();
      Existing have = existing.value();
      TileMaker maker = new TileMaker(settings);
      IngestReport report = new IngestReport();
      Map<String, String> firstByContent = new HashMap<>();
      ArrayDeque<Row> rows = new ArrayDeque<>();
      try (TableOutput.Writer tiles = output.openForTask(hconf)) {
        while (tasks.hasNext()) {
          for (FileTask f : tasks.next()) {
            process(f, hconf, have, maker, firstByContent, report, rows);
            while (!rows.isEmpty()) {
              tiles.write(rows.poll());
            }
          }
        }
        report.tiles.add(tiles.finish());
      }
      ledger.add(report);
    }

    private void process(FileTask f, Configuration hconf, Existing have, TileMaker maker,
        Map<String, String> firstByContent, IngestReport report, ArrayDeque<Row> out) {
      String domain = f.domain();
      String style = f.style();
      String path = FilePaths.display(f.uri());
      IngestReport.Counts counts = report.counts(domain, style);
      counts.read++;
      if (f.length() > maxBytes) {
        rejectUnread(report, counts, have, f, path, f.length(), RejectReason.TOO_LARGE, tooLarge(f.length()));
        return;
      }
      byte[] bytes;
      try {
        bytes = read(FilePaths.path(f.uri()), f.length(), hconf);
      } catch (FileNotFoundException e) {
        rejectUnread(report, counts, have, f, path, -1, RejectReason.READ_ERROR,
            "file disappeared before it could be read: " + e.getMessage());
        return;
      } catch (IOException | RuntimeException e) {
        rejectUnread(report, counts, have, f, path, -1, RejectReason.READ_ERROR, "cannot read file: " + e);
        return;
      }
      if (bytes.length > maxBytes) {
        rejectUnread(report, counts, have, f, path, bytes.length, RejectReason.TOO_LARGE, tooLarge(bytes.length));
        return;
      }
      String hash = ContentHash.sha256Hex(bytes);
      if (have.has(tileKey(domain, style, hash))) {
        counts.alreadyPresent++;
        return;
      }
      String first = firstByContent.putIfAbsent(tileKey(domain, style, hash), path);
      if (first != null) {
        counts.duplicates++;
        report.duplicates.add(new IngestReport.Duplicate(path, domain, style, hash, first));
        return;
      }
      TileMaker.Outcome outcome;
      try {
        byte[] content = bytes;
        outcome = OutOfMemory.retryOnce(() -> maker.make(content, hash, "anime".equals(domain)), System::gc);
      } catch (OutOfMemoryError e) {
        bytes = null;
        outcome = new TileMaker.Rejected(RejectReason.OUT_OF_MEMORY, "out of memory while decoding (" + e.getMessage()
            + "); give executors more heap (spark.executor.memory) or lower animegan.ingest.limits.max-pixels");
      } catch (RuntimeException e) {
        // A decoder bug on a hostile file must not fail the job: quarantine the file instead.
        LOG.warn("unexpected error processing {}", path, e);
        outcome = new TileMaker.Rejected(RejectReason.CORRUPT, "unexpected error while decoding: " + e);
      }
      long length = bytes == null ? f.length() : bytes.length;
      if (outcome instanceof TileMaker.Rejected r) {
        counts.rejected++;
        counts.rejectedByReason.merge(r.reason().code(), 1L, Long::sum);
        report.rejected.add(new IngestReport.Rejected(path, domain, style, length, hash, r.reason().code(), r.message()));
        return;
      }
      TileMaker.Accepted a = (TileMaker.Accepted) outcome;
      String split = ContentHash.split(hash, testFraction);
      boolean test = "test".equals(split);
      counts.accepted++;
      counts.pixels += (long) a.sourceWidth() * a.sourceHeight();
      if (test) {
        counts.testFiles++;
        counts.testTiles += a.tiles().size();
      } else {
        counts.trainFiles++;
        counts.trainTiles += a.tiles().size();
      }
      for (TileMaker.Tile t : a.tiles()) {
        out.add(IngestTables.TILES.row()
            .set("id", hash.substring(0, 16) + "-" + t.box().index())
            .set("run_id", runId)
            .set("source_path", path)
            .set("source_hash", hash)
            .set("source_format", a.format().code())
            .set("source_width", a.sourceWidth())
            .set("source_height", a.sourceHeight())
            .set("resized_width", a.resizedWidth())
            .set("resized_height", a.resizedHeight())
            .set("crop_index", t.box().index())
            .set("crop_x", t.box().x())
            .set("crop_y", t.box().y())
            .set("crop_size", t.box().size())
            .set("split", split)
            .set("image", t.imagePng())
            .set("gray", t.grayPng())
            .set("smooth", t.smoothPng())
            .set("domain", domain)
            .set("style", style)
            .build());
      }
    }

    private String tooLarge(long length) {
      return String.format(Locale.ROOT,
          "file is %.1f MiB, over the limit of %.1f MiB (animegan.ingest.limits.max-file-bytes)",
          length / 1048576.0, maxBytes / 1048576.0);
    }

    private static void rejectUnread(IngestReport report, IngestReport.Counts counts, Existing have, FileTask f,
        String path, long length, RejectReason reason, String message) {
      if (have.has(unreadKey(f.domain(), f.style(), path, reason.code()))) {
        counts.alreadyPresent++;
        return;
      }
      counts.rejected++;
      counts.rejectedByReason.merge(reason.code(), 1L, Long::sum);
      report.rejected.add(new IngestReport.Rejected(path, f.domain(), f.style(), length, null, reason.code(), message));
    }

    /**
     * The whole file, read once; at most {@code maxBytes + 1} bytes (the caller rejects more). The
     * listed length sizes the buffer, so a file of the listed size is read straight into its array
     * (measured: a tenth of the task time went to growing and copying chunk buffers before); a file
     * that changed size since the listing is still read to its end.
     */
    private byte[] read(Path p, long listedLength, Configuration hconf) throws IOException {
      FileSystem fs = HadoopFiles.dataFs(p, hconf);
      int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1);
      try (InputStream in = fs.open(p)) {
        int expected = (int) Math.max(0, Math.min(listedLength, limit));
        byte[] head = new byte[expected];
        int n = in.readNBytes(head, 0, expected);
        if (n < expected) {
          return java.util.Arrays.copyOf(head, n);
        }
        int next = n == limit ? -1 : in.read();
        if (next < 0) {
          return head;
        }
        byte[] rest = in.readNBytes(limit - n - 1);
        byte[] all = java.util.Arrays.copyOf(head, n + 1 + rest.length);
        all[n] = (byte) next;
        System.arraycopy(rest, 0, all, n + 1, rest.length);
        return all;
      }
    }
  }
}
