/**
 * What the ingest job does to one file, as pure functions: {@link dev.animegan.core.ingest.TileMaker}
 * (decode, resize, crop, derive tiles), {@link dev.animegan.core.ingest.CropPlanner} (where tiles go)
 * and {@link dev.animegan.core.ingest.ContentHash} (duplicate detection and the train/test split).
 */
package dev.animegan.core.ingest;
