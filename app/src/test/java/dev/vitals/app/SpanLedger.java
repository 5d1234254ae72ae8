package dev.vitals.app;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a client knows of the spans it sent, per service and one-minute window of their end time:
 * how many were answered 200 (acknowledged: each must be counted exactly once), how many went in
 * requests whose answer never came or was an error (each may or may not be counted), and how many
 * were refused before a connection existed (never reached Vitals, so never counted).
 */
final class SpanLedger {

  /** How one request ended, as the client saw it. */
  enum Outcome {
    ACKNOWLEDGED,
    UNANSWERED,
    REFUSED
  }

  /** A service's window, by its start. */
  record Cell(String service, Instant windowStart) implements Comparable<Cell> {
    @Override
    public int compareTo(Cell o) {
      int c = service.compareTo(o.service);
      return c != 0 ? c : windowStart.compareTo(o.windowStart);
    }

    @Override
    public String toString() {
      return service + "@" + windowStart;
    }
  }

  /** Spans (and requests) of one cell by outcome. */
  static final class Counts {
    long acknowledged;
    long unanswered;
    long unansweredRequests;
    long refused;
    long acknowledgedRequests;
    long refusedRequests;

    Counts copy() {
      Counts c = new Counts();
      c.acknowledged = acknowledged;
      c.unanswered = unanswered;
      c.unansweredRequests = unansweredRequests;
      c.refused = refused;
      c.acknowledgedRequests = acknowledgedRequests;
      c.refusedRequests = refusedRequests;
      return c;
    }

    @Override
    public String toString() {
      return "acknowledged "
          + acknowledged
          + " spans in "
          + acknowledgedRequests
          + " requests, unanswered "
          + unanswered
          + " spans in "
          + unansweredRequests
          + " requests, refused "
          + refused
          + " spans in "
          + refusedRequests
          + " requests";
    }
  }

  static final long WINDOW_MS = 60_000;

  private final Map<Cell, Counts> cells = new TreeMap<>();

  static Instant windowStart(Instant eventTime) {
    return Instant.ofEpochMilli(Math.floorDiv(eventTime.toEpochMilli(), WINDOW_MS) * WINDOW_MS);
  }

  synchronized void record(String service, Instant eventTime, int spans, Outcome outcome) {
    Counts c = cells.computeIfAbsent(new Cell(service, windowStart(eventTime)), k -> new Counts());
    switch (outcome) {
      case ACKNOWLEDGED -> {
        c.acknowledged += spans;
        c.acknowledgedRequests++;
      }
      case UNANSWERED -> {
        c.unanswered += spans;
        c.unansweredRequests++;
      }
      case REFUSED -> {
        c.refused += spans;
        c.refusedRequests++;
      }
    }
  }

  synchronized Map<Cell, Counts> snapshot() {
    Map<Cell, Counts> out = new TreeMap<>();
    cells.forEach((k, v) -> out.put(k, v.copy()));
    return out;
  }

  /** Requests that ended so. */
  synchronized long requests(Outcome outcome) {
    return cells.values().stream()
        .mapToLong(
            c ->
                switch (outcome) {
                  case ACKNOWLEDGED -> c.acknowledgedRequests;
                  case UNANSWERED -> c.unansweredRequests;
                  case REFUSED -> c.refusedRequests;
                })
        .sum();
  }
}
