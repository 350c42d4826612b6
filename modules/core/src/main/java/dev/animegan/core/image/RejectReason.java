package dev.animegan.core.image;

import java.util.Locale;

/** Why an input file was not turned into tiles. The code is what the quarantine table stores. */
public enum RejectReason {
  /** The file has zero bytes. */
  EMPTY,
  /** The file starts like a supported image but ends before the image data does. */
  TRUNCATED,
  /** The file's signature is not that of any image format (text, archives, ...). */
  NOT_AN_IMAGE,
  /** An image format this tool does not decode (HEIC, AVIF, JPEG 2000, SVG, ...). */
  UNSUPPORTED_FORMAT,
  /** The image is smaller than the crop size and upscaling is off. */
  TOO_SMALL,
  /** The image has more pixels, or the file more bytes, than the configured limit. */
  TOO_LARGE,
  /** The file is of a supported format but its data could not be decoded. */
  CORRUPT,
  /** The file could not be read from its file system. */
  READ_ERROR,
  /** Decoding or stylising the image needs more memory than the task has, even at the smallest tiles. */
  OUT_OF_MEMORY;

  /** The lower-case code stored in the quarantine table, e.g. {@code not_an_image}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
