package dev.vitals.bench.faults;

/**
 * The outcome of one exactness check after one fault.
 *
 * @param seconds how long the check waited until it held (or until it gave up)
 * @param detail the counts it compared; on failure, what differed
 */
record Check(String fault, String name, boolean passed, double seconds, String detail) {

  @Override
  public String toString() {
    return (passed ? "PASS " : "FAIL ")
        + fault
        + " / "
        + name
        + String.format(" (%.1f s): ", seconds)
        + detail;
  }
}
