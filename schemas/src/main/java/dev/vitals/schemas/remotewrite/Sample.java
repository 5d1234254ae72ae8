package dev.vitals.schemas.remotewrite;

/**
 * One sample of a remote-write series: {@code Sample{double value = 1; int64 timestamp = 2;}}, the
 * timestamp in milliseconds since the epoch.
 */
public record Sample(double value, long timestampMs) {

  /** The bits of the NaN Prometheus writes to mark a series stale. */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  /** Whether this sample is the Prometheus staleness marker rather than a measured value. */
  public boolean isStaleMarker() {
    return Double.doubleToRawLongBits(value) == STALE_NAN_BITS;
  }
}
