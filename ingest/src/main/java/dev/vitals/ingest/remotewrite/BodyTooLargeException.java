package dev.vitals.ingest.remotewrite;

/**
 * The snappy header declares more decompressed bytes than the receiver accepts; HTTP answers 413.
 * Thrown before anything is decompressed, so a compression bomb costs no memory.
 */
public final class BodyTooLargeException extends Exception {

  private static final long serialVersionUID = 1L;

  private final long declaredBytes;
  private final long limitBytes;

  public BodyTooLargeException(long declaredBytes, long limitBytes) {
    super(
        "decompressed body: "
            + declaredBytes
            + " bytes declared (expected: <= "
            + limitBytes
            + ")");
    this.declaredBytes = declaredBytes;
    this.limitBytes = limitBytes;
  }

  public long declaredBytes() {
    return declaredBytes;
  }

  public long limitBytes() {
    return limitBytes;
  }
}
