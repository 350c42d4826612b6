package dev.animegan.spark.common;

import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.fs.Path;

/**
 * File names of every shape ({@code IMG 0001.jpg}, {@code #}, {@code %}, {@code [ ]}, {@code ?},
 * non-Latin scripts) between the listing, Spark rows and every read and write.
 *
 * <p>Rows carry a file as its URI string ({@code Path.toUri().toString()}, percent-encoded), which
 * turns back into the same {@link Path} with {@link #path}; parsing such a string as a plain path
 * instead (as {@code new Path(String)} does) reads {@code %20} literally. Tables and logs show the
 * {@link #display} form, the way {@code hadoop fs -ls} prints it.
 */
public final class FilePaths {
  private FilePaths() {}

  /** The URI string a row carries for {@code p}. */
  public static String uri(Path p) {
    return p.toUri().toString();
  }

  /** The path a row's URI string names. */
  public static Path path(String uri) {
    try {
      return new Path(new URI(uri));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a file URI: " + uri, e);
    }
  }

  /** The user's spelling of the file a URI string names (decoded, as {@code hadoop fs -ls} prints it). */
  public static String display(String uri) {
    return path(uri).toString();
  }

  /**
   * {@code parent/relative} where {@code relative} is a '/'-separated relative name taken literally:
   * no scheme is parsed out of a name like {@code 12:30.jpg}, and no character is decoded.
   */
  public static Path child(Path parent, String relative) {
    URI p = parent.toUri();
    String base = p.getPath().endsWith("/") ? p.getPath() : p.getPath() + "/";
    return new Path(p.getScheme(), p.getAuthority(), base + relative);
  }

  /**
   * The part of {@code file}'s path below {@code root} ('/'-separated, decoded), or its file name
   * when it is not below {@code root}.
   */
  public static String relative(Path root, Path file) {
    String r = root.toUri().getPath().replaceAll("/+$", "");
    String f = file.toUri().getPath();
    return f.startsWith(r + "/") ? f.substring(r.length() + 1) : file.getName();
  }
}
