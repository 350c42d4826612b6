package dev.animegan.core.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The top-level boxes of an ISO base media file (MP4, MOV, M4V): used to tell a truncated file
 * (a box runs past the end of the file) from a corrupt one when FFmpeg cannot open it.
 */
final class IsoBoxes {
  private IsoBoxes() {}

  /** A message when {@code file} is an ISO media file whose last box is cut short; null otherwise. */
  static String truncation(Path file, long size) {
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer head = ByteBuffer.allocate(16);
      long pos = 0;
      boolean sawFtyp = false;
      while (pos + 8 <= size) {
        head.clear();
        ch.read(head, pos);
        head.flip();
        if (head.remaining() < 8) {
          return null;
        }
        long box = head.getInt() & 0xFFFFFFFFL;
        String type = new String(new byte[] {head.get(), head.get(), head.get(), head.get()},
            java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!sawFtyp) {
          if (!type.equals("ftyp")) {
            return null; // not an ISO media file
          }
          sawFtyp = true;
        }
        if (box == 1 && head.remaining() >= 8) {
          box = head.getLong();
        } else if (box == 0) {
          box = size - pos;
        }
        if (box < 8) {
          return null;
        }
        if (pos + box > size) {
          return String.format(Locale.ROOT, "the file ends inside its '%s' box: %d of %d bytes present (cut short?)",
              type, size - pos, box);
        }
        pos += box;
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
