package dev.vitals.streams.graph;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the dependency graph pairs spans. Edge windows are cut like service windows (their size,
 * grace and correction horizon), so an edge window and its services' windows cover the same time.
 *
 * @param pairingWait how long, in event time, the first half of a call (client or server span)
 *     waits for the other; a client span still alone then becomes a call to a virtual node, a
 *     server span alone is counted as unpaired. Edge windows close this much later than service
 *     windows.
 * @param maxPendingSpans spans waiting for their other half, per task; past it the one due first is
 *     given up early (counted as {@code evicted}), so memory stays bounded however fast spans come
 */
public record GraphSettings(Duration pairingWait, int maxPendingSpans) {

  public static final Duration DEFAULT_PAIRING_WAIT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_PENDING_SPANS = 200_000;

  public static final GraphSettings DEFAULTS =
      new GraphSettings(DEFAULT_PAIRING_WAIT, DEFAULT_MAX_PENDING_SPANS);

  public GraphSettings {
    requireNonNull(pairingWait, "pairingWait");
    if (pairingWait.isNegative()) {
      throw new IllegalArgumentException("pairingWait: " + pairingWait + " (expected: >= 0)");
    }
    if (maxPendingSpans < 1) {
      throw new IllegalArgumentException(
          "maxPendingSpans: " + maxPendingSpans + " (expected: >= 1)");
    }
  }

  public GraphSettings withMaxPendingSpans(int max) {
    return new GraphSettings(pairingWait, max);
  }
}
