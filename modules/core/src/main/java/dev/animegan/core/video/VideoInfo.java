package dev.animegan.core.video;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What the probe learnt about one video file: the first video stream's size, nominal frame rate
 * (a rational), every frame's presentation time in microseconds (sorted; one per video packet) and
 * the indices of its keyframes, plus the number of audio streams. Frame i is the i-th frame in
 * presentation order.
 */
public record VideoInfo(int width, int height, int fpsNum, int fpsDen, long[] framePtsMicros, int[] keyframes,
    int audioStreams, String codec) implements Serializable {

  public int frames() {
    return framePtsMicros.length;
  }

  public double fps() {
    return fpsNum / (double) fpsDen;
  }

  /** The video stream's duration: frames / fps. */
  public double seconds() {
    return frames() * (double) fpsDen / fpsNum;
  }

  /** The index of the frame whose presentation time is nearest {@code micros} (frames in presentation order). */
  public static int nearestFrame(long[] sortedPts, long micros) {
    int i = Arrays.binarySearch(sortedPts, micros);
    if (i >= 0) {
      return i;
    }
    int ins = -i - 1;
    if (ins == 0) {
      return 0;
    }
    if (ins >= sortedPts.length) {
      return sortedPts.length - 1;
    }
    return micros - sortedPts[ins - 1] <= sortedPts[ins] - micros ? ins - 1 : ins;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VideoInfo v && width == v.width && height == v.height && fpsNum == v.fpsNum
        && fpsDen == v.fpsDen && Arrays.equals(framePtsMicros, v.framePtsMicros) && Arrays.equals(keyframes, v.keyframes)
        && audioStreams == v.audioStreams && codec.equals(v.codec);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(framePtsMicros) * 31 + Arrays.hashCode(keyframes);
  }

  @Override
  public String toString() {
    return width + "x" + height + " " + codec + " " + fpsNum + "/" + fpsDen + " fps, " + frames() + " frames, "
        + keyframes.length + " keyframes, " + audioStreams + " audio streams";
  }
}
