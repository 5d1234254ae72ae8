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
    if (!addInPlace(buf, offset, length)) {
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
   * text and nothing else: the bytes protobuf itself writes for such a pair. False for anything
   * else, which is then parsed.
   */
  private boolean addInPlace(byte[] buf, int offset, int length) {
    int end = offset + length;
    int p = offset;
    if (p >= end || buf[p++] != 0x0A) {
      return false;
    }
    long keyLength = minimalVarint(buf, p, end);
    if (keyLength <= 0) {
      return false;
    }
    p += StreamIdentity.varintSize(keyLength);
    if (keyLength >= end - p) {
      return false;
    }
    int keyStart = p;
    p += (int) keyLength;
    if (p >= end || !ascii(buf, keyStart, p) || buf[p++] != 0x12) {
      return false;
    }
    long valueLength = minimalVarint(buf, p, end);
    if (valueLength < 0) {
      return false;
    }
    p += StreamIdentity.varintSize(valueLength);
    if (p + valueLength != end || p >= end) {
      return false;
    }
    int valueTag = buf[p++];
    long number = 0;
    int textStart = -1;
    if (valueTag == 0x0A) {
      long textLength = minimalVarint(buf, p, end);
      if (textLength < 0) {
        return false;
      }
      p += StreamIdentity.varintSize(textLength);
      if (p + textLength != end || !ascii(buf, p, end)) {
        return false;
      }
      textStart = p;
    } else if (valueTag == 0x18) {
      number = minimalVarint(buf, p, end);
      if (number == Long.MIN_VALUE || p + StreamIdentity.varintSize(number) != end) {
        return false;
      }
    } else {
      return false;
    }
    StreamIdentity.addHashes(buf, offset, length, sums);
    int k = keyIndex(buf, keyStart, (int) keyLength);
    if (k >= 0 && kinds[k] == ABSENT) {
      if (textStart >= 0) {
        kinds[k] = STRING;
        strings[k] = new String(buf, textStart, end - textStart, StandardCharsets.ISO_8859_1);
      } else {
        kinds[k] = INT;
        numbers[k] = number;
      }
    }
    return true;
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
