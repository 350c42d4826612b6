package dev.animegan.core.video;

import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg's own log goes to stderr unless silenced; problems reach users as reject reasons and exceptions instead. */
final class FfmpegLog {
  private static volatile boolean done;

  private FfmpegLog() {}

  static void quiet() {
    if (!done) {
      avutil.av_log_set_level(avutil.AV_LOG_QUIET);
      done = true;
    }
  }
}
