package dev.animegan.core.image;

import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;

/**
 * Picks the ImageIO reader for each format. TwelveMonkeys' plugins are registered explicitly
 * (not through the service loader) so they are found on Spark executors whatever class loader
 * first touched ImageIO there.
 */
final class ImageReaders {
  private static volatile boolean registered;

  private ImageReaders() {}

  private static void ensureRegistered() {
    if (registered) {
      return;
    }
    synchronized (ImageReaders.class) {
      if (registered) {
        return;
      }
      ImageIO.setUseCache(false);
      IIORegistry registry = IIORegistry.getDefaultInstance();
      for (ImageReaderSpi spi : new ImageReaderSpi[] {
          new com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi(),
          new com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi(),
          new com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi(),
          new com.twelvemonkeys.imageio.plugins.bmp.BMPImageReaderSpi()}) {
        registry.registerServiceProvider(spi, ImageReaderSpi.class);
      }
      registered = true;
    }
  }

  /** A new reader for {@code format}, or null when none is available. The caller disposes it. */
  static ImageReader create(ImageFormat format) {
    ensureRegistered();
    // PNG and GIF: the JDK's readers are complete and fast. Others: TwelveMonkeys handles more
    // variants (CMYK/YCCK JPEG, more TIFF compressions, WebP at all).
    String preferred = switch (format) {
      case PNG, GIF -> "com.sun.imageio.";
      default -> "com.twelvemonkeys.";
    };
    ImageReader fallback = null;
    Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format.code());
    while (it.hasNext()) {
      ImageReader r = it.next();
      if (r.getClass().getName().startsWith(preferred)) {
        if (fallback != null) {
          fallback.dispose();
        }
        return r;
      }
      if (fallback == null) {
        fallback = r;
      } else {
        r.dispose();
      }
    }
    return fallback;
  }
}
