package dev.animegan.model;

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
    int plane = w * h;
    float[] data = new float[images.size() * 3 * plane];
    for (int n = 0; n < images.size(); n++) {
      RgbImage img = images.get(n);
      if (img.width() != w || img.height() != h) {
        throw new IllegalArgumentException("image " + n + " is " + img.width() + "x" + img.height() + ", expected " + w + "x" + h);
      }
      byte[] rgb = img.data();
      int base = n * 3 * plane;
      for (int i = 0; i < plane; i++) {
        data[base + i] = (rgb[3 * i] & 0xFF) / 127.5f - 1f;
        data[base + plane + i] = (rgb[3 * i + 1] & 0xFF) / 127.5f - 1f;
        data[base + 2 * plane + i] = (rgb[3 * i + 2] & 0xFF) / 127.5f - 1f;
      }
    }
    return Nd4j.create(data, new long[] {images.size(), 3, h, w}, 'c');
  }

  /** Image {@code n} of an [N, 3, H, W] tensor: round((y + 1) * 127.5), clamped to 0..255. */
  public static RgbImage image(INDArray y, int n) {
    int h = (int) y.size(2);
    int w = (int) y.size(3);
    float[] data = y.get(org.nd4j.linalg.indexing.NDArrayIndex.point(n)).castTo(DataType.FLOAT).dup('c').data().asFloat();
    int plane = w * h;
    byte[] rgb = new byte[3 * plane];
    for (int i = 0; i < plane; i++) {
      rgb[3 * i] = (byte) to8(data[i]);
      rgb[3 * i + 1] = (byte) to8(data[plane + i]);
      rgb[3 * i + 2] = (byte) to8(data[2 * plane + i]);
    }
    return new RgbImage(w, h, rgb);
  }

  private static int to8(float v) {
    int x = Math.round((v + 1f) * 127.5f);
    return x < 0 ? 0 : Math.min(x, 255);
  }
}
