package dev.animegan.spark.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.animegan.core.report.LossPlot;
import dev.animegan.model.train.LossTerm;
import dev.animegan.spark.common.HadoopFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;

/**
 * The per-round record of a run: {@code losses.csv} and {@code losses.jsonl} (one line per
 * averaging round, each loss term averaged over the round's workers and minibatches) and
 * {@code loss-plot.png} (after every epoch). Files are rewritten whole through a rename, so they are
 * never half-written; a resumed run keeps the rows up to its checkpoint.
 */
public final class RunLog {
  static final String CSV = "losses.csv";
  static final String JSONL = "losses.jsonl";
  static final String PLOT = "loss-plot.png";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One averaging round. */
  public record Row(String phase, int epoch, int round, long globalRound, long steps, long images, double seconds,
      double computeSeconds, double imagesPerSecond, Map<String, Double> losses) {}

  private final String out;
  private final Configuration conf;
  private final List<Row> rows = new ArrayList<>();

  RunLog(String out, Configuration conf) {
    this.out = out;
    this.conf = conf;
  }

  /** Keeps the rows of an earlier run up to and including {@code globalRound} (resume). */
  void loadUpTo(long globalRound) throws IOException {
    String path = out + "/" + JSONL;
    if (!HadoopFiles.exists(path, conf)) {
      return;
    }
    for (String line : HadoopFiles.readString(path, conf).split("\n")) {
      if (!line.isBlank()) {
        Row r = JSON.readValue(line, new TypeReference<Row>() {});
        if (r.globalRound() <= globalRound) {
          rows.add(r);
        }
      }
    }
  }

  void add(Row row) throws IOException {
    rows.add(row);
    StringBuilder jsonl = new StringBuilder();
    for (Row r : rows) {
      jsonl.append(JSON.writeValueAsString(r)).append('\n');
    }
    HadoopFiles.writeAtomically(out + "/" + JSONL, jsonl.toString(), conf);
    HadoopFiles.writeAtomically(out + "/" + CSV, csv(), conf);
  }

  /** The loss terms the rows hold, in {@link LossTerm}'s order (the one definition of columns and panels). */
  private List<String> terms() {
    List<String> terms = new ArrayList<>();
    for (LossTerm t : LossTerm.values()) {
      if (rows.stream().anyMatch(r -> r.losses().containsKey(t.key()))) {
        terms.add(t.key());
      }
    }
    return terms;
  }

  private String csv() {
    List<String> terms = terms();
    StringBuilder sb = new StringBuilder("phase,epoch,round,global_round,steps,images,seconds,compute_seconds,images_per_second");
    terms.forEach(t -> sb.append(',').append(t));
    sb.append('\n');
    for (Row r : rows) {
      sb.append(r.phase()).append(',').append(r.epoch()).append(',').append(r.round()).append(',').append(r.globalRound())
          .append(',').append(r.steps()).append(',').append(r.images()).append(',').append(num(r.seconds())).append(',')
          .append(num(r.computeSeconds())).append(',').append(num(r.imagesPerSecond()));
      for (String t : terms) {
        Double v = r.losses().get(t);
        sb.append(',').append(v == null ? "" : num(v));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }

  /** Renders loss-plot.png: one panel per term, rounds on x, pretraining and adversarial in two colours. */
  void writePlot() throws IOException {
    Map<String, List<LossPlot.Point>> series = new LinkedHashMap<>();
    for (String term : terms()) {
      List<LossPlot.Point> points = new ArrayList<>();
      for (Row r : rows) {
        Double v = r.losses().get(term);
        if (v != null) {
          points.add(new LossPlot.Point(r.globalRound(), r.phase(), v));
        }
      }
      series.put(term, points);
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(LossPlot.render("AnimeGAN training losses per averaging round", series), "png", png);
    HadoopFiles.writeAtomically(out + "/" + PLOT, png.toByteArray(), conf);
  }
}
