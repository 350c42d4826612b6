package dev.animegan.model.bench;

import dev.animegan.model.GeneratorGraphs;
import dev.animegan.model.engine.Engine;
import dev.animegan.model.engine.GeneratorNet;
import dev.animegan.model.engine.OpTimer;
import dev.animegan.model.train.LossWeights;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.train.TrainerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code jobs/bench.sh model}: generator forward passes (256² and 512², batch 1 and 4) through the
 * inference graph, and pretraining and adversarial steps (batch 4, 256², full-size networks, random
 * VGG19) through the {@link Trainer} the jobs use; every figure is the median of at least 3 timed
 * runs after a warm-up. Also the machine's sgemm rate through ND4J and the process's peak RSS.
 * {@code --profile} adds a per-layer breakdown (engine timers) of one forward pass and one training
 * step of each kind. Prints one JSON object on stdout.
 */
public final class ModelBench {
  /** Multiply-adds x 2 of one 256x256 image through the AnimeGANv2 generator. */
  static final double GFLOP_PER_256 = 52.6;

  private ModelBench() {}

  public static void main(String[] args) throws IOException {
    List<String> a = Arrays.asList(args);
    boolean quick = a.contains("--quick");
    boolean profile = a.contains("--profile");
    int reps = Math.max(3, intArg(a, "--steps", 3));
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "model");
    report.put("side", "animegan-spark");
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("kernels", Engine.current().kernels().name());
    report.put("sgemm_gflops", sgemm(quick ? 512 : 1024));

    Nd4j.getRandom().setSeed(1);
    ComputationGraph g = GeneratorGraphs.fromParams(randomGenerator());
    for (int size : quick ? new int[] {256} : new int[] {256, 512}) {
      for (int batch : new int[] {1, 4}) {
        report.put("generator_forward_" + size + "_b" + batch, forward(g, batch, size, quick ? 3 : (size == 256 ? 6 : 3)));
      }
    }
    if (profile) {
      report.put("profile_generator_forward_256_b1", profiled(() -> g.outputSingle(false, images(1, 256))));
    }
    if (!quick) {
      report.put("generator_forward_1024_b1", inferenceMemory(g, 1024));
    }
    if (a.contains("--inference-memory-only")) {
      System.out.println(toJson(report));
      return;
    }
    Trainer.releaseCaches();

    TrainerSettings s = new TrainerSettings(32, 64, 2, 1, null, true, 256, LossWeights.animeGanV1(), 1e-4, 8e-5, 1.6e-4,
        0.5, 0.999, 1);
    int tile = quick ? 128 : 256;
    Trainer t = Trainer.create(s);
    INDArray photo = images(4, tile);
    INDArray anime = images(4, tile);
    Trainer.Batch b = new Trainer.Batch(photo, anime, anime.dup(), anime.mul(0.9));
    List<Double> pre = timed(() -> t.pretrainStep(photo), reps);
    report.put("pretrain_step_b4_" + tile + "_seconds", median(pre));
    report.put("pretrain_step_b4_" + tile + "_all", pre);
    if (profile) {
      report.put("profile_pretrain_step", profiled(() -> t.pretrainStep(photo)));
    }
    List<Double> adv = timed(() -> t.adversarialStep(b), reps);
    report.put("adversarial_step_b4_" + tile + "_seconds", median(adv));
    report.put("adversarial_step_b4_" + tile + "_all", adv);
    if (profile) {
      report.put("profile_adversarial_step", profiled(() -> t.adversarialStep(b)));
    }
    report.put("engine_pool_peak_mb", round(Engine.current().pool().peakBytes() / 1048576.0));
    report.put("peak_rss_mb", peakRssMb());
    System.out.println(toJson(report));
  }

  /**
   * One whole-image generator call at {@code size}² (what an inference task runs): its time and the
   * engine's peak working set for that call alone (activations and scratch; the parameters are
   * 8.6 MB), the figure the inference memory budget must cover per concurrently running task.
   */
  private static Map<String, Object> inferenceMemory(ComputationGraph g, int size) {
    INDArray x = images(1, size);
    Engine.current().pool().trim();
    Engine.current().pool().resetPeak();
    long before = Engine.current().pool().peakBytes();
    long t0 = System.nanoTime();
    g.outputSingle(false, x);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seconds", round(seconds));
    m.put("working_set_mb", round((Engine.current().pool().peakBytes() - before) / 1048576.0));
    m.put("input_mb", round(x.length() * 4 / 1048576.0));
    return m;
  }

  private static int intArg(List<String> a, String name, int dflt) {
    int i = a.indexOf(name);
    return i >= 0 && i + 1 < a.size() ? Integer.parseInt(a.get(i + 1)) : dflt;
  }

  private static Map<String, INDArray> randomGenerator() {
    GeneratorNet net = GeneratorNet.standard();
    Map<String, INDArray> m = new LinkedHashMap<>();
    net.paramShapes().forEach((k, sh) -> m.put(k, Nd4j.create(DataType.FLOAT, sh)));
    net.init(new dev.animegan.model.engine.ParamSet(m));
    return m;
  }

  private static INDArray images(int n, int size) {
    return Nd4j.rand(DataType.FLOAT, n, 3, size, size).muli(2).subi(1);
  }

  private static List<Double> timed(Runnable r, int reps) {
    r.run(); // warm-up: primitives built, buffers allocated
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      r.run();
      out.add(round((System.nanoTime() - t0) / 1e9));
    }
    return out;
  }

  static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : round((s.get(n / 2 - 1) + s.get(n / 2)) / 2);
  }

  private static Map<String, Object> forward(ComputationGraph g, int batch, int size, int reps) {
    INDArray x = images(batch, size);
    List<Double> times = timed(() -> g.outputSingle(false, x), Math.max(3, reps));
    double seconds = median(times);
    double imagesPerSecond = batch / seconds;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seconds_per_batch", round(seconds));
    m.put("images_per_s", round(imagesPerSecond));
    m.put("gflops", round(imagesPerSecond * GFLOP_PER_256 * (size / 256.0) * (size / 256.0)));
    m.put("all", times);
    return m;
  }

  /** One run with the engine's timers on: seconds per layer kind and the 12 costliest layers. */
  private static Map<String, Object> profiled(Runnable r) {
    OpTimer timer = new OpTimer();
    Engine e = Engine.current();
    e.setTimer(timer);
    long t0 = System.nanoTime();
    try {
      r.run();
    } finally {
      e.setTimer(OpTimer.OFF);
    }
    double total = (System.nanoTime() - t0) / 1e9;
    Map<String, double[]> byKind = new TreeMap<>();
    double timed = 0;
    for (OpTimer.Entry en : timer.entries().values()) {
      double[] v = byKind.computeIfAbsent(en.net + " " + en.kind + " " + en.phase, k -> new double[2]);
      v[0] += en.seconds;
      v[1] += en.flops;
      timed += en.seconds;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("wall_seconds", round(total));
    out.put("engine_seconds", round(timed));
    out.put("other_seconds", round(total - timed));
    Map<String, Object> kinds = new LinkedHashMap<>();
    byKind.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue()[0], x.getValue()[0])).forEach(en -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("seconds", round(en.getValue()[0]));
      if (en.getValue()[1] > 0) {
        row.put("gflops", round(en.getValue()[1] / 1e9 / en.getValue()[0]));
      }
      kinds.put(en.getKey(), row);
    });
    out.put("by_kind", kinds);
    Map<String, Object> layers = new LinkedHashMap<>();
    timer.entries().values().stream().sorted((x, y) -> Double.compare(y.seconds, x.seconds)).limit(12)
        .forEach(en -> layers.put(en.net + " " + en.layer + " " + en.phase, round(en.seconds)));
    out.put("top_layers", layers);
    return out;
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
  static String toJson(Map<String, Object> m) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, Object> e : m.entrySet()) {
      sb.append(first ? "\n  " : ",\n  ").append('"').append(e.getKey()).append("\": ");
      Object v = e.getValue();
      if (v instanceof Map<?, ?> inner) {
        sb.append(toJson((Map<String, Object>) inner).replace("\n", "\n  "));
      } else if (v instanceof String str) {
        sb.append('"').append(str).append('"');
      } else if (v instanceof List<?> list) {
        sb.append(list.toString());
      } else {
        sb.append(String.format(Locale.ROOT, "%s", v));
      }
      first = false;
    }
    return sb.append("\n}").toString();
  }
}
