package dev.animegan.spark.testing;

import dev.animegan.core.image.RgbImage;
import dev.animegan.core.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * File names of the shapes real archives hold, each with distinct image content, written through
 * Hadoop's FileSystem (local or HDFS).
 */
public final class OddNames {
  private OddNames() {}

  /** Relative names valid on every Hadoop file system (HDFS refuses ':' in names). */
  public static final List<String> PORTABLE = List.of(
      "IMG 0001.jpg",
      "Summer 2019/beach day.jpg",
      "name with spaces & ünïcode.jpg",
      "#1.jpg",
      "100%.png",
      "50%25.jpg", // a literal "%25": decoding twice would find "50%.jpg"
      "a+b=c.jpg",
      "[draft] (1).jpg",
      "why?.jpg",
      "star*.jpg",
      "{braces}.png",
      "semi;colon,comma.jpg",
      "it's.jpg",
      "日本語の写真.jpg",
      "Ελληνικά/φωτογραφία.jpg",
      "caf\u00e9.jpg", // NFC
      "cafe\u0301.jpg", // NFD: another file
      "_DSC0001.JPG",
      ".hidden.jpg",
      "emoji \uD83D\uDCF7.png",
      "deep/er/ still/x.jpg");

  /** Names the local file system also takes. */
  public static final List<String> LOCAL_ONLY = List.of("12:30.jpg", "back\\slash.jpg");

  public static List<String> local() {
    List<String> all = new ArrayList<>(PORTABLE);
    all.addAll(LOCAL_ONLY);
    return all;
  }

  /** Writes each name under {@code root} (a URI string or path) as a distinct 64..(64+n) x 56 image. */
  public static void write(String root, List<String> names, Configuration hconf) throws IOException {
    Path base = new Path(root);
    FileSystem fs = base.getFileSystem(hconf);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      RgbImage img = TestImages.pattern(64 + 3 * i, 56);
      String format = name.toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? "png" : "jpg";
      byte[] bytes = format.equals("png")
          ? TestImages.write(TestImages.toType(img, BufferedImage.TYPE_3BYTE_BGR), "png")
          : TestImages.jpeg(img);
      Path p = new Path(base.toUri().getScheme(), base.toUri().getAuthority(), base.toUri().getPath() + "/" + name);
      if (fs instanceof org.apache.hadoop.fs.LocalFileSystem) {
        // java.nio: Hadoop's local FS cannot create every name (its .crc side file of "12:30.jpg" fails)
        java.nio.file.Path local = java.nio.file.Path.of(base.toUri().getPath(), name.split("/"));
        java.nio.file.Files.createDirectories(local.getParent());
        java.nio.file.Files.write(local, bytes);
        continue;
      }
      try (OutputStream out = fs.create(p, true)) {
        out.write(bytes);
      }
    }
  }

  /** {@code root/name} as Hadoop prints it. */
  public static String display(String root, String name) {
    Path base = new Path(root);
    return new Path(base.toUri().getScheme(), base.toUri().getAuthority(), base.toUri().getPath() + "/" + name).toString();
  }
}
