package dev.vitals.bench.faults;

/**
 * One request the load client sent: which service, how many spans (all ending at {@code eventMs}),
 * to which ingest, and how it was answered.
 *
 * @param id the ledger's number; the spans' ids are {@code id << 8 | index}
 * @param sender the load thread that sent it
 * @param ingest index of the ingest process it went to
 * @param status the HTTP status, or {@link #NO_ANSWER} when none came (connection refused or reset,
 *     timeout)
 * @param retryAfter whether a retryable answer carried {@code Retry-After}
 */
record Attempt(
    long id,
    int sender,
    int service,
    long eventMs,
    int spans,
    int ingest,
    long sentAtMs,
    long latencyMs,
    int status,
    boolean retryAfter,
    String failure) {

  static final int NO_ANSWER = 0;

  Attempt {
    if (spans < 1 || spans > 255) {
      throw new IllegalArgumentException("spans: " + spans + " (expected: 1..255)");
    }
  }

  boolean acknowledged() {
    return status == 200;
  }

  long answeredAtMs() {
    return sentAtMs + latencyMs;
  }
}
