package dev.animegan.model.train;

import java.io.Serializable;
import java.util.Locale;

/**
 * Weights of AnimeGAN's loss terms.
 * <ul>
 *   <li>Generator: {@code adv·LSGAN(D(G(p)), 1) + con·L1(VGG(p), VGG(G(p))) + gra·L1(Gram(VGG(G(p))), Gram(VGG(gray(a))))
 *       + col·[L1(Y) + Huber(U) + Huber(V)](p, G(p)) + tv·TV(G(p))};
 *   <li>Discriminator: {@code adv·[real·(D(a) - 1)² + fake·D(G(p))² + gray·D(gray(a))² + smooth·D(smooth(a))²]}.
 * </ul>
 * Defaults are the AnimeGAN (v1) paper's; {@link #preset} gives AnimeGANv2's per-style values.
 */
public record LossWeights(double adv, double con, double gra, double col, double tv,
    double real, double fake, double gray, double smooth) implements Serializable {

  public static LossWeights animeGanV1() {
    return new LossWeights(300, 1.5, 3.0, 10, 0, 1.2, 1.2, 1.2, 0.8);
  }

  /** v1 (the defaults), or AnimeGANv2's hayao, paprika and shinkai weights for con, gra (style), col, tv. */
  public static LossWeights preset(String name) {
    LossWeights d = animeGanV1();
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "v1" -> d;
      case "hayao" -> new LossWeights(d.adv, 1.5, 2.5, 15, 1, d.real, d.fake, d.gray, d.smooth);
      case "paprika" -> new LossWeights(d.adv, 2.0, 0.6, 50, 0.1, d.real, d.fake, d.gray, d.smooth);
      case "shinkai" -> new LossWeights(d.adv, 1.2, 2.0, 10, 1, d.real, d.fake, d.gray, d.smooth);
      default -> throw new IllegalArgumentException("unknown loss preset '" + name + "'. Allowed values: v1, hayao, paprika, shinkai");
    };
  }
}
