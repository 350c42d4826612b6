package dev.animegan.core.infer;

import dev.animegan.core.image.PlanarPixels;
import dev.animegan.core.image.RgbImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link TileModel} on images within a {@link MemoryBudget}, never failing for lack of
 * memory: equal-size images go through in batches that fit; an image too large for the budget takes
 * the tile path with the largest tiles that fit; a call that still runs out of memory (an
 * {@link OutOfMemoryError}, e.g. JavaCPP's physical-memory cap) is retried with half the batch,
 * then with halved tiles down to {@link MemoryBudget#MIN_TILE}; an image that fits nowhere comes
 * back as {@link DoesNotFit} with a message naming the budget's config key.
 */
public final class BudgetedStylizer {
  /** The outcome for one image. */
  public sealed interface Result permits Done, DoesNotFit {}

  /** The stylised image; {@code tile} is 0 for a whole-image pass, else the tile side used. */
  public record Done(RgbImage image, int tile) implements Result {}

  /** Nothing fits: the reason, for the quarantine. */
  public record DoesNotFit(String message) implements Result {}

  private final TileModel model;
  private final MemoryBudget budget;
  private final int maxBatch;
  private final int tileLimit;
  private final int overlap;
  private final Runnable onOutOfMemory;
  private final String budgetKey;
  private final long[] patienceMillis;
  private long retries;

  /**
   * Waits before trying again once even the smallest tiles ran out of memory: the memory is often
   * held by a concurrent task's larger call (JavaCPP caps the whole process), which fails or ends
   * within seconds. 0.5 + 1 + 2 + 4 + 4 s at most, then the image is given up.
   */
  public static final long[] DEFAULT_PATIENCE_MILLIS = {500, 1000, 2000, 4000, 4000};

  /**
   * @param maxBatch at most this many images or tiles per call
   * @param tileLimit the largest tile side (the configured tile size)
   * @param overlap tile overlap at full tile size (smaller tiles use at most a quarter of their side)
   * @param onOutOfMemory cleanup after an out-of-memory error, before the retry (free caches)
   * @param budgetKey the config key users set the budget with, for messages
   */
  public BudgetedStylizer(TileModel model, MemoryBudget budget, int maxBatch, int tileLimit, int overlap,
      Runnable onOutOfMemory, String budgetKey) {
    this(model, budget, maxBatch, tileLimit, overlap, onOutOfMemory, budgetKey, DEFAULT_PATIENCE_MILLIS);
  }

  /** As above, with the waits before each further attempt once the smallest tiles ran out of memory. */
  public BudgetedStylizer(TileModel model, MemoryBudget budget, int maxBatch, int tileLimit, int overlap,
      Runnable onOutOfMemory, String budgetKey, long[] patienceMillis) {
    this.patienceMillis = patienceMillis.clone();
    this.model = model;
    this.budget = budget;
    this.maxBatch = maxBatch;
    this.tileLimit = tileLimit;
    this.overlap = overlap;
    this.onOutOfMemory = onOutOfMemory;
    this.budgetKey = budgetKey;
  }

  /** Calls retried after running out of memory so far. */
  public long retries() {
    return retries;
  }

  /** Whole-image passes over images of one size (resize mode), in order. */
  public List<Result> whole(List<RgbImage> sameSize) {
    List<Result> out = new ArrayList<>();
    if (sameSize.isEmpty()) {
      return out;
    }
    RgbImage first = sameSize.get(0);
    long pixels = (long) first.width() * first.height();
    int b = budget.batch(pixels, maxBatch);
    if (b == 0) {
      for (RgbImage img : sameSize) {
        out.add(tiled(img, Math.min(tileLimit, Math.max(first.width(), first.height()))));
      }
      return out;
    }
    for (int i = 0; i < sameSize.size(); i += b) {
      out.addAll(batch(sameSize.subList(i, Math.min(sameSize.size(), i + b))));
    }
    return out;
  }

  private List<Result> batch(List<RgbImage> images) {
    int w = images.get(0).width();
    int h = images.get(0).height();
    List<float[]> in = new ArrayList<>(images.size());
    for (RgbImage img : images) {
      in.add(PlanarPixels.toPlanar(img));
    }
    try {
      List<float[]> y = model.apply(in, w, h);
      List<Result> out = new ArrayList<>(images.size());
      for (float[] t : y) {
        out.add(new Done(PlanarPixels.fromPlanar(t, 0, w, h), 0));
      }
      return out;
    } catch (OutOfMemoryError e) {
      in = null;
      recovered();
      if (images.size() > 1) {
        int half = images.size() / 2;
        List<Result> out = new ArrayList<>(batch(images.subList(0, half)));
        out.addAll(batch(images.subList(half, images.size())));
        return out;
      }
      int side = Math.max(w, h) / 2;
      return List.of(tiled(images.get(0), Math.min(tileLimit, Math.max(MemoryBudget.MIN_TILE, side - side % 16))));
    }
  }

  private void recovered() {
    retries++;
    onOutOfMemory.run();
  }

  /** The tile path with tiles of at most {@code start} (and at most what the budget allows). */
  public Result tiled(RgbImage img, int start) {
    int tile = Math.min(start, budget.largestTile(tileLimit));
    if (tile == 0) {
      return new DoesNotFit("does not fit in memory: even " + MemoryBudget.MIN_TILE + "x" + MemoryBudget.MIN_TILE
          + " tiles need " + MemoryBudget.human(budget.bytesFor((long) MemoryBudget.MIN_TILE * MemoryBudget.MIN_TILE))
          + " and " + budgetKey + " allows " + MemoryBudget.human(budget.bytes()) + " per task");
    }
    String last = "";
    int first = tile;
    for (int attempt = 0; attempt <= patienceMillis.length; attempt++) {
      if (attempt > 0) {
        // even the smallest tiles failed: wait for a concurrent task's memory, then start again smaller
        try {
          Thread.sleep(patienceMillis[attempt - 1]);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
        tile = Math.max(MemoryBudget.MIN_TILE, Math.min(first, 4 * MemoryBudget.MIN_TILE));
      }
      while (tile >= MemoryBudget.MIN_TILE) {
        int ov = Math.min(overlap, tile / 4);
        int b = Math.max(1, budget.batch((long) tile * tile, maxBatch));
        try {
          return new Done(new TiledStylizer(model, tile, ov, b).stylize(img), tile);
        } catch (OutOfMemoryError e) {
          last = String.valueOf(e.getMessage());
          recovered();
          int next = tile / 2;
          tile = next > 16 ? next - next % 16 : next;
        }
      }
    }
    return new DoesNotFit("out of memory even with " + MemoryBudget.MIN_TILE + "x" + MemoryBudget.MIN_TILE + " tiles ("
        + last + "); lower " + budgetKey + " or give executors more memory (org.bytedeco.javacpp.maxphysicalbytes, "
        + "spark.executor.memoryOverhead)");
  }
}
