package dev.vitals.streams.window;

import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A 128-bit hash of a metric stream's identity (resource attributes, scope name and version, metric
 * name, unit and type, point attributes). Attribute order does not matter. The hash is stable
 * across processes: it is a state-store key.
 */
final class StreamIdentity {

  private static final long SEED_A = 0x9E3779B97F4A7C15L;
  private static final long SEED_B = 0xC2B2AE3D27D4EB4FL;

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
    for (KeyValue kv : attributes) {
      byte[] bytes = kv.toByteArray();
      sumA += hash(bytes, SEED_A);
      sumB += hash(bytes, SEED_B);
    }
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

  byte[] toBytes() {
    return new BinaryWriter(16).putLong(a).putLong(b).toBytes();
  }

  private StreamIdentity mix(long x, long y) {
    a = fmix(a * 31 + x);
    b = fmix(b * 37 + y);
    return this;
  }

  private static long hash(byte[] bytes, long seed) {
    long h = seed ^ bytes.length;
    for (byte v : bytes) {
      h = (h ^ (v & 0xFF)) * 0x100000001B3L;
    }
    return fmix(h);
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
