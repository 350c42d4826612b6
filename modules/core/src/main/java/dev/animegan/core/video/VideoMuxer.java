package dev.animegan.core.video;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_query_codec;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Joins encoded segments into one MP4 without re-encoding, and copies the original file's audio
 * streams into it unchanged (packet by packet, interleaved by time). Segment k's frames follow
 * segment k-1's: frame n of the output is shown at n / fps. Audio keeps its timing relative to the
 * original video stream's start. An audio codec the MP4 container cannot hold is left out and
 * named in {@link Result#droppedAudio()}. The original's display rotation is kept.
 */
public final class VideoMuxer {
  private VideoMuxer() {}

  /** What the mux wrote; {@code rotated}: the original's display rotation (phone videos) was carried over. */
  public record Result(int frames, int audioStreams, List<String> droppedAudio, boolean rotated) {}

  /**
   * Phone videos are stored sideways with a display matrix saying how to turn them; the frames are
   * stylised as stored, so the output carries the same matrix and plays the same way up.
   */
  static boolean copyDisplayMatrix(AVFormatContext original, AVStream out) {
    for (int i = 0; i < original.nb_streams(); i++) {
      AVStream st = original.streams(i);
      if (st.codecpar().codec_type() != AVMEDIA_TYPE_VIDEO) {
        continue;
      }
      org.bytedeco.javacpp.SizeTPointer size = new org.bytedeco.javacpp.SizeTPointer(1);
      org.bytedeco.javacpp.BytePointer m = org.bytedeco.ffmpeg.global.avformat.av_stream_get_side_data(st,
          org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX, size);
      if (m == null || m.isNull() || size.get() <= 0) {
        return false;
      }
      byte[] bytes = new byte[(int) size.get()];
      m.capacity(size.get()).get(bytes);
      org.bytedeco.javacpp.BytePointer copy = org.bytedeco.ffmpeg.global.avformat.av_stream_new_side_data(out,
          org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX, bytes.length);
      if (copy == null || copy.isNull()) {
        return false;
      }
      copy.capacity(bytes.length).put(bytes);
      return true;
    }
    return false;
  }

  public static Result mux(List<Path> segments, Path original, long videoStartMicros, int fpsNum, int fpsDen, Path out)
      throws IOException {
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("no segments");
    }
    FfmpegLog.quiet();
    AVFormatContext oc = new AVFormatContext(null);
    check(avformat_alloc_output_context2(oc, null, "mp4", out.toString()), "create " + out);
    AVFormatContext audioIn = null;
    AVPacket vpkt = av_packet_alloc();
    AVPacket apkt = av_packet_alloc();
    try {
      // video stream: the first segment's parameters (all segments share the encoder settings)
      AVFormatContext first = openInput(segments.get(0));
      AVStream vout;
      try {
        AVStream vin = videoStream(first, segments.get(0));
        vout = avformat_new_stream(oc, null);
        check(avcodec_parameters_copy(vout.codecpar(), vin.codecpar()), "copy video parameters");
        vout.codecpar().codec_tag(0);
        vout.time_base(av_make_q(fpsDen, fpsNum));
        vout.avg_frame_rate(av_make_q(fpsNum, fpsDen));
        vout.r_frame_rate(av_make_q(fpsNum, fpsDen));
      } finally {
        avformat_close_input(first);
      }
      // audio streams of the original, mapped input index -> output stream
      List<String> dropped = new ArrayList<>();
      int[] audioMap = new int[0];
      if (original != null) {
        audioIn = openInput(original);
        audioMap = new int[audioIn.nb_streams()];
        java.util.Arrays.fill(audioMap, -1);
        for (int i = 0; i < audioIn.nb_streams(); i++) {
          AVStream s = audioIn.streams(i);
          if (s.codecpar().codec_type() != AVMEDIA_TYPE_AUDIO) {
            continue;
          }
          if (avformat_query_codec(oc.oformat(), s.codecpar().codec_id(), -2) != 1) { // -2: experimental allowed
            dropped.add("stream " + i + " (" + avcodec_get_name(s.codecpar().codec_id()).getString() + ")");
            continue;
          }
          AVStream a = avformat_new_stream(oc, null);
          check(avcodec_parameters_copy(a.codecpar(), s.codecpar()), "copy audio parameters");
          a.codecpar().codec_tag(0);
          a.time_base(s.time_base());
          audioMap[i] = a.index();
        }
      }
      int audioStreams = (int) java.util.Arrays.stream(audioMap).filter(i -> i >= 0).count();
      boolean rotated = audioIn != null && copyDisplayMatrix(audioIn, vout);
      if ((oc.oformat().flags() & AVFMT_NOFILE) == 0) {
        AVIOContext pb = new AVIOContext(null);
        check(avio_open(pb, out.toString(), AVIO_FLAG_WRITE), "open " + out);
        oc.pb(pb);
      }
      AVDictionary opts = new AVDictionary(null);
      av_dict_set(opts, "movflags", "+faststart", 0);
      oc.strict_std_compliance(-2);
      try {
        check(avformat_write_header(oc, opts), "write the header of " + out);
      } finally {
        av_dict_free(opts);
      }
      AVRational vTb = oc.streams(vout.index()).time_base();

      VideoPackets video = new VideoPackets(segments, vTb, fpsNum, fpsDen);
      AVRational micros = av_make_q(1, 1_000_000);
      boolean haveV = video.next(vpkt);
      boolean haveA = audioStreams > 0 && nextAudio(audioIn, apkt, audioMap);
      while (haveV || haveA) {
        boolean writeVideo = haveV && (!haveA || compare(vpkt, vTb, apkt, audioIn, videoStartMicros, micros) <= 0);
        if (writeVideo) {
          vpkt.stream_index(vout.index());
          check(av_interleaved_write_frame(oc, vpkt), "write video");
          haveV = video.next(vpkt);
        } else {
          writeAudio(oc, audioIn, apkt, audioMap, videoStartMicros, micros);
          haveA = nextAudio(audioIn, apkt, audioMap);
        }
      }
      check(av_write_trailer(oc), "finish " + out);
      return new Result(video.frames, audioStreams, dropped, rotated);
    } finally {
      av_packet_free(vpkt);
      av_packet_free(apkt);
      if (audioIn != null) {
        avformat_close_input(audioIn);
      }
      if ((oc.oformat() == null || (oc.oformat().flags() & AVFMT_NOFILE) == 0) && oc.pb() != null) {
        avio_closep(oc.pb());
      }
      avformat_free_context(oc);
    }
  }

  /** Video packet (output time base) against a not yet written audio packet (its input's time base, before the shift). */
  private static int compare(AVPacket v, AVRational vTb, AVPacket a, AVFormatContext in, long startMicros, AVRational micros) {
    AVRational inTb = in.streams(a.stream_index()).time_base();
    long t = a.dts() != AV_NOPTS_VALUE ? a.dts() : a.pts();
    if (t == AV_NOPTS_VALUE) {
      return 1;
    }
    return org.bytedeco.ffmpeg.global.avutil.av_compare_ts(v.dts(), vTb, t - av_rescale_q(startMicros, micros, inTb), inTb);
  }

  /** The next packet of a selected audio stream, with its stream index still the input's; false at the end. */
  private static boolean nextAudio(AVFormatContext in, AVPacket pkt, int[] map) {
    while (av_read_frame(in, pkt) >= 0) {
      if (pkt.stream_index() < map.length && map[pkt.stream_index()] >= 0) {
        return true;
      }
      av_packet_unref(pkt);
    }
    return false;
  }

  /** Rescales a read audio packet into its output stream's time base and writes it (converting its stream index). */
  private static void writeAudio(AVFormatContext oc, AVFormatContext in, AVPacket pkt, int[] map, long startMicros,
      AVRational micros) throws IOException {
    AVRational inTb = in.streams(pkt.stream_index()).time_base();
    int outIndex = map[pkt.stream_index()];
    AVRational outTb = oc.streams(outIndex).time_base();
    long shift = av_rescale_q(startMicros, micros, inTb);
    if (pkt.pts() != AV_NOPTS_VALUE) {
      pkt.pts(av_rescale_q(pkt.pts() - shift, inTb, outTb));
    }
    if (pkt.dts() != AV_NOPTS_VALUE) {
      pkt.dts(av_rescale_q(pkt.dts() - shift, inTb, outTb));
    }
    pkt.duration(av_rescale_q(pkt.duration(), inTb, outTb));
    pkt.pos(-1);
    pkt.stream_index(outIndex);
    check(av_interleaved_write_frame(oc, pkt), "write audio");
  }

  /** The segments' video packets in order, timed as one stream. */
  private static final class VideoPackets {
    private final List<Path> segments;
    private final AVRational outTb;
    private final AVRational frameTb;
    private int segment = -1;
    private AVFormatContext in;
    private int streamIndex;
    private long firstPts;
    private long offsetFrames;
    private int segmentFrames;
    int frames;

    VideoPackets(List<Path> segments, AVRational outTb, int fpsNum, int fpsDen) {
      this.segments = segments;
      this.outTb = outTb;
      this.frameTb = av_make_q(fpsDen, fpsNum);
    }

    boolean next(AVPacket pkt) throws IOException {
      while (true) {
        if (in == null) {
          if (++segment >= segments.size()) {
            return false;
          }
          in = openInput(segments.get(segment));
          streamIndex = videoStream(in, segments.get(segment)).index();
          firstPts = AV_NOPTS_VALUE;
          offsetFrames += segmentFrames;
          segmentFrames = 0;
        }
        if (av_read_frame(in, pkt) < 0) {
          avformat_close_input(in);
          in = null;
          continue;
        }
        if (pkt.stream_index() != streamIndex) {
          av_packet_unref(pkt);
          continue;
        }
        AVRational tb = in.streams(streamIndex).time_base();
        if (firstPts == AV_NOPTS_VALUE) {
          firstPts = pkt.pts();
        }
        long offset = av_rescale_q(offsetFrames, frameTb, outTb);
        pkt.pts(av_rescale_q(pkt.pts() - firstPts, tb, outTb) + offset);
        pkt.dts(av_rescale_q(pkt.dts() - firstPts, tb, outTb) + offset);
        pkt.duration(av_rescale_q(1, frameTb, outTb));
        pkt.pos(-1);
        segmentFrames++;
        frames++;
        return true;
      }
    }
  }

  static AVFormatContext openInput(Path p) throws IOException {
    AVFormatContext ic = new AVFormatContext(null);
    check(avformat_open_input(ic, p.toString(), null, null), "open " + p);
    check(avformat_find_stream_info(ic, (org.bytedeco.javacpp.PointerPointer<?>) null), "read the streams of " + p);
    return ic;
  }

  static AVStream videoStream(AVFormatContext ic, Path p) throws IOException {
    for (int i = 0; i < ic.nb_streams(); i++) {
      if (ic.streams(i).codecpar().codec_type() == AVMEDIA_TYPE_VIDEO) {
        return ic.streams(i);
      }
    }
    throw new IOException("no video stream in " + p);
  }

  static void check(int ret, String what) throws IOException {
    if (ret < 0) {
      byte[] buf = new byte[256];
      av_strerror(ret, buf, buf.length);
      String msg = new String(buf, java.nio.charset.StandardCharsets.UTF_8).replace("\0", "").trim();
      throw new IOException("FFmpeg could not " + what + ": " + msg + " (" + ret + ")");
    }
  }
}
