package dev.animegan.core.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.animegan.core.image.RgbImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batching, tile fallback and out-of-memory retries, with a model that runs out of memory above a pixel count. */
class BudgetedStylizerTest {
  /** Inverts the image; throws OutOfMemoryError when one call holds more than {@code limit} pixels. */
  static final class LimitedModel implements TileModel {
    final long limit;
    final List<String> calls = new ArrayList<>();

    LimitedModel(long limit) {
      this.limit = limit;
    }

    @Override
    public List<float[]> apply(List<float[]> tiles, int width, int height) {
      calls.add(tiles.size() + "x" + width + "x" + height);
      if ((long) tiles.size() * width * height > limit) {
        throw new OutOfMemoryError("Physical memory usage is too high (test model, " + limit + " pixels)");
      }
      List<float[]> out = new ArrayList<>();
      for (float[] t : tiles) {
        float[] o = new float[t.length];
        for (int i = 0; i < t.length; i++) {
          o[i] = -t[i];
        }
        out.add(o);
      }
      return out;
    }
  }

  static RgbImage image(int w, int h) {
    byte[] d = new byte[3 * w * h];
    for (int i = 0; i < d.length; i++) {
      d[i] = (byte) (i * 7);
    }
    return new RgbImage(w, h, d);
  }

  static void inverted(RgbImage in, RgbImage out) {
    for (int i = 0; i < in.data().length; i++) {
      assertEquals(255 - (in.data()[i] & 0xFF), out.data()[i] & 0xFF, 1.0, "pixel " + i);
    }
  }

  private static MemoryBudget budget(long pixels) {
    return new MemoryBudget(pixels * 100, 100, 0);
  }

  @Test
  void equalSizeImagesAreBatchedWithinTheBudget() {
    LimitedModel m = new LimitedModel(Long.MAX_VALUE);
    int[] cleanups = {0};
    BudgetedStylizer s = new BudgetedStylizer(m, budget(3 * 64 * 64), 4, 64, 8, () -> cleanups[0]++, "k");
    List<RgbImage> in = List.of(image(64, 64), image(64, 64), image(64, 64), image(64, 64), image(64, 64));
    List<BudgetedStylizer.Result> out = s.whole(in);
    assertEquals(List.of("3x64x64", "2x64x64"), m.calls, "three images fit one call");
    for (int i = 0; i < 5; i++) {
      inverted(in.get(i), ((BudgetedStylizer.Done) out.get(i)).image());
    }
    assertEquals(0, cleanups[0]);
  }

  @Test
  void anImageTooLargeForTheBudgetTakesTheTilePath() {
    LimitedModel m = new LimitedModel(Long.MAX_VALUE);
    BudgetedStylizer s = new BudgetedStylizer(m, budget(64 * 64), 4, 512, 8, () -> { }, "k");
    RgbImage img = image(150, 100);
    BudgetedStylizer.Done d = (BudgetedStylizer.Done) s.whole(List.of(img)).get(0);
    assertEquals(64, d.tile(), "the largest tile the budget allows");
    inverted(img, d.image());
  }

  @Test
  void outOfMemoryIsRetriedWithHalfTheBatchThenWithTiles() {
    // The budget is wrong (too generous): the model runs out of memory above 2 images of 64x64.
    LimitedModel m = new LimitedModel(2 * 64 * 64);
    int[] cleanups = {0};
    BudgetedStylizer s = new BudgetedStylizer(m, budget(1L << 30), 4, 64, 8, () -> cleanups[0]++, "k");
    List<RgbImage> in = List.of(image(64, 64), image(64, 64), image(64, 64), image(64, 64));
    List<BudgetedStylizer.Result> out = s.whole(in);
    assertEquals(List.of("4x64x64", "2x64x64", "2x64x64"), m.calls);
    assertEquals(1, cleanups[0]);
    assertEquals(1, s.retries());
    for (int i = 0; i < 4; i++) {
      inverted(in.get(i), ((BudgetedStylizer.Done) out.get(i)).image());
    }
    // One large image: whole fails, then 128 tiles fail, then 64 tiles (2 per call) fit.
    LimitedModel m2 = new LimitedModel(2 * 64 * 64);
    BudgetedStylizer s2 = new BudgetedStylizer(m2, budget(1L << 30), 2, 256, 8, () -> { }, "k");
    RgbImage big = image(256, 256);
    BudgetedStylizer.Done d = (BudgetedStylizer.Done) s2.whole(List.of(big)).get(0);
    assertEquals(64, d.tile());
    assertEquals("1x256x256", m2.calls.get(0));
    assertEquals("2x128x128", m2.calls.get(1));
    inverted(big, d.image());
  }

  @Test
  void whatFitsNowhereComesBackWithAReason() {
    BudgetedStylizer tiny = new BudgetedStylizer(new LimitedModel(Long.MAX_VALUE), new MemoryBudget(1024, 1024, 0), 4,
        512, 8, () -> { }, "animegan.infer.memory-budget");
    BudgetedStylizer.DoesNotFit r = assertInstanceOf(BudgetedStylizer.DoesNotFit.class,
        tiny.whole(List.of(image(40, 40))).get(0));
    assertEquals("does not fit in memory: even 32x32 tiles need 1.0 MiB and animegan.infer.memory-budget allows 1.0 KiB "
        + "per task", r.message());
    BudgetedStylizer hopeless = new BudgetedStylizer(new LimitedModel(10), budget(1L << 30), 4, 64, 8, () -> { },
        "animegan.infer.memory-budget", new long[] {0, 0});
    BudgetedStylizer.DoesNotFit r2 = assertInstanceOf(BudgetedStylizer.DoesNotFit.class,
        hopeless.tiled(image(100, 100), 64));
    assertEquals("out of memory even with 32x32 tiles (Physical memory usage is too high (test model, 10 pixels)); lower "
        + "animegan.infer.memory-budget or give executors more memory (org.bytedeco.javacpp.maxphysicalbytes, "
        + "spark.executor.memoryOverhead)", r2.message());
  }

  @Test
  void whenEvenTheSmallestTilesFailItWaitsForConcurrentWorkAndTriesAgain() {
    // memory taken by another task: every call fails until the other task is done (the 9th call here)
    int[] calls = {0};
    TileModel busy = (tiles, w, h) -> {
      if (++calls[0] < 9) {
        throw new OutOfMemoryError("Physical memory usage is too high (another task)");
      }
      return new LimitedModel(Long.MAX_VALUE).apply(tiles, w, h);
    };
    BudgetedStylizer s = new BudgetedStylizer(busy, budget(1L << 30), 4, 64, 8, () -> { }, "k", new long[] {0, 0, 0, 0});
    RgbImage img = image(100, 100);
    BudgetedStylizer.Done d = assertInstanceOf(BudgetedStylizer.Done.class, s.tiled(img, 64));
    // 64 and 32 fail; after each wait it starts again at 64 (4 x 32, capped to the first size): the 9th call works
    assertEquals(64, d.tile());
    assertEquals(8, s.retries());
    assertEquals(100, d.image().width());
    assertEquals(100, d.image().height());
  }
}
