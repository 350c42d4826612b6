package dev.animegan.model;

import dev.animegan.core.image.PlanarPixels;
import dev.animegan.core.image.RgbImage;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** 8-bit RGB images to and from the networks' NCHW float tensors in [-1, 1] (v / 127.5 - 1). */
public final class ImageTensors {
  private ImageTensors() {}

  /** [N, 3, H, W]; every image must have the same size. */
  public static INDArray batch(List<RgbImage> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images");
    }
    int w = images.get(0).width();
    int h = images.get(0).height();
    int size = 3 * w * h;
    float[] data = new float[images.size() * size];
    for (int n = 0; n < images.size(); n++) {
      RgbImage img = images.get(n);
      if (img.width() != w || img.height() != h) {
        throw new IllegalArgumentException("image " + n + " is " + img.width() + "x" + img.height() + ", expected " + w + "x" + h);
      }
      PlanarPixels.toPlanar(img, 0, 0, w, h, data, n * size);
    }
    return Nd4j.create(data, new long[] {images.size(), 3, h, w}, 'c');
  }

  /** Image {@code n} of an [N, 3, H, W] tensor: round((y + 1) * 127.5), clamped to 0..255. */
  public static RgbImage image(INDArray y, int n) {
    int h = (int) y.size(2);
    int w = (int) y.size(3);
    float[] data = y.get(org.nd4j.linalg.indexing.NDArrayIndex.point(n)).castTo(DataType.FLOAT).dup('c').data().asFloat();
    return PlanarPixels.fromPlanar(data, 0, w, h);
  }
}
