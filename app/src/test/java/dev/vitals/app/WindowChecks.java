package dev.vitals.app;

import dev.vitals.app.SpanLedger.Cell;
import dev.vitals.app.SpanLedger.Counts;
import dev.vitals.app.TimestampedSignals.Timestamped;
import dev.vitals.schemas.signals.ServiceWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a consumer of {@code vitals.service-windows.v1} may rely on, each check returning its
 * violations as lines that name the service, the window and the counts.
 */
final class WindowChecks {

  private WindowChecks() {}

  /** Windows emitted for a time later than their record timestamp plus one window. */
  static List<String> fromTheFuture(List<Timestamped<ServiceWindow>> windows, Duration size) {
    List<String> out = new ArrayList<>();
    for (Timestamped<ServiceWindow> w : windows) {
      if (w.value().windowEnd().isAfter(w.timestamp().plus(size))) {
        out.add(describe(w) + " ends after its record timestamp " + w.timestamp() + " + " + size);
      }
    }
    return summarize(out);
  }

  /** A window revision emitted more than once (exactly-once output would never show it). */
  static List<String> repeatedRevisions(List<Timestamped<ServiceWindow>> windows) {
    Map<String, Integer> seen = new TreeMap<>();
    for (Timestamped<ServiceWindow> w : windows) {
      ServiceWindow v = w.value();
      seen.merge(
          v.service() + "/" + v.operation() + "@" + v.windowStart() + " rev " + v.revision(),
          1,
          Integer::sum);
    }
    List<String> out = new ArrayList<>();
    seen.forEach((k, n) -> out.add(k + " emitted " + n + " times"));
    out.removeIf(line -> line.endsWith(" emitted 1 times"));
    return summarize(out);
  }

  /** The latest revision of every service-level window. */
  static Map<Cell, ServiceWindow> latestServiceLevel(List<Timestamped<ServiceWindow>> windows) {
    Map<Cell, ServiceWindow> out = new TreeMap<>();
    for (Timestamped<ServiceWindow> w : windows) {
      ServiceWindow v = w.value();
      if (v.operation() == null) {
        out.merge(
            new Cell(v.service(), v.windowStart()),
            v,
            (a, b) -> a.revision() >= b.revision() ? a : b);
      }
    }
    return out;
  }

  /**
   * Cells whose latest window does not count what the client knows: at least every acknowledged
   * span, at most those plus the unanswered ones, exactly the acknowledged ones when no request of
   * the cell went unanswered; and windows counting spans no client sent.
   */
  static List<String> ledgerMismatches(Map<Cell, Counts> ledger, Map<Cell, ServiceWindow> latest) {
    List<String> out = new ArrayList<>();
    ledger.forEach(
        (cell, c) -> {
          ServiceWindow w = latest.get(cell);
          long counted = w == null ? 0 : w.spans();
          boolean ok =
              c.unansweredRequests == 0
                  ? counted == c.acknowledged
                  : counted >= c.acknowledged && counted <= c.acknowledged + c.unanswered;
          if (!ok) {
            out.add(
                cell
                    + ": counted "
                    + (w == null ? "no window" : counted + " spans (revision " + w.revision() + ")")
                    + ", client: "
                    + c);
          }
        });
    latest.forEach(
        (cell, w) -> {
          if (w.spans() > 0 && !ledger.containsKey(cell)) {
            out.add(cell + ": counted " + w.spans() + " spans no client sent");
          }
        });
    return out;
  }

  /**
   * A quiet service's silent windows: one (revision 0) for every window after its last data up to
   * {@code mustReach}, each once, none for a window that had data, and after {@code since} no more
   * than {@code maxSince} of them (the wall-clock windows that elapsed, not a flood).
   */
  static List<String> silentWindows(
      String service,
      List<Timestamped<ServiceWindow>> windows,
      Instant lastDataWindow,
      Instant mustReach,
      Instant since,
      long maxSince) {
    List<String> out = new ArrayList<>();
    TreeMap<Instant, Integer> starts = new TreeMap<>();
    long emittedSince = 0;
    for (Timestamped<ServiceWindow> w : windows) {
      ServiceWindow v = w.value();
      if (!v.service().equals(service) || v.operation() != null || !v.silent()) {
        continue;
      }
      starts.merge(v.windowStart(), 1, Integer::sum);
      if (!v.windowStart().isAfter(lastDataWindow)) {
        out.add(describe(w) + " is silent, but the service sent data in it");
      }
      if (!w.timestamp().isBefore(since)) {
        emittedSince++;
      }
    }
    starts.forEach(
        (start, n) -> {
          if (n > 1) {
            out.add(service + "@" + start + ": " + n + " silent windows");
          }
        });
    TreeSet<Instant> missing = new TreeSet<>();
    for (Instant s = lastDataWindow.plus(Duration.ofMinutes(1));
        !s.isAfter(mustReach);
        s = s.plus(Duration.ofMinutes(1))) {
      if (!starts.containsKey(s)) {
        missing.add(s);
      }
    }
    if (!missing.isEmpty()) {
      out.add(
          service
              + ": no silent window for "
              + missing.size()
              + " windows the wall clock has closed, "
              + missing.first()
              + " .. "
              + missing.last()
              + " (latest silent window starts "
              + (starts.isEmpty() ? "nowhere" : starts.lastKey())
              + ", expected through "
              + mustReach
              + ")");
    }
    if (emittedSince > maxSince) {
      out.add(
          service
              + ": "
              + emittedSince
              + " silent windows emitted since "
              + since
              + " (expected: at most "
              + maxSince
              + ", one per elapsed window)");
    }
    return out;
  }

  /** A service's service-level windows as emitted, for failure messages. */
  static String timeline(String service, List<Timestamped<ServiceWindow>> windows) {
    StringBuilder out = new StringBuilder();
    for (Timestamped<ServiceWindow> w : windows) {
      ServiceWindow v = w.value();
      if (v.service().equals(service) && v.operation() == null) {
        out.append(
            String.format(
                "%n  [%s, %s) rev %d %s, emitted %s",
                v.windowStart(),
                v.windowEnd(),
                v.revision(),
                v.silent() ? "silent" : v.spans() + " spans",
                w.timestamp()));
      }
    }
    return out.toString();
  }

  private static String describe(Timestamped<ServiceWindow> w) {
    ServiceWindow v = w.value();
    return v.service()
        + (v.operation() == null ? "" : "/" + v.operation())
        + " ["
        + v.windowStart()
        + ", "
        + v.windowEnd()
        + ") rev "
        + v.revision()
        + " emitted at "
        + w.timestamp();
  }

  /** The first 20 lines and how many more, so a flood stays readable. */
  private static List<String> summarize(List<String> lines) {
    if (lines.size() <= 20) {
      return lines;
    }
    List<String> out = new ArrayList<>(lines.subList(0, 20));
    out.add("... and " + (lines.size() - 20) + " more");
    return out;
  }
}
