package dev.vitals.streams.window;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A 128-bit hash of a metric stream's identity (resource attributes, scope name and version, metric
 * name, unit and type, point attributes). Attribute order does not matter. The hash is stable
 * across processes: it is a state-store key.
 */
final class StreamIdentity {

  static final long SEED_A = 0x9E3779B97F4A7C15L;
  static final long SEED_B = 0xC2B2AE3D27D4EB4FL;
  private static final long PRIME = 0x100000001B3L;

  private long a;
  private long b;

  StreamIdentity() {}

  StreamIdentity(StreamIdentity from) {
    a = from.a;
    b = from.b;
  }

  StreamIdentity attributes(List<KeyValue> attributes) {
    long sumA = 0;
    long sumB = 0;
    long[] h = new long[2];
    for (KeyValue kv : attributes) {
      attributeHashes(kv, h);
      sumA += h[0];
      sumB += h[1];
    }
    return mix(sumA, sumB);
  }

  /** Mixes in attributes whose {@link #attributeHashes} add up to {@code sumA} and {@code sumB}. */
  StreamIdentity attributeSums(long sumA, long sumB) {
    return mix(sumA, sumB);
  }

  StreamIdentity text(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    return mix(hash(bytes, SEED_A), hash(bytes, SEED_B));
  }

  StreamIdentity number(long v) {
    return mix(fmix(v ^ SEED_A), fmix(v ^ SEED_B));
  }

  /** Resource part only: the "process" half of the first-point rule. */
  long resourceHash() {
    return a;
  }

  SeriesGroup.Id id() {
    return new SeriesGroup.Id(a, b);
  }

  byte[] toBytes() {
    return new BinaryWriter(16).putLong(a).putLong(b).toBytes();
  }

  private StreamIdentity mix(long x, long y) {
    a = fmix(a * 31 + x);
    b = fmix(b * 37 + y);
    return this;
  }

  static long hash(byte[] bytes, long seed) {
    return hash(bytes, 0, bytes.length, seed);
  }

  /**
   * Adds {@link #hash(byte[], long)} of {@code length} bytes from {@code offset} with {@link
   * #SEED_A} to {@code sums[0]} and with {@link #SEED_B} to {@code sums[1]}, in one pass.
   */
  static void addHashes(byte[] bytes, int offset, int length, long[] sums) {
    long a = SEED_A ^ length;
    long b = SEED_B ^ length;
    for (int i = offset, end = offset + length; i < end; i++) {
      int v = bytes[i] & 0xFF;
      a = (a ^ v) * PRIME;
      b = (b ^ v) * PRIME;
    }
    sums[0] += fmix(a);
    sums[1] += fmix(b);
  }

  /** {@link #hash(byte[], long)} of {@code length} bytes from {@code offset}. */
  static long hash(byte[] bytes, int offset, int length, long seed) {
    long h = seed ^ length;
    for (int i = offset, end = offset + length; i < end; i++) {
      h = (h ^ (bytes[i] & 0xFF)) * PRIME;
    }
    return fmix(h);
  }

  /**
   * Both seeds' {@code hash(kv.toByteArray(), seed)} into {@code out}, without serializing the
   * common attributes: an ASCII key with an ASCII string or an integer value is hashed from the
   * bytes protobuf would write for it (the key field, then the value message with its one field).
   * Anything else is serialized.
   */
  static void attributeHashes(KeyValue kv, long[] out) {
    String key = kv.getKey();
    if (key.isEmpty() || !kv.hasValue() || hasUnknownFields(kv)) {
      serializedHashes(kv, out);
      return;
    }
    AnyValue value = kv.getValue();
    String text = null;
    long number = 0;
    int valueLength;
    switch (value.getValueCase()) {
      case STRING_VALUE:
        text = value.getStringValue();
        valueLength = 1 + varintSize(text.length()) + text.length();
        break;
      case INT_VALUE:
        number = value.getIntValue();
        valueLength = 1 + varintSize(number);
        break;
      default:
        serializedHashes(kv, out);
        return;
    }
    int length = 1 + varintSize(key.length()) + key.length() + 1 + varintSize(valueLength);
    length += valueLength;
    Fnv h = new Fnv(SEED_A ^ length, SEED_B ^ length);
    h.add(0x0A).varint(key.length()).ascii(key);
    h.add(0x12).varint(valueLength);
    if (text != null) {
      h.add(0x0A).varint(text.length()).ascii(text);
    } else {
      h.add(0x18).varint(number);
    }
    if (h.nonAscii) {
      // A character that UTF-8 writes as several bytes: hash the real bytes.
      serializedHashes(kv, out);
      return;
    }
    out[0] = fmix(h.a);
    out[1] = fmix(h.b);
  }

  private static void serializedHashes(KeyValue kv, long[] out) {
    byte[] bytes = kv.toByteArray();
    out[0] = hash(bytes, SEED_A);
    out[1] = hash(bytes, SEED_B);
  }

  /** FNV-1a over the same bytes from two seeds at once. */
  private static final class Fnv {
    long a;
    long b;
    boolean nonAscii;

    Fnv(long a, long b) {
      this.a = a;
      this.b = b;
    }

    Fnv add(int v) {
      a = (a ^ v) * PRIME;
      b = (b ^ v) * PRIME;
      return this;
    }

    Fnv ascii(String s) {
      int seen = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        seen |= c;
        a = (a ^ c) * PRIME;
        b = (b ^ c) * PRIME;
      }
      nonAscii |= seen >= 0x80;
      return this;
    }

    Fnv varint(long v) {
      while ((v & ~0x7FL) != 0) {
        add((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      return add((int) v);
    }
  }

  private static boolean hasUnknownFields(KeyValue kv) {
    return kv.getUnknownFields().getSerializedSize() != 0
        || kv.getValue().getUnknownFields().getSerializedSize() != 0;
  }

  static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xFF51AFD7ED558CCDL;
    k ^= k >>> 33;
    k *= 0xC4CEB9FE1A85EC53L;
    k ^= k >>> 33;
    return k;
  }
}
