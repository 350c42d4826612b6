package dev.animegan.core.ingest;

/** A square tile at (x, y) of side {@code size} in the resized image; {@code index} counts from 0 per file. */
public record CropBox(int index, int x, int y, int size) {}
