/**
 * Image decoding and pixel operations with no Spark dependency.
 *
 * <p>{@link dev.animegan.core.image.ImageDecoder} turns file bytes into an
 * {@link dev.animegan.core.image.RgbImage} (8-bit sRGB) or a
 * {@link dev.animegan.core.image.RejectReason}; {@link dev.animegan.core.image.Resampler} resizes;
 * {@link dev.animegan.core.image.EdgeSmoothing} makes AnimeGAN's gray and edge-smoothed tiles,
 * bit-exact with OpenCV; {@link dev.animegan.core.image.PngCodec} stores tiles losslessly.
 */
package dev.animegan.core.image;
