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
    ImageDecoder.Result result = decoder.decode(bytes);
    if (result instanceof ImageDecoder.Rejected r) {
      return new Rejected(r.reason(), r.message());
    }
    ImageDecoder.Decoded decoded = (ImageDecoder.Decoded) result;
    RgbImage img = decoded.image();
    int[] size = CropPlanner.resizedSize(img.width(), img.height(), settings.shortSide(), settings.allowUpscale());
    RgbImage resized = size[0] == img.width() && size[1] == img.height()
        ? img
        : Resampler.resize(img, size[0], size[1], settings.filter());
    long seed = settings.seed() ^ ContentHash.prefixLong(contentHash);
    List<CropBox> boxes = CropPlanner.plan(resized.width(), resized.height(), settings.cropSize(),
        settings.cropMode(), settings.cropCount(), settings.maxPerImage(), seed);
    List<Tile> tiles = new ArrayList<>(boxes.size());
    int level = settings.pngCompression();
    for (CropBox box : boxes) {
      RgbImage tile = resized.crop(box.x(), box.y(), box.size(), box.size());
      byte[] gray = anime ? PngCodec.encode(EdgeSmoothing.grayTile(tile), level) : null;
      byte[] smooth = anime ? PngCodec.encode(EdgeSmoothing.smooth(tile), level) : null;
      tiles.add(new Tile(box, PngCodec.encode(tile, level), gray, smooth));
    }
    return new Accepted(decoded.format(), img.width(), img.height(), resized.width(), resized.height(), tiles);
  }
}
