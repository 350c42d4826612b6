package dev.animegan.core.video;

import java.util.Locale;

/** A video file that cannot be stylised, with the reason code its quarantine row stores and a message. */
public final class VideoRejected extends Exception {
  /** Why: the code is the quarantine table's {@code reason}. */
  public enum Reason {
    /** The file has zero bytes. */
    EMPTY,
    /** FFmpeg cannot open it as a media file, or its video data cannot be read or decoded. */
    CORRUPT,
    /** The container ends before its video data does. */
    TRUNCATED,
    /** A media file without a video stream (audio only). */
    NO_VIDEO_STREAM,
    /** A video codec FFmpeg's build here does not decode. */
    UNSUPPORTED_FORMAT,
    /** The file has more bytes or frames than the configured limits. */
    TOO_LARGE,
    /** The file could not be read from its file system. */
    READ_ERROR;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  public VideoRejected(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
