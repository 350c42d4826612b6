/**
 * The model export job ({@code jobs/export.sh}): a generator the inference job accepts to a PyTorch
 * state dict or an ONNX model, and a checkpoint's discriminator to a state dict. Driver only; the
 * conversions themselves live in {@code dev.animegan.model.weights}.
 */
package dev.animegan.spark.export;
