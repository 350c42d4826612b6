package dev.animegan.spark.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Writes N distinct, realistic photos for benchmarks at scale ({@code jobs/bench.sh ingest
 * --generate N}): each derived from one of the source photos by a random crop (60-100% of each
 * side), a scale to 1.0-1.6 MP, colour jitter (gain, offset and saturation per image) and a
 * random mirror, saved as JPEG at quality 85-95, 100 per folder in a nested layout. Deterministic
 * for a given seed and source set.
 */
public final class GeneratePhotos {
  private GeneratePhotos() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: GeneratePhotos SOURCE_DIR OUT_DIR N [SEED]");
      System.exit(2);
    }
    int n = Integer.parseInt(args[2]);
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
    int written = generate(Path.of(args[0]), Path.of(args[1]), n, seed, Runtime.getRuntime().availableProcessors());
    System.err.println("animegan bench: wrote " + written + " photos under " + args[1]);
  }

  /** Generates {@code n} photos under {@code out}; returns how many were written. */
  public static int generate(Path sources, Path out, int n, long seed, int threads) throws Exception {
    List<byte[]> src = new ArrayList<>();
    try (Stream<Path> s = Files.walk(sources)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile).sorted()::iterator) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png")) {
          src.add(Files.readAllBytes(p));
        }
      }
    }
    if (src.isEmpty()) {
      throw new IOException("no JPEG or PNG photos under " + sources);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        jobs.add(pool.submit(() -> {
          write(src.get(index % src.size()), out, index, seed);
          return null;
        }));
      }
      for (Future<?> f : jobs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return n;
  }

  private static void write(byte[] source, Path out, int index, long seed) throws IOException {
    Random r = new Random(seed * 1_000_003L + index);
    try (BytePointer in = new BytePointer(source); Mat buf = new Mat(1, source.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, in);
        Mat img = imdecode(buf, IMREAD_COLOR)) {
      int w = img.cols();
      int h = img.rows();
      int cw = (int) (w * (0.6 + 0.4 * r.nextDouble()));
      int ch = (int) (h * (0.6 + 0.4 * r.nextDouble()));
      int x = r.nextInt(w - cw + 1);
      int y = r.nextInt(h - ch + 1);
      double megapixels = 1.0 + 0.6 * r.nextDouble();
      double scale = Math.sqrt(megapixels * 1e6 / ((double) cw * ch));
      int ow = Math.max(64, (int) Math.round(cw * scale));
      int oh = Math.max(64, (int) Math.round(ch * scale));
      try (Mat crop = new Mat(img, new Rect(x, y, cw, ch)); Mat scaled = new Mat()) {
        resize(crop, scaled, new Size(ow, oh), 0, 0, INTER_AREA);
        jitter(scaled, r);
        if (r.nextBoolean()) {
          flip(scaled, scaled, 1);
        }
        try (BytePointer jpg = new BytePointer()) {
          imencode(".jpg", scaled, jpg, new IntPointer(IMWRITE_JPEG_QUALITY, 85 + r.nextInt(11)));
          byte[] bytes = new byte[(int) jpg.limit()];
          jpg.get(bytes);
          Path file = out.resolve(String.format(Locale.ROOT, "%03d/%02d/IMG_%06d.jpg", index / 10_000, index / 100 % 100,
              index));
          Files.createDirectories(file.getParent());
          Files.write(file, bytes);
        }
      }
    }
  }

  /** Per-image gain and offset per channel, and a saturation change, in place (8-bit BGR). */
  private static void jitter(Mat m, Random r) {
    if (m.type() != CV_8UC3) {
      return;
    }
    double[] gain = new double[3];
    double[] offset = new double[3];
    for (int c = 0; c < 3; c++) {
      gain[c] = 0.9 + 0.2 * r.nextDouble();
      offset[c] = -12 + 24 * r.nextDouble();
    }
    double sat = 0.85 + 0.3 * r.nextDouble();
    int n = m.rows() * m.cols() * 3;
    byte[] px = new byte[n];
    m.data().get(px);
    for (int i = 0; i < n; i += 3) {
      double b = px[i] & 0xFF;
      double g = px[i + 1] & 0xFF;
      double rr = px[i + 2] & 0xFF;
      double gray = 0.114 * b + 0.587 * g + 0.299 * rr;
      b = gray + (b - gray) * sat;
      g = gray + (g - gray) * sat;
      rr = gray + (rr - gray) * sat;
      px[i] = clamp(b * gain[0] + offset[0]);
      px[i + 1] = clamp(g * gain[1] + offset[1]);
      px[i + 2] = clamp(rr * gain[2] + offset[2]);
    }
    m.data().put(px);
  }

  private static byte clamp(double v) {
    long i = Math.round(v);
    return (byte) (i < 0 ? 0 : Math.min(i, 255));
  }
}
