package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded version of the replay soak that CI runs: ten services of a steady shop with one of
 * each scripted incident (half a day), replayed as fast as ingest takes it through the real
 * pipeline. The full version (50 services, 30 days) runs from the command line; its numbers are in
 * bench/RESULTS.md.
 */
class ReplaySoakIT {

  @TempDir Path dir;

  @Test
  @Timeout(900)
  void aReplayOfASteadyShopRaisesOnlyItsIncidentsAlertsAndLosesNothingToLateness()
      throws Exception {
    ReplaySoak.Result r = ReplaySoak.run(10, Duration.ofHours(12), dir);
    System.out.print(r.report());

    assertThat(r.exportsFailed()).as("exports ingest refused").isZero();
    assertThat(r.falseAlerts()).as("false pages and tickets").isEmpty();
    assertThat(r.missed()).as("missed incidents").isEmpty();
    assertThat(r.lateDropped()).as("on-time points dropped as late").isZero();
    assertThat(r.lateCorrected()).as("on-time points that corrected a window").isZero();
    assertThat(r.silentWindowsOfSendingServices())
        .as("silent windows of sending services")
        .isZero();
  }
}
