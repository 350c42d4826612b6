package dev.animegan.core.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.core.image.RgbImage;
import dev.animegan.core.testing.TestClips;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoIoTest {
  @TempDir
  Path dir;

  @Test
  void probeFindsEveryFrameAndKeyframe() throws Exception {
    Path clip = TestClips.write(dir.resolve("a.mp4"), TestClips.mp4(96, 64, 2.4));
    VideoInfo info = VideoProbe.probe(clip, 1_000_000);
    assertEquals(96, info.width());
    assertEquals(64, info.height());
    assertEquals(60, info.frames());
    assertEquals(25, info.fpsNum());
    assertEquals(1, info.fpsDen());
    assertEquals(1, info.audioStreams());
    assertArrayEquals(new int[] {0, 12, 24, 36, 48}, info.keyframes());
    assertEquals(2.4, info.seconds(), 1e-9);
  }

  @Test
  void aRangeDecodesToTheSameFramesAsAFullDecode() throws Exception {
    Path clip = TestClips.write(dir.resolve("a.mp4"), TestClips.mp4(96, 64, 2.4));
    VideoInfo info = VideoProbe.probe(clip, 1_000_000);
    List<RgbImage> all = new ArrayList<>();
    assertEquals(60, FrameReader.read(clip, info.framePtsMicros(), 0, 60, (i, img) -> {
      assertEquals(all.size(), i);
      all.add(img);
    }));
    List<Integer> seen = new ArrayList<>();
    assertEquals(17, FrameReader.read(clip, info.framePtsMicros(), 24, 41, (i, img) -> {
      seen.add(i);
      assertEquals(all.get(i), img, "frame " + i);
    }));
    assertEquals(24, seen.get(0));
    assertEquals(40, seen.get(seen.size() - 1));
  }

  @Test
  void segmentsEncodeAndConcatenateWithTheOriginalAudio() throws Exception {
    Path clip = TestClips.write(dir.resolve("a.mp4"), TestClips.mp4(96, 64, 2.4));
    VideoInfo info = VideoProbe.probe(clip, 1_000_000);
    List<SegmentPlan.Segment> plan = SegmentPlan.plan(info.keyframes(), info.frames(), 25, 1, 1.0, 0);
    assertEquals(List.of(0, 36), plan.stream().map(SegmentPlan.Segment::start).toList());
    List<Path> segments = new ArrayList<>();
    for (SegmentPlan.Segment s : plan) {
      Path p = dir.resolve("seg" + s.index() + ".mp4");
      try (SegmentEncoder enc = new SegmentEncoder(p, 96, 64, 25, 1, new SegmentEncoder.Settings(0, "ultrafast"))) {
        FrameReader.read(clip, info.framePtsMicros(), s.start(), s.end(), (i, img) -> enc.write(img));
        assertEquals(s.frames(), enc.frames());
      }
      segments.add(p);
    }
    Path out = dir.resolve("out.mp4");
    VideoMuxer.Result r = VideoMuxer.mux(segments, clip, info.framePtsMicros()[0], 25, 1, out);
    assertEquals(60, r.frames());
    assertEquals(1, r.audioStreams());
    VideoInfo o = VideoProbe.probe(out, 1_000_000);
    assertEquals(60, o.frames());
    assertEquals(25, o.fpsNum() / o.fpsDen());
    assertEquals(1, o.audioStreams());
    assertEquals(info.seconds(), o.seconds(), 0.1);
    List<RgbImage> in = new ArrayList<>();
    FrameReader.read(clip, info.framePtsMicros(), 0, 60, (i, img) -> in.add(img));
    double[] worst = {99};
    FrameReader.read(out, o.framePtsMicros(), 0, 60, (i, img) -> worst[0] = Math.min(worst[0], psnr(in.get(i), img)));
    assertTrue(worst[0] > 30, "worst frame PSNR " + worst[0]);
  }

  @Test
  void thePhonesDisplayRotationIsCarriedOver() throws Exception {
    Path clip = TestClips.write(dir.resolve("phone.mp4"), new TestClips.Spec("mp4", 64, 96, 25, 1, 1.0, 12, true, 90));
    VideoInfo info = VideoProbe.probe(clip, 1_000);
    Path seg = dir.resolve("seg.mp4");
    try (SegmentEncoder enc = new SegmentEncoder(seg, 64, 96, 25, 1, new SegmentEncoder.Settings(18, "ultrafast"))) {
      FrameReader.read(clip, info.framePtsMicros(), 0, info.frames(), (i, img) -> enc.write(img));
    }
    assertEquals(90, rotation(clip));
    Path out = dir.resolve("out.mp4");
    assertTrue(VideoMuxer.mux(List.of(seg), clip, info.framePtsMicros()[0], 25, 1, out).rotated());
    assertEquals(90, rotation(out));
  }

  /** The display rotation in degrees as the "rotate" tag counts it (clockwise). */
  private static int rotation(Path f) throws Exception {
    try (org.bytedeco.javacv.FFmpegFrameGrabber g = new org.bytedeco.javacv.FFmpegFrameGrabber(f.toFile())) {
      g.start();
      org.bytedeco.ffmpeg.avformat.AVFormatContext oc = g.getFormatContext();
      for (int i = 0; i < oc.nb_streams(); i++) {
        org.bytedeco.ffmpeg.avformat.AVStream st = oc.streams(i);
        if (st.codecpar().codec_type() == org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO) {
          org.bytedeco.javacpp.BytePointer m = org.bytedeco.ffmpeg.global.avformat.av_stream_get_side_data(st,
              org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX, (org.bytedeco.javacpp.SizeTPointer) null);
          if (m == null || m.isNull()) {
            return 0;
          }
          double ccw = org.bytedeco.ffmpeg.global.avutil.av_display_rotation_get(new org.bytedeco.javacpp.IntPointer(m));
          return (int) Math.round(-ccw + 360) % 360;
        }
      }
      return 0;
    }
  }

  private static String rejection(Path f) {
    try {
      VideoProbe.probe(f, 1_000_000);
      return "accepted";
    } catch (VideoRejected e) {
      return e.reason().code() + ": " + e.getMessage();
    }
  }

  @Test
  void badFilesAreRejectedWithAReason() throws Exception {
    Path empty = java.nio.file.Files.write(dir.resolve("empty.mp4"), new byte[0]);
    Path text = java.nio.file.Files.write(dir.resolve("notes.mkv"), "just text".getBytes());
    Path audio = TestClips.audioOnly(dir.resolve("tone.mp4"), 1.0);
    Path clip = TestClips.write(dir.resolve("a.mp4"), TestClips.mp4(96, 64, 2.4));
    byte[] whole = java.nio.file.Files.readAllBytes(clip);
    Path cut = java.nio.file.Files.write(dir.resolve("cut.mp4"), java.util.Arrays.copyOf(whole, 5000));
    assertEquals("empty: file is empty (0 bytes)", rejection(empty));
    assertTrue(rejection(text).startsWith("corrupt: FFmpeg cannot read it: "), rejection(text));
    assertEquals("no_video_stream: no video stream (audio only: 1 audio stream)", rejection(audio));
    // the recorder writes the index (moov) last: the cut file has only part of its 'mdat' box
    long[] mdat = mdat(whole);
    assertEquals("truncated: the file ends inside its 'mdat' box: " + (5000 - mdat[0]) + " of " + mdat[1]
        + " bytes present (cut short?)", rejection(cut));
  }

  @Test
  void aFastStartFileCutShortIsTruncatedAfterItsLastCompleteFrame() throws Exception {
    Path clip = TestClips.write(dir.resolve("a.mp4"), TestClips.mp4(96, 64, 2.4));
    VideoInfo info = VideoProbe.probe(clip, 1_000_000);
    Path seg = dir.resolve("seg.mp4");
    try (SegmentEncoder enc = new SegmentEncoder(seg, 96, 64, 25, 1, new SegmentEncoder.Settings(18, "ultrafast"))) {
      FrameReader.read(clip, info.framePtsMicros(), 0, 60, (i, img) -> enc.write(img));
    }
    Path out = dir.resolve("fast.mp4"); // index first (+faststart)
    VideoMuxer.mux(List.of(seg), null, 0, 25, 1, out);
    byte[] whole = java.nio.file.Files.readAllBytes(out);
    Path cut = java.nio.file.Files.write(dir.resolve("fastcut.mp4"), java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
    String r = rejection(cut);
    assertTrue(r.matches("truncated: the file ends after \\d+ of its 60 video frames"), r);
  }

  @Test
  void matroskaAndAviProbeToo() throws Exception {
    Path mkv = TestClips.write(dir.resolve("b.mkv"), new TestClips.Spec("mkv", 80, 64, 30000, 1001, 2.0, 15, true));
    VideoInfo m = VideoProbe.probe(mkv, 1_000_000);
    assertEquals(60, m.frames());
    assertEquals(30000, m.fpsNum());
    assertEquals(1001, m.fpsDen());
    assertArrayEquals(new int[] {0, 15, 30, 45}, m.keyframes());
    Path avi = TestClips.write(dir.resolve("c.avi"), new TestClips.Spec("avi", 64, 48, 25, 1, 2.0, 10, true));
    VideoInfo a = VideoProbe.probe(avi, 1_000_000);
    assertEquals(50, a.frames());
    assertEquals(1, a.audioStreams());
    List<Integer> seen = new ArrayList<>();
    FrameReader.read(avi, a.framePtsMicros(), 20, 30, (i, img) -> seen.add(i));
    assertEquals(List.of(20, 21, 22, 23, 24, 25, 26, 27, 28, 29), seen);
    assertEquals("too_large: more than 40 frames (animegan.video.limits.max-frames)", tooMany(avi));
    // the same AVI with an unknown video codec tag (FourCC) and, separately, an unknown audio codec tag
    byte[] bytes = java.nio.file.Files.readAllBytes(avi);
    Path unknownVideo = java.nio.file.Files.write(dir.resolve("zzzz.avi"), replace(bytes, "FMP4", "ZZZZ"));
    assertEquals("unsupported_format: FFmpeg has no decoder for its video codec (unknown, tag 'ZZZZ')", rejection(unknownVideo));
    Path unknownAudio = java.nio.file.Files.write(dir.resolve("audio-zz.avi"), replaceMp3Tag(bytes));
    VideoInfo ua = VideoProbe.probe(unknownAudio, 1000);
    assertEquals(50, ua.frames(), "an undecodable audio stream does not stop the video");
  }

  private static byte[] replace(byte[] b, String from, String to) {
    byte[] out = b.clone();
    byte[] f = from.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] t = to.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    int n = 0;
    for (int i = 0; i + f.length <= out.length; i++) {
      if (java.util.Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
        System.arraycopy(t, 0, out, i, t.length);
        n++;
      }
    }
    assertTrue(n > 0, "found " + from);
    return out;
  }

  /** The AVI's audio format tag (WAVEFORMATEX wFormatTag 0x0055, MP3, after 'strf' in the audio 'strl') set to 0x7777. */
  private static byte[] replaceMp3Tag(byte[] b) {
    byte[] out = b.clone();
    byte[] auds = "auds".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] strf = "strf".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    for (int i = 0; i + 4 <= out.length; i++) {
      if (java.util.Arrays.equals(out, i, i + 4, auds, 0, 4)) {
        for (int j = i; j + 4 <= out.length; j++) {
          if (java.util.Arrays.equals(out, j, j + 4, strf, 0, 4)) {
            assertEquals(0x55, out[j + 8] & 0xFF, "MP3 format tag");
            out[j + 8] = 0x77;
            out[j + 9] = 0x77;
            return out;
          }
        }
      }
    }
    throw new AssertionError("no audio strf");
  }

  private static String tooMany(Path f) {
    try {
      VideoProbe.probe(f, 40);
      return "accepted";
    } catch (VideoRejected e) {
      return e.reason().code() + ": " + e.getMessage();
    }
  }

  /** {offset, size} of the first 'mdat' box of an MP4 written moov-last (ftyp, free, mdat, ...). */
  private static long[] mdat(byte[] mp4) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(mp4);
    int pos = 0;
    while (pos + 8 <= mp4.length) {
      long size = b.getInt(pos) & 0xFFFFFFFFL;
      String type = new String(mp4, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      if (type.equals("mdat")) {
        return new long[] {pos, size};
      }
      pos += (int) size;
    }
    throw new AssertionError("no mdat");
  }

  static double psnr(RgbImage a, RgbImage b) {
    return dev.animegan.core.testing.TestImages.psnr(a, b);
  }

}
