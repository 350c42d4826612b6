package dev.animegan.spark.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import dev.animegan.core.image.PngCodec;
import dev.animegan.core.image.Resampler;
import dev.animegan.core.image.ResizeFilter;
import dev.animegan.core.image.RgbImage;
import dev.animegan.model.ImageTensors;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.SerializableHadoopConf;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Writes one epoch's minibatches for dl4j-spark's export approach: executors decode the ingest
 * tiles and save {@code MultiDataSet}s (features: photo, gray anime, anime, smooth anime; one dummy
 * label) as files the workers load by path. Photos are shuffled per epoch; anime tiles are paired
 * with photos independently (their own shuffle, cycled when there are fewer), so the data is
 * unpaired as AnimeGAN trains. Deterministic for a given seed and epoch, so a resumed run sees the
 * same minibatches. The driver handles paths only, never pixels.
 */
final class MinibatchExport {
  private static final Logger LOG = LoggerFactory.getLogger(MinibatchExport.class);
  static final String SUCCESS = "_SUCCESS";
  /** Feature order in every exported minibatch. */
  static final int PHOTO = 0;
  static final int GRAY = 1;
  static final int ANIME = 2;
  static final int SMOOTH = 3;

  private MinibatchExport() {}

  /** A photo tile and its anime partner: index in the epoch's order and PNG bytes. A class, not a record: Kryo shuffles it. */
  private static final class Pair implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    long index;
    byte[] photo;
    byte[] anime;
    byte[] gray;
    byte[] smooth;

    Pair() {}

    Pair(long index, byte[] photo, byte[] anime, byte[] gray, byte[] smooth) {
      this.index = index;
      this.photo = photo;
      this.anime = anime;
      this.gray = gray;
      this.smooth = smooth;
    }

    long index() {
      return index;
    }
  }

  static String epochDir(String exportRoot, String phase, int epoch) {
    return exportRoot + "/" + phase + String.format(Locale.ROOT, "-epoch-%04d", epoch);
  }

  /**
   * The epoch's minibatch files (sorted), exporting them first unless a complete export exists.
   * {@code photos} ({@code nPhotos} rows) has columns id, image; {@code anime} ({@code nAnime} rows)
   * has id, image, gray, smooth.
   */
  static List<String> export(Dataset<Row> photos, long nPhotos, Dataset<Row> anime, long nAnime, int batchSize, int tileSize, long seed, int epoch,
      String dir, SerializableHadoopConf hconf, int partitions) throws IOException {
    Path root = new Path(dir);
    FileSystem fs = root.getFileSystem(hconf.get());
    Path success = new Path(root, SUCCESS);
    if (fs.exists(success)) {
      List<String> files = list(fs, root);
      LOG.info("export {}: reusing {} complete minibatches", dir, files.size());
      return files;
    }
    if (fs.exists(root)) {
      fs.delete(root, true);
    }
    JavaPairRDD<Long, Row> photoOrder = photos.orderBy(xxhash64(col("id"), lit(seed), lit(epoch)))
        .javaRDD().zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()));
    long nBatches = nPhotos / batchSize;
    if (nBatches == 0) {
      return List.of();
    }
    JavaPairRDD<Long, Row> animeOrder = anime.orderBy(xxhash64(col("id"), lit(seed), lit(epoch), lit("anime")))
        .javaRDD().zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()));
    long used = nBatches * batchSize;
    JavaPairRDD<Long, Tuple2<Long, byte[]>> byAnimeIndex = photoOrder
        .filter(t -> t._1() < used)
        .mapToPair(t -> new Tuple2<>(t._1() % nAnime, new Tuple2<>(t._1(), (byte[]) t._2().getAs("image"))));
    String dirString = root.toString();
    List<String> written = byAnimeIndex.join(animeOrder, partitions)
        .mapToPair(t -> {
          Row a = t._2()._2();
          long index = t._2()._1()._1();
          return new Tuple2<>(index / batchSize, new Pair(index, t._2()._1()._2(), (byte[]) a.getAs("image"),
              (byte[]) a.getAs("gray"), (byte[]) a.getAs("smooth")));
        })
        .groupByKey(partitions)
        .map(t -> {
          List<Pair> rows = new ArrayList<>();
          t._2().forEach(rows::add);
          rows.sort(Comparator.comparingLong(Pair::index));
          return write(rows, t._1(), tileSize, dirString, hconf);
        })
        .collect();
    try (OutputStream out = fs.create(success, true)) {
      out.write(Long.toString(written.size()).getBytes(StandardCharsets.UTF_8));
    }
    List<String> files = new ArrayList<>(written);
    files.sort(null);
    LOG.info("export {}: {} minibatches of {} ({} photo tiles, {} anime tiles, {} photo tiles left over)",
        dir, files.size(), batchSize, nPhotos, nAnime, nPhotos - used);
    return files;
  }

  private static List<String> list(FileSystem fs, Path root) throws IOException {
    List<String> files = new ArrayList<>();
    for (FileStatus s : fs.listStatus(root, p -> p.getName().endsWith(".mds"))) {
      files.add(s.getPath().toString());
    }
    files.sort(null);
    return files;
  }

  private static String write(List<Pair> rows, long batch, int tileSize, String dir, SerializableHadoopConf hconf) {
    List<RgbImage> photo = new ArrayList<>();
    List<RgbImage> anime = new ArrayList<>();
    List<RgbImage> gray = new ArrayList<>();
    List<RgbImage> smooth = new ArrayList<>();
    for (Pair p : rows) {
      photo.add(tile(p.photo, tileSize));
      anime.add(tile(p.anime, tileSize));
      gray.add(tile(p.gray, tileSize));
      smooth.add(tile(p.smooth, tileSize));
    }
    INDArray[] features = new INDArray[4];
    features[PHOTO] = ImageTensors.batch(photo);
    features[GRAY] = ImageTensors.batch(gray);
    features[ANIME] = ImageTensors.batch(anime);
    features[SMOOTH] = ImageTensors.batch(smooth);
    MultiDataSet mds = new MultiDataSet(features, new INDArray[] {Nd4j.zeros(DataType.FLOAT, rows.size(), 1)});
    String name = String.format(Locale.ROOT, "batch-%07d.mds", batch);
    Path target = new Path(dir, name);
    try {
      HadoopFiles.writeAtomically(target.getFileSystem(hconf.get()), target, ".tmp", mds::save);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write minibatch " + target, e);
    }
    return target.toString();
  }

  /** Decodes a tile; larger tiles are scaled down (area filter) to the training tile size. */
  static RgbImage tile(byte[] png, int tileSize) {
    RgbImage img = PngCodec.decode(png);
    if (img.width() == tileSize && img.height() == tileSize) {
      return img;
    }
    if (img.width() < tileSize || img.height() < tileSize) {
      throw new IllegalArgumentException("tile is " + img.width() + "x" + img.height() + ", smaller than "
          + "animegan.train.tile-size = " + tileSize);
    }
    return Resampler.resize(img, tileSize, tileSize, ResizeFilter.AREA);
  }
}
