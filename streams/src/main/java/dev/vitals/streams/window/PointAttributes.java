package dev.vitals.streams.window;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What the metrics reader needs of a data point's attributes: the first value of each key {@link
 * Semconv} reads, and the sums of the attributes' identity hashes ({@link StreamIdentity}). Read
 * from the protobuf bytes of each {@code KeyValue}: an ASCII key with an ASCII string or an integer
 * value, written as protobuf writes it, is hashed and read in place (its bytes are the serialized
 * form {@link StreamIdentity} hashes); anything else is parsed.
 */
final class PointAttributes implements Semconv.Attributes {

  /** The keys {@link Semconv#operation} and {@link Semconv#failed} read. */
  private static final String[] KEYS = {
    Semconv.HTTP_ROUTE,
    Semconv.RPC_METHOD,
    Semconv.RPC_SERVICE,
    Semconv.HTTP_STATUS,
    Semconv.HTTP_STATUS_OLD,
    Semconv.GRPC_STATUS,
    Semconv.ERROR_TYPE
  };

  private static final byte[][] KEY_BYTES = new byte[KEYS.length][];

  static {
    for (int i = 0; i < KEYS.length; i++) {
      KEY_BYTES[i] = KEYS[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  private static final byte ABSENT = 0;
  private static final byte STRING = 1;
  private static final byte INT = 2;
  private static final byte BOOL = 3;
  private static final byte OTHER = 4;

  private final byte[] kinds = new byte[KEYS.length];
  private final String[] strings = new String[KEYS.length];
  private final long[] numbers = new long[KEYS.length];

  /** The sums of the attributes' hashes with {@link StreamIdentity#SEED_A} and {@code SEED_B}. */
  private final long[] sums = new long[2];

  private final Memo memo;

  PointAttributes() {
    this(null);
  }

  /** Attributes read with {@code memo}, shared by the points of one record (null: none). */
  PointAttributes(Memo memo) {
    this.memo = memo;
  }

  /**
   * What was read from the bytes of one {@code KeyValue}: its hashes and, for a key {@link Semconv}
   * reads, its value.
   */
  private record Read(long hashA, long hashB, int key, byte kind, String string, long number) {}

  /**
   * The attributes read lately, by their bytes: the points of a record repeat a few routes, methods
   * and status codes, and a repeat found here is not checked, hashed or turned into a string again.
   * Direct-mapped (a slot holds the last attribute that fell into it), so bounded; a slot is
   * trusted only when its bytes equal the attribute's.
   */
  static final class Memo {
    private static final int SLOTS = 64;
    private static final int MAX_BYTES = 128;
    private static final java.lang.invoke.VarHandle LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private final byte[][] bytes = new byte[SLOTS][];
    private final Read[] reads = new Read[SLOTS];

    static int slot(byte[] buf, int offset, int length) {
      long x = length;
      if (length >= 8) {
        x ^= (long) LONGS.get(buf, offset + length - 8);
        x ^= Long.rotateLeft((long) LONGS.get(buf, offset + (length - 8) / 2), 29);
      } else {
        for (int i = offset; i < offset + length; i++) {
          x = x * 31 + buf[i];
        }
      }
      x *= 0x9E3779B97F4A7C15L;
      return (int) (x >>> 58); // SLOTS = 64
    }

    Read find(byte[] buf, int offset, int length, int slot) {
      byte[] known = bytes[slot];
      return known != null
              && known.length == length
              && Arrays.equals(known, 0, length, buf, offset, offset + length)
          ? reads[slot]
          : null;
    }

    void keep(byte[] buf, int offset, int length, int slot, Read read) {
      if (length <= MAX_BYTES) {
        bytes[slot] = Arrays.copyOfRange(buf, offset, offset + length);
        reads[slot] = read;
      }
    }
  }

  /** The attributes of a parsed point. */
  static PointAttributes of(List<KeyValue> attributes) {
    PointAttributes out = new PointAttributes();
    for (KeyValue kv : attributes) {
      out.add(kv);
    }
    return out;
  }

  /** Adds one {@code KeyValue} from its protobuf bytes. */
  void add(byte[] buf, int offset, int length) {
    int slot = memo == null ? 0 : Memo.slot(buf, offset, length);
    Read read = memo == null ? null : memo.find(buf, offset, length, slot);
    if (read == null) {
      read = readInPlace(buf, offset, length);
      if (read != null && memo != null) {
        memo.keep(buf, offset, length, slot, read);
      }
    }
    if (read != null) {
      sums[0] += read.hashA();
      sums[1] += read.hashB();
      if (read.key() >= 0 && kinds[read.key()] == ABSENT) {
        kinds[read.key()] = read.kind();
        strings[read.key()] = read.string();
        numbers[read.key()] = read.number();
      }
    } else {
      try {
        add(KeyValue.parseFrom(ByteBuffer.wrap(buf, offset, length)));
      } catch (InvalidProtocolBufferException e) {
        throw new WireReader.Malformed("attribute: " + e.getMessage());
      }
    }
  }

  private void add(KeyValue kv) {
    long[] h = new long[2];
    StreamIdentity.attributeHashes(kv, h);
    sums[0] += h[0];
    sums[1] += h[1];
    int k = keyIndex(kv.getKey());
    if (k < 0 || kinds[k] != ABSENT) {
      return;
    }
    AnyValue v = kv.getValue();
    switch (v.getValueCase()) {
      case STRING_VALUE:
        kinds[k] = STRING;
        strings[k] = v.getStringValue();
        break;
      case INT_VALUE:
        kinds[k] = INT;
        numbers[k] = v.getIntValue();
        break;
      case BOOL_VALUE:
        kinds[k] = BOOL;
        numbers[k] = v.getBoolValue() ? 1 : 0;
        break;
      default:
        kinds[k] = OTHER;
        break;
    }
  }

  /**
   * Reads {@code 0x0A len key 0x12 len (0x0A len string | 0x18 varint)} with minimal varints, ASCII
   * text and nothing else: the bytes protobuf itself writes for such a pair. Null for anything
   * else, which is then parsed.
   */
  private static Read readInPlace(byte[] buf, int offset, int length) {
    int end = offset + length;
    int p = offset;
    if (p >= end || buf[p++] != 0x0A) {
      return null;
    }
    long keyLength = minimalVarint(buf, p, end);
    if (keyLength <= 0) {
      return null;
    }
    p += StreamIdentity.varintSize(keyLength);
    if (keyLength >= end - p) {
      return null;
    }
    int keyStart = p;
    p += (int) keyLength;
    if (p >= end || !ascii(buf, keyStart, p) || buf[p++] != 0x12) {
      return null;
    }
    long valueLength = minimalVarint(buf, p, end);
    if (valueLength < 0) {
      return null;
    }
    p += StreamIdentity.varintSize(valueLength);
    if (p + valueLength != end || p >= end) {
      return null;
    }
    int valueTag = buf[p++];
    long number = 0;
    int textStart = -1;
    if (valueTag == 0x0A) {
      long textLength = minimalVarint(buf, p, end);
      if (textLength < 0) {
        return null;
      }
      p += StreamIdentity.varintSize(textLength);
      if (p + textLength != end || !ascii(buf, p, end)) {
        return null;
      }
      textStart = p;
    } else if (valueTag == 0x18) {
      number = minimalVarint(buf, p, end);
      if (number == Long.MIN_VALUE || p + StreamIdentity.varintSize(number) != end) {
        return null;
      }
    } else {
      return null;
    }
    long[] h = new long[2];
    StreamIdentity.addHashes(buf, offset, length, h);
    int k = keyIndex(buf, keyStart, (int) keyLength);
    if (k < 0) {
      return new Read(h[0], h[1], -1, ABSENT, null, 0);
    }
    return textStart >= 0
        ? new Read(
            h[0],
            h[1],
            k,
            STRING,
            new String(buf, textStart, end - textStart, StandardCharsets.ISO_8859_1),
            0)
        : new Read(h[0], h[1], k, INT, null, number);
  }

  /**
   * A varint at {@code p} written in as few bytes as possible; {@link Long#MIN_VALUE} when
   * truncated or longer than needed (or that very value, which is then parsed instead).
   */
  private static long minimalVarint(byte[] buf, int p, int end) {
    long value = 0;
    for (int shift = 0, i = p; shift < 64 && i < end; shift += 7, i++) {
      byte b = buf[i];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        boolean minimal = i == p || b != 0;
        return minimal ? value : Long.MIN_VALUE;
      }
    }
    return Long.MIN_VALUE;
  }

  private static boolean ascii(byte[] buf, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] < 0) {
        return false;
      }
    }
    return true;
  }

  private static int keyIndex(String key) {
    for (int i = 0; i < KEYS.length; i++) {
      if (KEYS[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private static int keyIndex(byte[] buf, int offset, int length) {
    for (int i = 0; i < KEY_BYTES.length; i++) {
      byte[] key = KEY_BYTES[i];
      if (key.length == length && Arrays.equals(key, 0, length, buf, offset, offset + length)) {
        return i;
      }
    }
    return -1;
  }

  private static int knownKey(String key) {
    int k = keyIndex(key);
    if (k < 0) {
      throw new IllegalArgumentException("key: " + key + " (expected: one of Semconv's)");
    }
    return k;
  }

  /** The identity of the point's stream: {@code metric} and these attributes. */
  StreamIdentity identity(StreamIdentity metric) {
    return new StreamIdentity(metric).attributeSums(sums[0], sums[1]);
  }

  @Override
  public String string(String key) {
    int k = knownKey(key);
    switch (kinds[k]) {
      case STRING:
        return strings[k];
      case INT:
        return Long.toString(numbers[k]);
      case BOOL:
        return Boolean.toString(numbers[k] != 0);
      default:
        return null;
    }
  }

  @Override
  public long integer(String key) {
    int k = knownKey(key);
    switch (kinds[k]) {
      case INT:
        return numbers[k];
      case STRING:
        return Semconv.parseInteger(strings[k]);
      default:
        return -1;
    }
  }
}
