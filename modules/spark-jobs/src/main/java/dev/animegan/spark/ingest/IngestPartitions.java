package dev.animegan.spark.ingest;

import dev.animegan.core.image.RejectReason;
import dev.animegan.core.ingest.ContentHash;
import dev.animegan.core.ingest.TileMaker;
import dev.animegan.core.ingest.TileSettings;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.SerializableHadoopConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The executor side of the ingest job: functions over partitions of (path, length, domain, style) rows. */
final class IngestPartitions {
  private static final Logger LOG = LoggerFactory.getLogger(IngestPartitions.class);

  private IngestPartitions() {}

  static String key(String domain, String style, String path) {
    return domain + '\u0000' + style + '\u0000' + path;
  }

  /** (domain, style, path, sha256 or null when unreadable or over the size limit) for every file. */
  static final class Hash implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<SerializableHadoopConf> conf;
    private final long maxBytes;

    Hash(Broadcast<SerializableHadoopConf> conf, long maxBytes) {
      this.conf = conf;
      this.maxBytes = maxBytes;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> files) {
      Configuration hconf = conf.value().get();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return files.hasNext();
        }

        @Override
        public Row next() {
          Row f = files.next();
          String path = f.getString(0);
          String hash = null;
          try {
            if (HadoopFiles.length(path, hconf) <= maxBytes) {
              hash = ContentHash.sha256Hex(HadoopFiles.readAll(path, hconf, maxBytes));
            }
          } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read {} for hashing: {}", path, e.toString());
          }
          return RowFactory.create(f.getString(1), f.getString(2), path, hash);
        }
      };
    }
  }

  /** Rows of {@link IngestSchemas#OUTCOME}: a status row per file, then a row per tile. */
  static final class Process implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<SerializableHadoopConf> conf;
    private final TileSettings settings;
    private final long maxBytes;
    private final double testFraction;
    private final Broadcast<Set<String>> duplicates;

    Process(Broadcast<SerializableHadoopConf> conf, TileSettings settings, long maxBytes, double testFraction,
        Broadcast<Set<String>> duplicates) {
      this.conf = conf;
      this.settings = settings;
      this.maxBytes = maxBytes;
      this.testFraction = testFraction;
      this.duplicates = duplicates;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> files) {
      Configuration hconf = conf.value().get();
      Set<String> dupes = duplicates.value();
      TileMaker maker = new TileMaker(settings);
      ArrayDeque<Row> pending = new ArrayDeque<>();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          while (pending.isEmpty() && files.hasNext()) {
            process(files.next(), hconf, dupes, maker, pending);
          }
          return !pending.isEmpty();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return pending.poll();
        }
      };
    }

    private void process(Row f, Configuration hconf, Set<String> dupes, TileMaker maker, ArrayDeque<Row> out) {
      String path = f.getString(0);
      String domain = f.getString(1);
      String style = f.getString(2);
      long length;
      try {
        length = HadoopFiles.length(path, hconf);
      } catch (FileNotFoundException e) {
        out.add(status(IngestSchemas.REJECTED, domain, style, path, -1, null, null, RejectReason.READ_ERROR,
            "file disappeared before it could be read: " + e.getMessage()));
        return;
      } catch (IOException | RuntimeException e) {
        out.add(status(IngestSchemas.REJECTED, domain, style, path, -1, null, null, RejectReason.READ_ERROR,
            "cannot stat file: " + e));
        return;
      }
      if (dupes.contains(key(domain, style, path))) {
        out.add(status(IngestSchemas.DUPLICATE, domain, style, path, length, null, null, null, null));
        return;
      }
      if (length > maxBytes) {
        out.add(status(IngestSchemas.REJECTED, domain, style, path, length, null, null, RejectReason.TOO_LARGE,
            String.format(Locale.ROOT, "file is %.1f MiB, over the limit of %.1f MiB (animegan.ingest.limits.max-file-bytes)",
                length / 1048576.0, maxBytes / 1048576.0)));
        return;
      }
      byte[] bytes;
      try {
        bytes = HadoopFiles.readAll(path, hconf, maxBytes);
      } catch (FileNotFoundException e) {
        out.add(status(IngestSchemas.REJECTED, domain, style, path, length, null, null, RejectReason.READ_ERROR,
            "file disappeared before it could be read: " + e.getMessage()));
        return;
      } catch (IOException | RuntimeException e) {
        out.add(status(IngestSchemas.REJECTED, domain, style, path, length, null, null, RejectReason.READ_ERROR,
            "cannot read file: " + e));
        return;
      }
      String hash = ContentHash.sha256Hex(bytes);
      TileMaker.Outcome outcome;
      try {
        outcome = maker.make(bytes, hash, "anime".equals(domain));
      } catch (OutOfMemoryError e) {
        bytes = null;
        System.gc();
        outcome = new TileMaker.Rejected(RejectReason.OUT_OF_MEMORY, "out of memory while decoding (" + e.getMessage()
            + "); give executors more heap (spark.executor.memory) or lower animegan.ingest.limits.max-pixels");
      } catch (RuntimeException e) {
        // A decoder bug on a hostile file must not fail the job: quarantine the file instead.
        LOG.warn("unexpected error processing {}", path, e);
        outcome = new TileMaker.Rejected(RejectReason.CORRUPT, "unexpected error while decoding: " + e);
      }
      if (outcome instanceof TileMaker.Rejected r) {
        out.add(status(IngestSchemas.REJECTED, domain, style, path, length, hash, null, r.reason(), r.message()));
        return;
      }
      TileMaker.Accepted a = (TileMaker.Accepted) outcome;
      String split = ContentHash.split(hash, testFraction);
      out.add(RowFactory.create(IngestSchemas.ACCEPTED, domain, style, path, length, hash, split, a.format().code(),
          a.sourceWidth(), a.sourceHeight(), a.resizedWidth(), a.resizedHeight(), null, null,
          null, null, null, null, null, null, null, null));
      for (TileMaker.Tile t : a.tiles()) {
        out.add(RowFactory.create(IngestSchemas.TILE, domain, style, path, length, hash, split, a.format().code(),
            a.sourceWidth(), a.sourceHeight(), a.resizedWidth(), a.resizedHeight(), null, null,
            hash.substring(0, 16) + "-" + t.box().index(), t.box().index(), t.box().x(), t.box().y(), t.box().size(),
            t.imagePng(), t.grayPng(), t.smoothPng()));
      }
    }

    private static Row status(String kind, String domain, String style, String path, long length, String hash,
        String split, RejectReason reason, String message) {
      return RowFactory.create(kind, domain, style, path, length, hash, split, null, null, null, null, null,
          reason == null ? null : reason.code(), message, null, null, null, null, null, null, null, null);
    }
  }
}
