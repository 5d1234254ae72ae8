package dev.vitals.streams.window;

import dev.vitals.schemas.ServiceKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key layouts of the window stores. Accumulator keys start with the window start (8 bytes,
 * big-endian) so that one window is one key range, then the service key, a 0 byte and, for an
 * operation, a 1 byte and its name: the service level sorts just before its operations.
 */
final class StoreKeys {

  private StoreKeys() {}

  static byte[] accumulator(long windowStartMs, byte[] service, String operation) {
    BinaryWriter out = new BinaryWriter(16 + service.length);
    out.putLong(windowStartMs).putRaw(service).putByte(0);
    if (operation != null) {
      out.putByte(1).putRaw(operation.getBytes(StandardCharsets.UTF_8));
    }
    return out.toBytes();
  }

  /** The first key of a window's range (and the end of the previous window's range). */
  static byte[] windowFrom(long windowStartMs) {
    return new BinaryWriter(8).putLong(windowStartMs).toBytes();
  }

  /** The decoded parts of an accumulator key. */
  // Carries encoded bytes between steps; never compared or hashed, so array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  record AccumulatorKey(
      long windowStartMs, ServiceKey service, byte[] serviceBytes, String operation) {}

  static AccumulatorKey parseAccumulator(byte[] key) {
    long start = new BinaryReader(key).getLong();
    int zero = 8;
    while (key[zero] != 0) {
      zero++;
    }
    byte[] service = Arrays.copyOfRange(key, 8, zero);
    String operation =
        zero + 1 < key.length
            ? new String(key, zero + 2, key.length - zero - 2, StandardCharsets.UTF_8)
            : null;
    return new AccumulatorKey(
        start, ServiceKey.parse(new String(service, StandardCharsets.UTF_8)), service, operation);
  }

  /** A key under a service: service key bytes, a 0 byte, then {@code suffix}. */
  static byte[] underService(byte[] service, byte[] suffix) {
    byte[] out = new byte[service.length + 1 + suffix.length];
    System.arraycopy(service, 0, out, 0, service.length);
    System.arraycopy(suffix, 0, out, service.length + 1, suffix.length);
    return out;
  }

  /** The first byte of a {@link SeriesGroup}'s key suffix, before the metric's 128-bit identity. */
  static final byte SERIES_GROUP = 'g';

  /** The key of a {@link SeriesGroup}: under the service, {@link #SERIES_GROUP} and 16 bytes. */
  static byte[] seriesGroup(byte[] service, byte[] metricIdentity) {
    byte[] suffix = new byte[1 + metricIdentity.length];
    suffix[0] = SERIES_GROUP;
    System.arraycopy(metricIdentity, 0, suffix, 1, metricIdentity.length);
    return underService(service, suffix);
  }

  /** Whether a key of the series store is a group's (not one stream's, as older versions wrote). */
  static boolean isSeriesGroup(byte[] key) {
    int service = serviceOf(key).length;
    return key.length == service + 1 + 17 && key[service + 1] == SERIES_GROUP;
  }

  /** The service part of a key made by {@link #underService}. */
  static byte[] serviceOf(byte[] key) {
    int zero = 0;
    while (key[zero] != 0) {
      zero++;
    }
    return Arrays.copyOf(key, zero);
  }
}
