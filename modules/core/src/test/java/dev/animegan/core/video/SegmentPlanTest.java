package dev.animegan.core.video;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentPlanTest {
  @Test
  void segmentsStartAtTheFirstKeyframeAtLeastTheSegmentLengthOnAndCoverEveryFrameOnce() {
    int[] keys = {0, 12, 24, 36, 48, 50};
    List<SegmentPlan.Segment> p = SegmentPlan.plan(keys, 60, 25, 1, 0.9, 0);
    assertEquals(List.of(new SegmentPlan.Segment(0, 0, 24, 0, 0), new SegmentPlan.Segment(1, 24, 48, 24, 24),
        new SegmentPlan.Segment(2, 48, 60, 48, 48)), p);
  }

  @Test
  void overlapStylisesFramesBeforeTheStartDecodedFromTheKeyframeBeforeThem() {
    List<SegmentPlan.Segment> p = SegmentPlan.plan(new int[] {0, 12, 24, 36, 48}, 60, 25, 1, 0.9, 4);
    assertEquals(new SegmentPlan.Segment(1, 24, 48, 20, 12), p.get(1));
    assertEquals(new SegmentPlan.Segment(0, 0, 24, 0, 0), p.get(0));
  }

  @Test
  void aVideoWithOneKeyframeIsOneSegmentAndFractionalRatesCountFrames() {
    assertEquals(List.of(new SegmentPlan.Segment(0, 0, 300, 0, 0)), SegmentPlan.plan(new int[] {0}, 300, 30000, 1001, 1, 2));
    // 29.97 fps, 1 s = 30 frames: keyframe 29 is too early, 30 starts the next segment
    assertEquals(List.of(0, 30), SegmentPlan.plan(new int[] {0, 29, 30, 45}, 60, 30000, 1001, 1, 0).stream()
        .map(SegmentPlan.Segment::start).toList());
  }

  @Test
  void nearestFrameMapsTimesToPresentationOrder() {
    long[] pts = {0, 40_000, 80_000, 120_000};
    assertEquals(0, VideoInfo.nearestFrame(pts, -5));
    assertEquals(1, VideoInfo.nearestFrame(pts, 40_000));
    assertEquals(1, VideoInfo.nearestFrame(pts, 59_999));
    assertEquals(2, VideoInfo.nearestFrame(pts, 60_001));
    assertEquals(3, VideoInfo.nearestFrame(pts, 1_000_000));
  }
}
