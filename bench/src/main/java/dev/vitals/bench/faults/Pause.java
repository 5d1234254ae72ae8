package dev.vitals.bench.faults;

import java.time.Duration;

/**
 * Waiting in the campaign: faults last a stated time of the wall clock (that is what is measured),
 * and polls wait between looks. An interrupt ends the wait and is kept.
 */
public final class Pause {

  private Pause() {}

  public static void millis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void of(Duration d) {
    millis(d.toMillis());
  }
}
