package dev.animegan.core.ingest;

import dev.animegan.core.image.EdgeSmoothing;
import dev.animegan.core.image.ImageDecoder;
import dev.animegan.core.image.ImageFormat;
import dev.animegan.core.image.PngCodec;
import dev.animegan.core.image.RejectReason;
import dev.animegan.core.image.Resampler;
import dev.animegan.core.image.RgbImage;
import java.util.ArrayList;
import java.util.List;

/** One file's bytes in, its tiles (or the reason there are none) out. No Spark, no I/O. */
public final class TileMaker {

  /** One tile as PNG bytes; {@code grayPng} and {@code smoothPng} only for anime tiles. */
  public record Tile(CropBox box, byte[] imagePng, byte[] grayPng, byte[] smoothPng) {}

  /** What became of a file. */
  public sealed interface Outcome permits Accepted, Rejected {}

  public record Accepted(ImageFormat format, int sourceWidth, int sourceHeight, int resizedWidth, int resizedHeight,
      List<Tile> tiles) implements Outcome {}

  public record Rejected(RejectReason reason, String message) implements Outcome {}

  private final TileSettings settings;
  private final ImageDecoder decoder;

  public TileMaker(TileSettings settings) {
    this.settings = settings;
    this.decoder = new ImageDecoder(settings.decoderOptions());
  }

  /**
   * @param contentHash the file's {@link ContentHash#sha256Hex}, which seeds random crops
   * @param anime also derive the gray and edge-smoothed tiles
   */
  public Outcome make(byte[] bytes, String contentHash, boolean anime) {
    int keep = settings.dctScaling().minimumShortSide(settings.shortSide());
    ImageDecoder.Result result = keep > 0 ? decoder.decodeForResize(bytes, keep) : decoder.decode(bytes);
    if (result instanceof ImageDecoder.Rejected r) {
      return new Rejected(r.reason(), r.message());
    }
    ImageDecoder.Pixels decoded = (ImageDecoder.Pixels) result;
    // the geometry comes from the file's full size, whether it was decoded in full or scaled
    int[] size = CropPlanner.resizedSize(decoded.sourceWidth(), decoded.sourceHeight(), settings.shortSide(),
        settings.allowUpscale());
    long seed = settings.seed() ^ ContentHash.prefixLong(contentHash);
    List<CropBox> boxes = CropPlanner.plan(size[0], size[1], settings.cropSize(),
        settings.cropMode(), settings.cropCount(), settings.maxPerImage(), seed);
    // Only the part of the resized image the tiles cover is computed (bit-exact with resizing all).
    int bx0 = size[0];
    int by0 = size[1];
    int bx1 = 0;
    int by1 = 0;
    for (CropBox box : boxes) {
      bx0 = Math.min(bx0, box.x());
      by0 = Math.min(by0, box.y());
      bx1 = Math.max(bx1, box.x() + box.size());
      by1 = Math.max(by1, box.y() + box.size());
    }
    RgbImage region = boxes.isEmpty() ? null : region(decoded, size, bx0, by0, bx1 - bx0, by1 - by0);
    List<Tile> tiles = new ArrayList<>(boxes.size());
    int level = settings.pngCompression();
    for (CropBox box : boxes) {
      RgbImage tile = region.crop(box.x() - bx0, box.y() - by0, box.size(), box.size());
      byte[] gray = anime ? PngCodec.encode(EdgeSmoothing.grayTile(tile), level) : null;
      byte[] smooth = anime ? PngCodec.encode(EdgeSmoothing.smooth(tile), level) : null;
      tiles.add(new Tile(box, PngCodec.encode(tile, level), gray, smooth));
    }
    return new Accepted(decoded.format(), decoded.sourceWidth(), decoded.sourceHeight(), size[0], size[1],
        tiles);
  }

  /** The {@code w x h} region at ({@code x0}, {@code y0}) of the decoded image resized to {@code size}. */
  private RgbImage region(ImageDecoder.Pixels pixels, int[] size, int x0, int y0, int w, int h) {
    if (pixels instanceof ImageDecoder.Planar p) {
      // a scaled JPEG: its planes resized straight to the region, converted to RGB at tile size
      return Resampler.resizeRegion(p.planes(), size[0], size[1], settings.filter(), x0, y0, w, h,
          p.sourceWidth() / (double) p.denominator(), p.sourceHeight() / (double) p.denominator());
    }
    ImageDecoder.Decoded decoded = (ImageDecoder.Decoded) pixels;
    RgbImage img = decoded.image();
    if (size[0] == img.width() && size[1] == img.height()) {
      return img.crop(x0, y0, w, h);
    }
    int d = dctDenominator(decoded.sourceWidth(), decoded.sourceHeight(), img.width(), img.height());
    return Resampler.resizeRegion(img, size[0], size[1], settings.filter(), x0, y0, w, h,
        decoded.sourceWidth() / (double) d, decoded.sourceHeight() / (double) d);
  }

  /**
   * The DCT scale a decode used: 1, or the 2, 4 or 8 whose ceil(source / d) gives the decoded
   * size (the image then spans source / d of its pixels, not all of them).
   */
  static int dctDenominator(int sourceW, int sourceH, int w, int h) {
    if (sourceW == w && sourceH == h) {
      return 1;
    }
    for (int d = 2; d <= 8; d *= 2) {
      if ((sourceW + d - 1) / d == w && (sourceH + d - 1) / d == h) {
        return d;
      }
    }
    throw new IllegalStateException("decoded " + w + "x" + h + " is no DCT scale of " + sourceW + "x" + sourceH);
  }
}
