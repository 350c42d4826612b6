/**
 * Video frame math and FFmpeg I/O for the video job, without Spark: probing a file's frames and
 * keyframes ({@link dev.animegan.core.video.VideoProbe}), planning keyframe segments
 * ({@link dev.animegan.core.video.SegmentPlan}), decoding a frame range
 * ({@link dev.animegan.core.video.FrameReader}), H.264 encoding of a segment
 * ({@link dev.animegan.core.video.SegmentEncoder}), lossless concatenation with the original audio
 * ({@link dev.animegan.core.video.VideoMuxer}), optical-flow temporal smoothing
 * ({@link dev.animegan.core.video.TemporalSmoother}) and the flicker metric
 * ({@link dev.animegan.core.video.FlickerMeter}).
 */
package dev.animegan.core.video;
