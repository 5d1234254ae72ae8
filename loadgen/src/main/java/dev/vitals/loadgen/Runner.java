package dev.vitals.loadgen;

import dev.vitals.common.config.Quantities;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Paces a {@link Loadgen} against the wall clock: in real time a step is sent when the wall clock
 * reaches its end; fast-forwarded, steps go as fast as the receiver takes them or at a speed
 * factor, until event time catches up with the present (then real time, when asked) or reaches the
 * end. Prints a one-line summary every simulated hour, or every 10 s of wall time in real time.
 */
public final class Runner {

  /** How event time relates to the wall clock. */
  public enum Pace {
    REAL_TIME,
    FAST,
    SPEED
  }

  /** Waits; a test passes one that moves its clock instead. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

  private final Loadgen loadgen;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Instant end;
  private final boolean thenRealTime;
  private final double speed;
  private final PrintStream out;
  private final LongSupplier retries;
  private final AtomicBoolean stop = new AtomicBoolean();
  private Pace pace;
  private Instant wallStart;
  private Instant lastReport;

  /**
   * @param end where event time stops; null for "until interrupted" in real time and "until caught
   *     up with the present" when fast-forwarding
   * @param speed event seconds per wall second, for {@link Pace#SPEED}
   */
  public Runner(
      Loadgen loadgen,
      Pace pace,
      double speed,
      Instant end,
      boolean thenRealTime,
      Clock clock,
      Sleeper sleeper,
      PrintStream out,
      LongSupplier retries) {
    this.loadgen = loadgen;
    this.pace = pace;
    this.speed = speed;
    this.end = end;
    this.thenRealTime = thenRealTime;
    this.clock = clock;
    this.sleeper = sleeper;
    this.out = out;
    this.retries = retries;
  }

  /** Asks {@link #run} to return after the step under way. */
  public void stop() {
    stop.set(true);
  }

  /** Runs until the end, an interruption or {@link #stop}; returns the final totals. */
  public Loadgen.Stats run() {
    wallStart = clock.instant();
    lastReport = wallStart;
    try {
      while (!stop.get() && nextStep()) {
        loadgen.runStep();
        report(false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    report(true);
    return loadgen.stats();
  }

  Pace pace() {
    return pace;
  }

  /** Waits until the next step is due; false when the run is over. */
  private boolean nextStep() throws InterruptedException {
    Instant stepEnd = loadgen.nextStepStart().plus(loadgen.step());
    if (end != null && stepEnd.isAfter(end)) {
      return false;
    }
    if (pace != Pace.REAL_TIME && stepEnd.isAfter(clock.instant())) {
      if (thenRealTime) {
        pace = Pace.REAL_TIME;
        out.println("loadgen caught up with the present; going on in real time");
      } else if (end == null) {
        return false;
      }
    }
    if (pace == Pace.FAST) {
      return true;
    }
    Instant due = due(stepEnd);
    Duration wait = Duration.between(clock.instant(), due);
    while (!stop.get() && wait.toMillis() > 0) {
      sleeper.sleep(min(wait, Duration.ofSeconds(1)));
      wait = Duration.between(clock.instant(), due);
    }
    return !stop.get();
  }

  private Instant due(Instant stepEnd) {
    switch (pace) {
      case REAL_TIME:
        return stepEnd;
      default:
        Duration event = Duration.between(loadgen.startTime(), stepEnd);
        return wallStart.plusNanos((long) (event.toNanos() / speed));
    }
  }

  private void report(boolean last) {
    Loadgen.Stats s = loadgen.stats();
    if (!last && !reportDue(s)) {
      return;
    }
    lastReport = clock.instant();
    out.println(line(s, clock.instant(), retries.getAsLong(), last));
  }

  private boolean reportDue(Loadgen.Stats s) {
    if (pace == Pace.REAL_TIME) {
      return !clock.instant().isBefore(lastReport.plus(REPORT_EVERY));
    }
    long stepsPerHour = Math.max(1, Duration.ofHours(1).toNanos() / loadgen.step().toNanos());
    return s.steps() % stepsPerHour == 0;
  }

  static String line(Loadgen.Stats s, Instant now, long retries, boolean last) {
    Duration behind = Duration.between(s.eventTime(), now);
    double errorPercent = s.requests() == 0 ? 0 : 100.0 * s.errors() / s.requests();
    return String.format(
        Locale.ROOT,
        "loadgen %sevent-time=%s steps=%d requests=%d errors=%d (%.2f%%) sent=%d failed=%d"
            + " retries=%d%s",
        last ? "done " : "",
        s.eventTime(),
        s.steps(),
        s.requests(),
        s.errors(),
        errorPercent,
        s.exportsSent(),
        s.exportsFailed(),
        retries,
        behind.compareTo(Duration.ofMinutes(1)) > 0
            ? " behind="
                + Quantities.formatDurationMixed(
                    behind.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
            : "");
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
