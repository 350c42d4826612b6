package dev.animegan.model.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a state dict of float32 tensors as {@code torch.save} does (the zip format of PyTorch 1.6
 * and later): {@code archive/data.pkl}, a protocol-2 pickle of an {@code OrderedDict} whose values
 * are {@code torch._utils._rebuild_tensor_v2} calls over persistent storages, one stored (not
 * deflated) entry {@code archive/data/N} per tensor with its little-endian elements, and
 * {@code archive/version}. {@code torch.load} reads it, and {@code load_state_dict(strict=True)}
 * takes it when the keys and shapes are the module's. Written to a temporary sibling, then renamed.
 */
public final class TorchSave {
  private static final String ROOT = "archive/";

  private TorchSave() {}

  /** Writes {@code tensors} (key order kept) to {@code file}. */
  public static void write(Path file, Map<String, INDArray> tensors) throws IOException {
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    try {
      try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
        zip.setMethod(ZipOutputStream.STORED);
        stored(zip, ROOT + "data.pkl", pickle(tensors));
        int i = 0;
        for (INDArray t : tensors.values()) {
          float[] data = t.castTo(DataType.FLOAT).dup('c').data().asFloat();
          ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
          b.asFloatBuffer().put(data);
          stored(zip, ROOT + "data/" + i++, b.array());
        }
        stored(zip, ROOT + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    ZipEntry e = new ZipEntry(name);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    e.setCompressedSize(bytes.length);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(bytes);
    zip.closeEntry();
  }

  // ---- pickle protocol 2, the opcodes torch.save's data.pkl of a state dict uses

  private static final int PROTO = 0x80;
  private static final int GLOBAL = 'c';
  private static final int EMPTY_TUPLE = ')';
  private static final int REDUCE = 'R';
  private static final int MARK = '(';
  private static final int TUPLE = 't';
  private static final int SETITEMS = 'u';
  private static final int BINUNICODE = 'X';
  private static final int BININT = 'J';
  private static final int LONG1 = 0x8a;
  private static final int BINPERSID = 'Q';
  private static final int NEWFALSE = 0x89;
  private static final int STOP = '.';

  static byte[] pickle(Map<String, INDArray> tensors) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(PROTO);
    out.write(2);
    global(out, "collections", "OrderedDict");
    out.write(EMPTY_TUPLE);
    out.write(REDUCE);
    out.write(MARK);
    int i = 0;
    for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
      INDArray t = e.getValue();
      long[] shape = t.shape();
      long[] stride = new long[shape.length];
      long s = 1;
      for (int d = shape.length - 1; d >= 0; d--) {
        stride[d] = s;
        s *= shape[d];
      }
      unicode(out, e.getKey());
      global(out, "torch._utils", "_rebuild_tensor_v2");
      out.write(MARK);
      // the storage: persistent id ('storage', torch.FloatStorage, key, location, numel)
      out.write(MARK);
      unicode(out, "storage");
      global(out, "torch", "FloatStorage");
      unicode(out, Integer.toString(i++));
      unicode(out, "cpu");
      integer(out, t.length());
      out.write(TUPLE);
      out.write(BINPERSID);
      integer(out, 0); // storage offset
      tuple(out, shape);
      tuple(out, stride);
      out.write(NEWFALSE); // requires_grad
      global(out, "collections", "OrderedDict"); // backward hooks
      out.write(EMPTY_TUPLE);
      out.write(REDUCE);
      out.write(TUPLE);
      out.write(REDUCE);
    }
    out.write(SETITEMS);
    out.write(STOP);
    return out.toByteArray();
  }

  private static void global(ByteArrayOutputStream out, String module, String name) {
    out.write(GLOBAL);
    byte[] b = (module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII);
    out.write(b, 0, b.length);
  }

  private static void unicode(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(BINUNICODE);
    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array(), 0, 4);
    out.write(b, 0, b.length);
  }

  private static void integer(ByteArrayOutputStream out, long v) {
    if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      out.write(BININT);
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array(), 0, 4);
    } else {
      out.write(LONG1);
      out.write(8);
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array(), 0, 8);
    }
  }

  private static void tuple(ByteArrayOutputStream out, long[] values) {
    out.write(MARK);
    for (long v : values) {
      integer(out, v);
    }
    out.write(TUPLE);
  }
}
