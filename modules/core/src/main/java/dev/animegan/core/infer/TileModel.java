package dev.animegan.core.infer;

import java.util.List;

/**
 * A function from image tiles to stylised tiles of the same size: each tile is planar RGB floats
 * in [-1, 1] ({@code 3 * h * w}, channel-major). Every tile of one call has the same size. The
 * model module implements it with the DL4J generator; tests use plain functions.
 */
@FunctionalInterface
public interface TileModel {
  List<float[]> apply(List<float[]> tiles, int width, int height);
}
