package dev.animegan.core.ingest;

import dev.animegan.core.image.ImageDecoder;
import dev.animegan.core.image.ResizeFilter;
import java.io.Serializable;

/** Everything that decides how one file becomes tiles; serializable so Spark ships it to executors. */
public record TileSettings(
    long maxPixels,
    int backgroundRgb,
    boolean applyExifOrientation,
    boolean allowUpscale,
    int shortSide,
    ResizeFilter filter,
    int cropSize,
    CropMode cropMode,
    int cropCount,
    int maxPerImage,
    long seed,
    int pngCompression,
    DctScaling dctScaling) implements Serializable {

  /** As the canonical constructor, with DCT-scaled JPEG decoding at its default ({@link DctScaling#QUALITY}). */
  public TileSettings(long maxPixels, int backgroundRgb, boolean applyExifOrientation, boolean allowUpscale, int shortSide,
      ResizeFilter filter, int cropSize, CropMode cropMode, int cropCount, int maxPerImage, long seed, int pngCompression) {
    this(maxPixels, backgroundRgb, applyExifOrientation, allowUpscale, shortSide, filter, cropSize, cropMode, cropCount,
        maxPerImage, seed, pngCompression, DctScaling.QUALITY);
  }

  public ImageDecoder.Options decoderOptions() {
    return new ImageDecoder.Options(maxPixels, allowUpscale ? 0 : cropSize, backgroundRgb, applyExifOrientation);
  }
}
