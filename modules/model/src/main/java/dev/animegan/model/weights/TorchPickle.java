package dev.animegan.model.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal unpickler for the {@code data.pkl} of PyTorch's zip checkpoints ({@code torch.save}):
 * enough of pickle protocols 2 to 4 to rebuild a state dict of tensors. It builds no arbitrary
 * objects: {@code OrderedDict} becomes a map, {@code torch._utils._rebuild_tensor_v2} a
 * {@link TensorRef}, {@code _rebuild_parameter} its tensor, storages {@link StorageRef}s; other
 * globals stay inert markers, so a hostile file cannot run code.
 */
final class TorchPickle {
  /** A module.name reference (pickle GLOBAL). */
  record Global(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  /** A persistent storage reference: zip entry {@code data/KEY}, element type, element count. */
  record StorageRef(String key, String type, long numel) {}

  /** A tensor view of a storage. */
  record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

  /** A call the unpickler does not interpret, kept as data. */
  record Reduced(Object callable, Object args) {}

  private static final Object MARK = new Object();

  private final ByteBuffer in;
  private final Deque<Object> stack = new ArrayDeque<>();
  private final Deque<Deque<Object>> marks = new ArrayDeque<>();
  private final Map<Long, Object> memo = new HashMap<>();

  private TorchPickle(byte[] bytes) {
    this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  static Object load(byte[] bytes) throws IOException {
    return new TorchPickle(bytes).run();
  }

  private List<Object> popMark() {
    List<Object> items = new ArrayList<>();
    while (true) {
      Object o = stack.pop();
      if (o == MARK) {
        break;
      }
      items.add(0, o);
    }
    return items;
  }

  private String line() {
    StringBuilder sb = new StringBuilder();
    byte b;
    while ((b = in.get()) != '\n') {
      sb.append((char) b);
    }
    return sb.toString();
  }

  private String utf8(int n) {
    byte[] b = new byte[n];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private Object run() throws IOException {
    while (in.hasRemaining()) {
      int op = in.get() & 0xFF;
      switch (op) {
        case 0x80 -> in.get(); // PROTO
        case 0x95 -> in.getLong(); // FRAME
        case '.' -> {
          return stack.pop();
        }
        case 'c' -> stack.push(new Global(line(), line()));
        case 0x93 -> { // STACK_GLOBAL
          String name = (String) stack.pop();
          String module = (String) stack.pop();
          stack.push(new Global(module, name));
        }
        case 'q' -> memo.put((long) (in.get() & 0xFF), stack.peek());
        case 'r' -> memo.put(in.getInt() & 0xFFFFFFFFL, stack.peek());
        case 0x94 -> memo.put((long) memo.size(), stack.peek()); // MEMOIZE
        case 'h' -> stack.push(memo.get((long) (in.get() & 0xFF)));
        case 'j' -> stack.push(memo.get(in.getInt() & 0xFFFFFFFFL));
        case '(' -> stack.push(MARK);
        case ')' -> stack.push(List.of());
        case '}' -> stack.push(new LinkedHashMap<>());
        case ']' -> stack.push(new ArrayList<>());
        case 't' -> stack.push(popMark());
        case 0x85 -> stack.push(List.of(stack.pop()));
        case 0x86 -> {
          Object b = stack.pop();
          Object a = stack.pop();
          stack.push(List.of(a, b));
        }
        case 0x87 -> {
          Object c = stack.pop();
          Object b = stack.pop();
          Object a = stack.pop();
          stack.push(List.of(a, b, c));
        }
        case 'K' -> stack.push((long) (in.get() & 0xFF));
        case 'M' -> stack.push((long) (in.getShort() & 0xFFFF));
        case 'J' -> stack.push((long) in.getInt());
        case 0x8a -> { // LONG1
          int n = in.get() & 0xFF;
          long v = 0;
          for (int i = 0; i < n; i++) {
            v |= (long) (in.get() & 0xFF) << (8 * i);
          }
          if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) {
            v -= 1L << (8 * n);
          }
          stack.push(v);
        }
        case 'G' -> stack.push(ByteBuffer.wrap(readBytes(8)).order(ByteOrder.BIG_ENDIAN).getDouble());
        case 'X' -> stack.push(utf8(in.getInt()));
        case 0x8c -> stack.push(utf8(in.get() & 0xFF)); // SHORT_BINUNICODE
        case 'U' -> stack.push(utf8(in.get() & 0xFF)); // SHORT_BINSTRING
        case 'T' -> stack.push(utf8(in.getInt())); // BINSTRING
        case 'N' -> stack.push(Null.NULL);
        case 0x88 -> stack.push(Boolean.TRUE);
        case 0x89 -> stack.push(Boolean.FALSE);
        case 'Q' -> stack.push(persistent(stack.pop()));
        case 'R' -> {
          Object args = stack.pop();
          Object callable = stack.pop();
          stack.push(reduce(callable, (List<?>) args));
        }
        case 0x81 -> { // NEWOBJ
          Object args = stack.pop();
          Object cls = stack.pop();
          stack.push(reduce(cls, (List<?>) args));
        }
        case 's' -> {
          Object v = stack.pop();
          Object k = stack.pop();
          asMap(stack.peek()).put(k, v);
        }
        case 'u' -> {
          List<Object> items = popMark();
          Map<Object, Object> m = asMap(stack.peek());
          for (int i = 0; i + 1 < items.size(); i += 2) {
            m.put(items.get(i), items.get(i + 1));
          }
        }
        case 'a' -> {
          Object v = stack.pop();
          asList(stack.peek()).add(v);
        }
        case 'e' -> {
          List<Object> items = popMark();
          asList(stack.peek()).addAll(items);
        }
        case 'b' -> stack.pop(); // BUILD: object state (e.g. a state dict's _metadata) is not needed
        default -> throw new IOException(String.format("unsupported pickle opcode 0x%02x at byte %d", op, in.position() - 1));
      }
    }
    throw new IOException("pickle ended without STOP");
  }

  private byte[] readBytes(int n) {
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  /** Marker for Python's None (the stack cannot hold null). */
  enum Null { NULL }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> asMap(Object o) throws IOException {
    if (o instanceof Map<?, ?> m) {
      return (Map<Object, Object>) m;
    }
    throw new IOException("SETITEM on a " + (o == null ? "null" : o.getClass().getSimpleName()));
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object o) throws IOException {
    if (o instanceof ArrayList<?> l) {
      return (List<Object>) l;
    }
    throw new IOException("APPEND on a " + (o == null ? "null" : o.getClass().getSimpleName()));
  }

  private static Object persistent(Object pid) throws IOException {
    if (pid instanceof List<?> t && t.size() >= 5 && "storage".equals(t.get(0)) && t.get(1) instanceof Global type) {
      return new StorageRef(String.valueOf(t.get(2)), type.name(), ((Number) t.get(4)).longValue());
    }
    throw new IOException("unsupported persistent id " + pid);
  }

  private static long[] longs(Object o) {
    List<?> l = (List<?>) o;
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) l.get(i)).longValue();
    }
    return out;
  }

  private static Object reduce(Object callable, List<?> args) {
    if (callable instanceof Global g) {
      switch (g.qualified()) {
        case "collections.OrderedDict":
          return new LinkedHashMap<>();
        case "torch._utils._rebuild_tensor_v2":
        case "torch._utils._rebuild_tensor":
          return new TensorRef((StorageRef) args.get(0), ((Number) args.get(1)).longValue(), longs(args.get(2)),
              longs(args.get(3)));
        case "torch._utils._rebuild_parameter":
          return args.get(0);
        default:
          break;
      }
    }
    return new Reduced(callable, args);
  }
}
