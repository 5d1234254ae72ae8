package dev.vitals.streams.slo;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager's fingerprint of a label set: FNV-1a 64 over the labels sorted by name, each name
 * and value followed by the byte 0xff, written as 16 hex digits.
 */
final class Fingerprint {

  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private Fingerprint() {}

  static String of(Map<String, String> labels) {
    long h = OFFSET;
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      h = add(h, e.getKey());
      h = addByte(h, 0xff);
      h = add(h, e.getValue());
      h = addByte(h, 0xff);
    }
    return String.format("%016x", h);
  }

  private static long add(long h, String s) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = addByte(h, b & 0xff);
    }
    return h;
  }

  private static long addByte(long h, int b) {
    return (h ^ b) * PRIME;
  }
}
