package dev.vitals.bench.faults;

/** A measured recovery time (or count) of one fault. */
record Measurement(String fault, String what, double value, String unit) {

  @Override
  public String toString() {
    return fault + ": " + what + " = " + String.format("%.1f", value) + " " + unit;
  }
}
