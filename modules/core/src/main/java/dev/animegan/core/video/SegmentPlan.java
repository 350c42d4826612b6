package dev.animegan.core.video;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a video into segments that start at keyframes, each at least {@code segmentSeconds} long
 * (except the last), so that each can be decoded on its own. With smoothing, a segment's task also
 * stylises up to {@code overlap} frames before its start (not written) so that the smoothing state
 * carries across the border; decoding then starts at the keyframe at or before those frames.
 */
public final class SegmentPlan {
  private SegmentPlan() {}

  /**
   * Segment {@code index} writes frames {@code [start, end)}; it stylises from {@code warmupFrom}
   * (= max(0, start - overlap)) and decodes from keyframe {@code decodeFrom <= warmupFrom}.
   */
  public record Segment(int index, int start, int end, int warmupFrom, int decodeFrom) implements Serializable {
    public int frames() {
      return end - start;
    }
  }

  public static List<Segment> plan(int[] keyframes, int frames, int fpsNum, int fpsDen, double segmentSeconds,
      int overlap) {
    if (frames <= 0) {
      throw new IllegalArgumentException("no frames");
    }
    long target = Math.max(1, Math.round(segmentSeconds * fpsNum / fpsDen));
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int k : keyframes) {
      if (k > 0 && k < frames && k - starts.get(starts.size() - 1) >= target) {
        starts.add(k);
      }
    }
    List<Segment> out = new ArrayList<>(starts.size());
    for (int i = 0; i < starts.size(); i++) {
      int start = starts.get(i);
      int end = i + 1 < starts.size() ? starts.get(i + 1) : frames;
      int warmup = Math.max(0, start - overlap);
      out.add(new Segment(i, start, end, warmup, keyframeAtOrBefore(keyframes, warmup)));
    }
    return out;
  }

  static int keyframeAtOrBefore(int[] keyframes, int frame) {
    int best = 0;
    for (int k : keyframes) {
      if (k <= frame && k > best) {
        best = k;
      }
    }
    return best;
  }
}
