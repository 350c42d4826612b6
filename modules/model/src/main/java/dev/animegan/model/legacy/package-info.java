/**
 * Release 0.1's per-layer DL4J graphs (one DL4J layer per convolution and norm): the generator,
 * discriminator and VGG builders and the three training graphs. Production code computes with the
 * engine ({@code dev.animegan.model.engine}); these remain so that what 0.1 wrote keeps loading
 * ({@link dev.animegan.model.weights.LegacyGraphs} reads their parameters) and as the reference the
 * engine is tested against, loss term by loss term and gradient by gradient.
 */
package dev.animegan.model.legacy;
