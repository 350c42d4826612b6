package dev.animegan.spark.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.TrainJobConfig;
import dev.animegan.core.image.RgbImage;
import dev.animegan.spark.ingest.IngestTables;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The training data: unpaired photo and anime tiles of the train split of the ingest job's tiles
 * table (checked against {@link IngestTables#TILES}), and the photos of the sample grids.
 */
record TrainData(String tiles, String style, Dataset<Row> photos, long nPhotos, Dataset<Row> anime, long nAnime,
    List<RgbImage> samplePhotos) {

  /** Reads and checks the data; every problem is a {@link ConfigError} naming its key. */
  static TrainData read(SparkSession spark, TrainJobConfig cfg, String style) {
    String tiles = tilesPath(cfg);
    Dataset<Row> all = IngestTables.TILES.read(spark, tiles);
    Dataset<Row> photos = all.filter(col("domain").equalTo("photo").and(col("split").equalTo("train"))).select("id", "image");
    Dataset<Row> anime = all.filter(col("domain").equalTo("anime").and(col("style").equalTo(style))
        .and(col("split").equalTo("train"))).select("id", "image", "gray", "smooth");
    Row sizes = all.filter(col("domain").equalTo("photo").or(col("style").equalTo(style))).agg(min("crop_size")).first();
    long nPhotos = photos.count();
    long nAnime = anime.count();
    int batch = cfg.train().batchSize();
    int tileSize = cfg.train().tileSize();
    if (!sizes.isNullAt(0) && sizes.getInt(0) < tileSize) {
      throw new ConfigError("Invalid value for animegan.train.tile-size: " + tileSize + ". Allowed values: at most the "
          + "smallest ingest tile in " + tiles + " (" + sizes.getInt(0) + "); ingest with a larger crop.size");
    }
    if (nAnime == 0) {
      throw new ConfigError("No anime tiles of style '" + style + "' in the train split of " + tiles
          + " (animegan.train-job.style)");
    }
    if (nPhotos < batch) {
      throw new ConfigError("Only " + nPhotos + " photo tiles in the train split of " + tiles + "; a minibatch needs "
          + batch + " (animegan.train.batch-size)");
    }
    return new TrainData(tiles, style, photos, nPhotos, anime, nAnime, samplePhotos(all, cfg.sampleCount(), tileSize));
  }

  static String tilesPath(TrainJobConfig cfg) {
    return cfg.data() + "/" + IngestTables.TILES_DIR;
  }

  /** The style to train: the configured one (must exist) or the only one in the data. */
  static String resolveStyle(TrainJobConfig cfg, Configuration hconf) throws IOException {
    String tiles = tilesPath(cfg);
    Path animeDir = new Path(tiles + "/domain=anime");
    FileSystem fs = animeDir.getFileSystem(hconf);
    if (!fs.exists(new Path(tiles))) {
      throw new ConfigError("No tiles table at " + tiles + " (animegan.train-job.data): run the ingest job first");
    }
    if (!fs.exists(new Path(tiles + "/domain=photo"))) {
      throw new ConfigError("No photo tiles in " + tiles + " (animegan.train-job.data): ingest photos with --photos");
    }
    List<String> styles = new ArrayList<>();
    if (fs.exists(animeDir)) {
      for (FileStatus s : fs.listStatus(animeDir)) {
        String n = s.getPath().getName();
        if (s.isDirectory() && n.startsWith("style=")) {
          styles.add(n.substring("style=".length()));
        }
      }
    }
    styles.sort(null);
    if (styles.isEmpty()) {
      throw new ConfigError("No anime tiles in " + tiles + " (animegan.train-job.data): ingest an anime style with --anime");
    }
    if (cfg.style().isEmpty()) {
      if (styles.size() > 1) {
        throw new ConfigError("Missing value for animegan.train-job.style: " + tiles + " holds several anime styles ("
            + String.join(", ", styles) + "); choose one with --style");
      }
      return styles.get(0);
    }
    if (!styles.contains(cfg.style())) {
      throw new ConfigError("Invalid value for animegan.train-job.style: '" + cfg.style() + "'. Allowed values: "
          + String.join(", ", styles) + " (the styles in " + tiles + ")");
    }
    return cfg.style();
  }

  /** Up to {@code n} photo tiles of the test split (the train split when the test split has none), by id. */
  private static List<RgbImage> samplePhotos(Dataset<Row> all, int n, int tileSize) {
    if (n == 0) {
      return List.of();
    }
    Dataset<Row> photos = all.filter(col("domain").equalTo("photo"));
    List<Row> rows = photos.filter(col("split").equalTo("test")).select("id", "image").orderBy("id").limit(n).collectAsList();
    if (rows.isEmpty()) {
      rows = photos.select("id", "image").orderBy("id").limit(n).collectAsList();
    }
    List<RgbImage> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(MinibatchExport.tile((byte[]) r.getAs("image"), tileSize));
    }
    return out;
  }
}
