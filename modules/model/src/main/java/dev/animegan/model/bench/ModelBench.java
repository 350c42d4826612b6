package dev.animegan.model.bench;

import dev.animegan.model.OneDnn;
import dev.animegan.model.nets.AnimeGanV2Generator;
import dev.animegan.model.train.LossWeights;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.train.TrainerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code jobs/bench.sh model}: generator forward throughput at 256² and 512² (batch 1 and 4),
 * with and without DL4J's oneDNN helpers, one pretraining and one adversarial step (batch 4,
 * 256², full-size networks, random VGG), the machine's sgemm rate through ND4J, and peak RSS.
 * Prints one JSON object on stdout.
 */
public final class ModelBench {
  /** Multiply-adds x 2 of one 256x256 image through the AnimeGANv2 generator (issue figure). */
  static final double GFLOP_PER_256 = 52.6;

  private ModelBench() {}

  public static void main(String[] args) throws IOException {
    boolean quick = args.length > 0 && args[0].equals("--quick");
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "model");
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("sgemm_gflops", sgemm(quick ? 512 : 1024));

    System.setProperty(OneDnn.DL4J_HELPERS_DISABLE, "true");
    ComputationGraph plain = generator();
    report.put("generator_forward_256_b1_helpers_off", forward(plain, 1, 256, quick ? 1 : 3));
    plain = null;
    OneDnn.enable();
    ComputationGraph g = generator();
    for (int size : quick ? new int[] {256} : new int[] {256, 512}) {
      for (int batch : new int[] {1, 4}) {
        report.put("generator_forward_" + size + "_b" + batch, forward(g, batch, size, quick ? 1 : (size == 256 ? 6 : 3)));
      }
    }
    g = null;

    TrainerSettings s = new TrainerSettings(32, 64, 2, 1, null, true, 256, LossWeights.animeGanV1(), 1e-4, 8e-5, 1.6e-4,
        0.5, 0.999, 1);
    int tile = quick ? 128 : 256;
    Trainer t = Trainer.create(s);
    INDArray photo = Nd4j.rand(DataType.FLOAT, 4, 3, tile, tile).muli(2).subi(1);
    INDArray anime = Nd4j.rand(DataType.FLOAT, 4, 3, tile, tile).muli(2).subi(1);
    Trainer.Batch b = new Trainer.Batch(photo, anime, anime.dup(), anime.mul(0.9));
    t.pretrainStep(photo); // warm-up
    long t0 = System.nanoTime();
    t.pretrainStep(photo);
    report.put("pretrain_step_b4_" + tile + "_seconds", round((System.nanoTime() - t0) / 1e9));
    t.adversarialStep(b); // warm-up
    t0 = System.nanoTime();
    t.adversarialStep(b);
    report.put("adversarial_step_b4_" + tile + "_seconds", round((System.nanoTime() - t0) / 1e9));
    report.put("peak_rss_mb", peakRssMb());
    System.out.println(toJson(report));
  }

  private static ComputationGraph generator() {
    ComputationGraph g = new ComputationGraph(AnimeGanV2Generator.standard().graph(256, 256, DataType.FLOAT, 1));
    g.init();
    return g;
  }

  private static Map<String, Object> forward(ComputationGraph g, int batch, int size, int reps) {
    INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, size, size).muli(2).subi(1);
    g.outputSingle(false, x); // warm-up
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      g.outputSingle(false, x);
    }
    double seconds = (System.nanoTime() - t0) / 1e9 / reps;
    double imagesPerSecond = batch / seconds;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seconds_per_batch", round(seconds));
    m.put("images_per_s", round(imagesPerSecond));
    m.put("gflops", round(imagesPerSecond * GFLOP_PER_256 * (size / 256.0) * (size / 256.0)));
    return m;
  }

  private static double sgemm(int n) {
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    a.mmul(b);
    int reps = 10;
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      a.mmul(b);
    }
    return round(2.0 * n * n * n * reps / ((System.nanoTime() - t0) / 1e9) / 1e9);
  }

  private static double peakRssMb() throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
      }
    }
    return -1;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  @SuppressWarnings("unchecked")
  private static String toJson(Map<String, Object> m) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, Object> e : m.entrySet()) {
      sb.append(first ? "\n  " : ",\n  ").append('"').append(e.getKey()).append("\": ");
      Object v = e.getValue();
      if (v instanceof Map<?, ?> inner) {
        sb.append(toJson((Map<String, Object>) inner).replace("\n", "\n  "));
      } else if (v instanceof String str) {
        sb.append('"').append(str).append('"');
      } else {
        sb.append(String.format(Locale.ROOT, "%s", v));
      }
      first = false;
    }
    return sb.append("\n}").toString();
  }
}
