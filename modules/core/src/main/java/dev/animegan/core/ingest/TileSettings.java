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
    int pngCompression) implements Serializable {

  public ImageDecoder.Options decoderOptions() {
    return new ImageDecoder.Options(maxPixels, allowUpscale ? 0 : cropSize, backgroundRgb, applyExifOrientation);
  }
}
