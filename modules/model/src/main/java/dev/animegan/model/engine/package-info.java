/**
 * The model engine: the AnimeGAN networks (generator, patch discriminator, VGG19 features) in
 * NHWC layout with PyTorch's parameter names, run by {@link dev.animegan.model.engine.Net} passes
 * over {@link dev.animegan.model.engine.Kernels} (oneDNN called directly through JavaCPP, or ND4J
 * ops as the reference), with a {@link dev.animegan.model.engine.TensorPool} for activations and a
 * {@link dev.animegan.model.engine.Tape} for backward passes. {@link dev.animegan.model.engine.GanSteps}
 * holds the training steps and {@link dev.animegan.model.engine.Losses} the loss terms. No Spark.
 */
package dev.animegan.model.engine;
