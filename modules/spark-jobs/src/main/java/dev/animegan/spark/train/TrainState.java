package dev.animegan.spark.train;

import dev.animegan.core.config.InputError;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a distributed run stands, as saved in each checkpoint (next to the trainer's own state):
 * the phase and the data position within it, the run's identity and its lineage. Written and read
 * only here; no other class spells these keys.
 *
 * @param phase the phase the checkpoint was taken in
 * @param epoch the epoch (0-based) the checkpoint was taken in
 * @param roundInEpoch rounds of that epoch done (1-based count)
 * @param roundsPerEpoch the epoch's length in rounds when the checkpoint was taken
 * @param globalRound rounds done in the run, all phases
 * @param style the anime style trained on
 * @param data the ingest output the run reads
 * @param runId the run that wrote the checkpoint
 * @param initFrom the checkpoint the run was initialised from ("" when none)
 * @param ancestors earlier init-from sources, oldest first
 * @param initFromSha256 the SHA-256 of the generator file the run was initialised from ("" when none or a checkpoint)
 */
public record TrainState(Phase phase, int epoch, int roundInEpoch, int roundsPerEpoch, long globalRound, String style,
    String data, String runId, String initFrom, List<String> ancestors, String initFromSha256) {

  /** The training phases, in order. */
  public enum Phase {
    PRETRAIN("pretrain"), TRAIN("train");

    private final String code;

    Phase(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    public boolean pretrain() {
      return this == PRETRAIN;
    }

    static Phase of(String code) {
      for (Phase p : values()) {
        if (p.code.equals(code)) {
          return p;
        }
      }
      throw new IllegalArgumentException("unknown phase '" + code + "'");
    }
  }

  private static final String PREFIX = "job.";

  public TrainState {
    ancestors = List.copyOf(ancestors);
  }

  /** Whether this checkpoint closed its epoch. */
  public boolean epochDone() {
    return roundInEpoch >= roundsPerEpoch;
  }

  Map<String, String> toEntries() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PREFIX + "phase", phase.code());
    m.put(PREFIX + "epoch", Integer.toString(epoch));
    m.put(PREFIX + "roundInEpoch", Integer.toString(roundInEpoch));
    m.put(PREFIX + "roundsPerEpoch", Integer.toString(roundsPerEpoch));
    m.put(PREFIX + "globalRound", Long.toString(globalRound));
    m.put(PREFIX + "style", style);
    m.put(PREFIX + "data", data);
    m.put(PREFIX + "runId", runId);
    m.put(PREFIX + "initFrom", initFrom);
    m.put(PREFIX + "ancestors", String.join("\n", ancestors));
    m.put(PREFIX + "initFromSha256", initFromSha256);
    return m;
  }

  /**
   * The state saved in a checkpoint's entries; {@code checkpoint} names it in errors. Checkpoints
   * of a single-JVM trainer (no job entries) have none: null.
   */
  static TrainState fromEntries(Map<String, String> e, String checkpoint) {
    if (!e.containsKey(PREFIX + "phase")) {
      return null;
    }
    try {
      String anc = e.getOrDefault(PREFIX + "ancestors", "");
      int epoch = Integer.parseInt(req(e, "epoch", checkpoint));
      int round = Integer.parseInt(req(e, "roundInEpoch", checkpoint));
      return new TrainState(Phase.of(req(e, "phase", checkpoint)), epoch, round,
          Integer.parseInt(e.getOrDefault(PREFIX + "roundsPerEpoch", Integer.toString(round))),
          Long.parseLong(req(e, "globalRound", checkpoint)), e.getOrDefault(PREFIX + "style", ""),
          e.getOrDefault(PREFIX + "data", ""), e.getOrDefault(PREFIX + "runId", ""), e.getOrDefault(PREFIX + "initFrom", ""),
          anc.isBlank() ? List.of() : Arrays.asList(anc.split("\n")), e.getOrDefault(PREFIX + "initFromSha256", ""));
    } catch (IllegalArgumentException ex) {
      throw new InputError("checkpoint " + checkpoint + " has an unreadable run state: " + ex.getMessage(), ex);
    }
  }

  private static String req(Map<String, String> e, String key, String checkpoint) {
    String v = e.get(PREFIX + key);
    if (v == null) {
      throw new IllegalArgumentException("no " + PREFIX + key + " in " + checkpoint);
    }
    return v;
  }
}
