package dev.animegan.core.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CropPlannerTest {
  @Test
  void resizeToShortSide() {
    assertArrayEquals(new int[] {384, 256}, CropPlanner.resizedSize(1200, 800, 256, false));
    assertArrayEquals(new int[] {256, 455}, CropPlanner.resizedSize(720, 1280, 256, false));
    assertArrayEquals(new int[] {300, 280}, CropPlanner.resizedSize(300, 280, 400, false), "no upscale");
    assertArrayEquals(new int[] {400, 320}, CropPlanner.resizedSize(200, 160, 320, true), "upscale");
    assertArrayEquals(new int[] {256, 256}, CropPlanner.resizedSize(256, 256, 256, false));
  }

  @Test
  void centerCrop() {
    assertEquals(List.of(new CropBox(0, 64, 0, 256)), CropPlanner.plan(384, 256, 256, CropMode.CENTER, 1, 16, 0));
    assertEquals(List.of(new CropBox(0, 0, 99, 256)), CropPlanner.plan(256, 455, 256, CropMode.CENTER, 1, 16, 0));
  }

  @Test
  void gridIsCentredAndNonOverlapping() {
    List<CropBox> boxes = CropPlanner.plan(800, 530, 256, CropMode.GRID, 1, 16, 0);
    assertEquals(List.of(
        new CropBox(0, 16, 9, 256), new CropBox(1, 272, 9, 256), new CropBox(2, 528, 9, 256),
        new CropBox(3, 16, 265, 256), new CropBox(4, 272, 265, 256), new CropBox(5, 528, 265, 256)), boxes);
  }

  @Test
  void gridCapSpreadsPicksEvenly() {
    List<CropBox> boxes = CropPlanner.plan(1024, 1024, 128, CropMode.GRID, 1, 4, 0);
    assertEquals(4, boxes.size());
    // 64 cells, 4 picks: cells 0, 16, 32, 48 = rows 0, 2, 4, 6 of column 0.
    assertEquals(List.of(0, 256, 512, 768), boxes.stream().map(CropBox::y).toList());
    assertTrue(boxes.stream().allMatch(b -> b.x() == 0));
  }

  @Test
  void randomCropsAreSeededAndInBounds() {
    List<CropBox> a = CropPlanner.plan(700, 300, 256, CropMode.RANDOM, 20, 16, 7);
    List<CropBox> b = CropPlanner.plan(700, 300, 256, CropMode.RANDOM, 20, 16, 7);
    List<CropBox> c = CropPlanner.plan(700, 300, 256, CropMode.RANDOM, 20, 16, 8);
    assertEquals(a, b);
    assertNotEquals(a, c);
    assertEquals(20, a.size());
    for (CropBox box : a) {
      assertTrue(box.x() >= 0 && box.x() + 256 <= 700 && box.y() >= 0 && box.y() + 256 <= 300, box.toString());
    }
    assertTrue(a.stream().map(CropBox::x).distinct().count() > 10, "positions vary");
  }

  @Test
  void imageSmallerThanCropIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CropPlanner.plan(200, 300, 256, CropMode.CENTER, 1, 1, 0));
    assertEquals("image 200x300 is smaller than the crop 256", e.getMessage());
  }
}
