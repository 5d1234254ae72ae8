package dev.vitals.bench.faults;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What the campaign measured and checked, in the order it happened, also printed as it happens. */
final class Journal {

  private final Set<String> faults = new LinkedHashSet<>();
  private final List<Check> checks = new ArrayList<>();
  private final List<Measurement> measurements = new ArrayList<>();

  void measure(String fault, String what, double value, String unit) {
    Measurement m = new Measurement(fault, what, value, unit);
    faults.add(fault);
    measurements.add(m);
    log(m.toString());
  }

  void check(Check c) {
    faults.add(c.fault());
    checks.add(c);
    log(c.toString());
  }

  /** The faults (and phases) in the order they came. */
  List<String> faults() {
    return List.copyOf(faults);
  }

  List<Check> checks() {
    return List.copyOf(checks);
  }

  List<Measurement> measurements() {
    return List.copyOf(measurements);
  }

  static void log(String message) {
    System.out.println(Instant.now() + " [faults] " + message);
    System.out.flush();
  }
}
