package dev.animegan.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.animegan.core.image.EdgeSmoothing;
import dev.animegan.core.image.ImageFormat;
import dev.animegan.core.image.PngCodec;
import dev.animegan.core.image.RejectReason;
import dev.animegan.core.image.ResizeFilter;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.testing.TestImages;
import org.junit.jupiter.api.Test;

class TileMakerTest {
  private static TileSettings settings(CropMode mode, int size, boolean upscale) {
    return new TileSettings(100_000_000L, 0xFFFFFF, true, upscale, size, ResizeFilter.LANCZOS, size, mode, 3, 16, 42L, 1);
  }

  @Test
  void animeFileGivesImageGrayAndSmoothTiles() {
    byte[] jpg = TestImages.jpeg(TestImages.pattern(160, 96));
    String hash = ContentHash.sha256Hex(jpg);
    TileMaker.Accepted a = assertInstanceOf(TileMaker.Accepted.class,
        new TileMaker(settings(CropMode.CENTER, 64, false)).make(jpg, hash, true));
    assertEquals(ImageFormat.JPEG, a.format());
    assertEquals(160, a.sourceWidth());
    assertEquals(107, a.resizedWidth());
    assertEquals(64, a.resizedHeight());
    assertEquals(1, a.tiles().size());
    TileMaker.Tile t = a.tiles().get(0);
    assertEquals(new CropBox(0, 21, 0, 64), t.box());
    RgbImage tile = PngCodec.decode(t.imagePng());
    assertEquals(64, tile.width());
    assertEquals(EdgeSmoothing.grayTile(tile), PngCodec.decode(t.grayPng()));
    assertEquals(EdgeSmoothing.smooth(tile), PngCodec.decode(t.smoothPng()));
  }

  @Test
  void photoTilesHaveNoDerivedTiles() {
    byte[] jpg = TestImages.jpeg(TestImages.pattern(200, 130));
    TileMaker.Accepted a = (TileMaker.Accepted) new TileMaker(settings(CropMode.RANDOM, 64, false))
        .make(jpg, ContentHash.sha256Hex(jpg), false);
    assertEquals(3, a.tiles().size());
    assertNull(a.tiles().get(0).grayPng());
    assertNotNull(a.tiles().get(2).imagePng());
  }

  @Test
  void randomCropsDependOnContentNotOnCallOrder() {
    byte[] jpg = TestImages.jpeg(TestImages.pattern(300, 200));
    TileMaker maker = new TileMaker(settings(CropMode.RANDOM, 64, false));
    String hash = ContentHash.sha256Hex(jpg);
    TileMaker.Accepted a = (TileMaker.Accepted) maker.make(jpg, hash, false);
    TileMaker.Accepted b = (TileMaker.Accepted) new TileMaker(settings(CropMode.RANDOM, 64, false)).make(jpg, hash, false);
    assertEquals(a.tiles().stream().map(TileMaker.Tile::box).toList(), b.tiles().stream().map(TileMaker.Tile::box).toList());
  }

  @Test
  void smallImagesAreRejectedOrUpscaled() {
    byte[] jpg = TestImages.jpeg(TestImages.pattern(50, 40));
    TileMaker.Rejected r = assertInstanceOf(TileMaker.Rejected.class,
        new TileMaker(settings(CropMode.CENTER, 64, false)).make(jpg, ContentHash.sha256Hex(jpg), false));
    assertEquals(RejectReason.TOO_SMALL, r.reason());
    TileMaker.Accepted a = assertInstanceOf(TileMaker.Accepted.class,
        new TileMaker(settings(CropMode.CENTER, 64, true)).make(jpg, ContentHash.sha256Hex(jpg), false));
    assertEquals(64, a.resizedHeight());
    assertEquals(80, a.resizedWidth());
  }
}
