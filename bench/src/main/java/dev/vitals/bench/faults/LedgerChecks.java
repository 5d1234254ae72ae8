package dev.vitals.bench.faults;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ledger against Kafka: every acknowledged request in {@code otlp_spans} exactly once (an
 * unacknowledged one at most once), and the latest revision of every closed service window counting
 * exactly the spans that reached the raw topic. Each method answers what is wrong, or an empty
 * string.
 */
final class LedgerChecks {

  private final Ledger ledger;
  private final TopicTail rawTail;
  private final RawSpans raw;
  private final TopicTail windowsTail;
  private final ClosedWindows windows;
  private final long windowMs;

  LedgerChecks(
      Ledger ledger,
      TopicTail rawTail,
      RawSpans raw,
      TopicTail windowsTail,
      ClosedWindows windows,
      long windowMs) {
    this.ledger = ledger;
    this.rawTail = rawTail;
    this.raw = raw;
    this.windowsTail = windowsTail;
    this.windows = windows;
    this.windowMs = windowMs;
  }

  String rawProblem() {
    List<Attempt> attempts = ledger.snapshot(); // before the sync: all of them are answered
    Fetch.sync(rawTail);
    List<String> wrong = new ArrayList<>();
    for (Attempt a : attempts) {
      int found = raw.spansOf(a.id());
      boolean ok = a.acknowledged() ? found == a.spans() : found == 0 || found == a.spans();
      if (!ok) {
        wrong.add(
            "request "
                + a.id()
                + " (status "
                + a.status()
                + ", "
                + a.spans()
                + " spans) has "
                + found
                + " spans in otlp_spans");
      }
    }
    return wrong.isEmpty() ? "" : "requests wrong " + Fetch.first(wrong);
  }

  String rawSummary() {
    long acked = 0;
    long ackedSpans = 0;
    long refused = 0;
    long landed = 0;
    Map<String, Integer> answers = new TreeMap<>();
    for (Attempt a : ledger.snapshot()) {
      if (a.acknowledged()) {
        acked++;
        ackedSpans += a.spans();
      } else {
        refused++;
        answers.merge(a.failure() == null ? "" + a.status() : a.failure(), 1, Integer::sum);
        landed += raw.spansOf(a.id()) > 0 ? 1 : 0;
      }
    }
    return String.format(
        "%,d acknowledged requests (%,d spans) each exactly once in %,d raw records;"
            + " %,d not acknowledged %s, of which %,d landed once",
        acked, ackedSpans, raw.records(), refused, answers, landed);
  }

  /** Spans per closed window of the ledger: {in the raw topic, acknowledged}. */
  private Map<ClosedWindows.Slot, long[]> expected(List<Attempt> attempts, long closedBefore) {
    Map<ClosedWindows.Slot, long[]> expected = new HashMap<>();
    for (Attempt a : attempts) {
      long start = Math.floorDiv(a.eventMs(), windowMs) * windowMs;
      if (start + windowMs <= closedBefore) {
        String service = SpanRequests.serviceName(a.service());
        long[] counts =
            expected.computeIfAbsent(new ClosedWindows.Slot(service, start), k -> new long[2]);
        counts[0] += raw.spansOf(a.id());
        counts[1] += a.acknowledged() ? a.spans() : 0;
      }
    }
    return expected;
  }

  String windowProblem(long closedBefore) {
    List<Attempt> attempts = ledger.snapshot();
    Fetch.sync(rawTail);
    Fetch.sync(windowsTail);
    Map<ClosedWindows.Slot, long[]> expected = expected(attempts, closedBefore);
    long first = firstStart(expected);
    Set<String> services = new HashSet<>();
    expected.keySet().forEach(s -> services.add(s.service()));
    List<String> wrong = new ArrayList<>();
    Set<ClosedWindows.Slot> seen = new HashSet<>();
    for (ClosedWindows.Window w : windows.all()) {
      if (services.contains(w.service()) && w.startMs() >= first && w.endMs() <= closedBefore) {
        ClosedWindows.Slot slot = new ClosedWindows.Slot(w.service(), w.startMs());
        seen.add(slot);
        long[] e = expected.getOrDefault(slot, new long[2]);
        if (w.spans() != e[0] || w.requests() != e[0]) {
          wrong.add(describe(w, e));
        }
      }
    }
    expected.forEach(
        (slot, e) -> {
          if (e[0] > 0 && !seen.contains(slot)) {
            wrong.add(
                slot.service()
                    + " "
                    + Instant.ofEpochMilli(slot.startMs())
                    + ": no window, expected "
                    + e[0]
                    + " spans ("
                    + e[1]
                    + " acknowledged)");
          }
        });
    return wrong.isEmpty() ? "" : "windows wrong " + Fetch.first(wrong);
  }

  private static long firstStart(Map<ClosedWindows.Slot, long[]> expected) {
    return expected.keySet().stream().mapToLong(ClosedWindows.Slot::startMs).min().orElse(0);
  }

  private static String describe(ClosedWindows.Window w, long[] e) {
    return w.service()
        + " "
        + Instant.ofEpochMilli(w.startMs())
        + " rev "
        + w.revision()
        + ": spans "
        + w.spans()
        + ", requests "
        + w.requests()
        + ", expected "
        + e[0]
        + " ("
        + e[1]
        + " acknowledged)";
  }

  String windowSummary(long closedBefore) {
    Map<ClosedWindows.Slot, long[]> expected = expected(ledger.snapshot(), closedBefore);
    long revised = windows.all().stream().filter(w -> w.revision() > 0).count();
    return String.format(
        "%,d closed windows of %d services hold exactly the %,d spans in otlp_spans (%,d of them"
            + " acknowledged); %d windows revised by late data",
        expected.size(),
        expected.keySet().stream().map(ClosedWindows.Slot::service).distinct().count(),
        expected.values().stream().mapToLong(e -> e[0]).sum(),
        expected.values().stream().mapToLong(e -> e[1]).sum(),
        revised);
  }

  /** The closed windows of the ledger's services since its first window, for the store check. */
  List<ClosedWindows.Window> closedWindows(long closedBefore) {
    Fetch.sync(windowsTail);
    long first = firstStart(expected(ledger.snapshot(), closedBefore));
    return windows.all().stream()
        .filter(w -> w.startMs() >= first && w.endMs() <= closedBefore)
        .toList();
  }

  /** The start of the service's latest window read so far; 0 when none. */
  long latestWindowStart(String service) {
    Fetch.sync(windowsTail);
    return windows.all().stream()
        .filter(w -> w.service().equals(service))
        .mapToLong(ClosedWindows.Window::startMs)
        .max()
        .orElse(0);
  }

  List<String> futureWindows() {
    return windows.futureWindows();
  }

  List<String> revisionConflicts() {
    return windows.conflicts();
  }
}
