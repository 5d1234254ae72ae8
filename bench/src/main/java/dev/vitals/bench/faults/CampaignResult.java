package dev.vitals.bench.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** What a campaign measured and checked, and its report for {@code bench/RESULTS.md}. */
record CampaignResult(
    Settings settings,
    Instant startedAt,
    Duration took,
    List<Attempt> ledger,
    List<String> faults,
    List<Check> checks,
    List<Measurement> measurements,
    Path dir) {

  List<Check> failed() {
    return checks.stream().filter(c -> !c.passed()).toList();
  }

  /** The markdown section, {@code ## Fault campaign (<mode>)}. */
  String markdown(String machine) {
    StringBuilder b = new StringBuilder();
    b.append("## Fault campaign (").append(settings.name()).append(")\n\n");
    b.append(
        "Written by `dev.vitals.bench.faults.FaultCampaign` (see README.md), which replaces this"
            + " section on every run.\n\n");
    b.append(machine).append("\n\n");
    long acked = ledger.stream().filter(Attempt::acknowledged).count();
    b.append(
        String.format(
            "Run %s, %d min %d s. Load: %d senders × %d requests/s × %d spans over %d services"
                + " (`checkout` failing: 100 %% error spans); %,d requests, %,d acknowledged."
                + " Windows %d s, grace %d s; ingest `kafkaTimeout` %d s; streams"
                + " consumer settings: %s.%n%n",
            startedAt.truncatedTo(ChronoUnit.SECONDS),
            took.toMinutes(),
            took.toSecondsPart(),
            settings.senders(),
            settings.requestsPerSecondPerSender(),
            settings.spansPerRequest(),
            settings.services(),
            ledger.size(),
            acked,
            settings.window().toSeconds(),
            settings.grace().toSeconds(),
            settings.kafkaTimeout().toSeconds(),
            settings.streamsClientProperties().isEmpty()
                ? "the stage's defaults (session.timeout.ms 15 s, static membership)"
                : settings
                    .streamsClientProperties()
                    .strip()
                    .replace("\n", ",")
                    .replaceAll(" +", " ")));
    b.append("| fault | measured | checks |\n|---|---|---|\n");
    for (String fault : faults) {
      StringBuilder m = new StringBuilder();
      for (Measurement x : measurements) {
        if (x.fault().equals(fault)) {
          m.append(x.what()).append(": ").append(format(x)).append("<br>");
        }
      }
      StringBuilder c = new StringBuilder();
      for (Check x : checks) {
        if (x.fault().equals(fault)) {
          c.append(x.passed() ? "✔ " : "✘ **")
              .append(x.name())
              .append(x.passed() ? "" : "**")
              .append(String.format(" (%.0f s)", x.seconds()))
              .append("<br>");
        }
      }
      b.append("| ").append(fault).append(" | ").append(m).append(" | ").append(c).append(" |\n");
    }
    b.append("\n### Checks in detail\n\n");
    for (Check c : checks) {
      b.append("- ")
          .append(c.passed() ? "PASS" : "**FAIL**")
          .append(" ")
          .append(c.fault())
          .append(" / ")
          .append(c.name())
          .append(": ")
          .append(c.detail().replace("|", "\\|"))
          .append("\n");
    }
    return b.toString();
  }

  private static String format(Measurement m) {
    if (m.value() < 0) {
      return "**not reached**";
    }
    return m.unit().equals("s")
        ? String.format("%.1f s", m.value())
        : String.format("%.0f %s", m.value(), m.unit());
  }
}
