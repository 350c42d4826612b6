package dev.animegan.model.train;

import java.util.List;

/**
 * Every loss term the trainer reports, defined once: its key in step results, run logs
 * ({@code losses.csv} columns, {@code losses.jsonl} fields), plots and Spark accumulators.
 * {@code g.*} terms belong to the generator's loss, {@code d.*} to the discriminator's; values are
 * unweighted batch means, {@code *.total} the weighted sums.
 */
public enum LossTerm {
  G_ADV("g.adv"), G_CON("g.con"), G_GRA("g.gra"), G_COL("g.col"), G_TV("g.tv"), G_TOTAL("g.total"),
  D_REAL("d.real"), D_FAKE("d.fake"), D_GRAY("d.gray"), D_SMOOTH("d.smooth"), D_TOTAL("d.total");

  private final String key;

  LossTerm(String key) {
    this.key = key;
  }

  /** {@code g.adv}, {@code d.total}, ... */
  public String key() {
    return key;
  }

  /** The name within its network's loss ({@code adv}, {@code total}, ...), as the engine's steps return it. */
  public String shortName() {
    return key.substring(2);
  }

  public boolean generator() {
    return key.startsWith("g.");
  }

  /** The terms a pretraining step reports, in column order. */
  public static final List<LossTerm> PRETRAIN = List.of(G_CON, G_TOTAL);
  /** The terms an adversarial step reports, in column order. */
  public static final List<LossTerm> ADVERSARIAL = List.of(G_ADV, G_CON, G_GRA, G_COL, G_TV, G_TOTAL, D_REAL, D_FAKE,
      D_GRAY, D_SMOOTH, D_TOTAL);

  /** The terms of a phase ({@code pretrain} or {@code train}). */
  public static List<LossTerm> of(boolean pretrain) {
    return pretrain ? PRETRAIN : ADVERSARIAL;
  }

  public static List<String> keys(boolean pretrain) {
    return of(pretrain).stream().map(LossTerm::key).toList();
  }
}
