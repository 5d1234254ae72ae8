package dev.vitals.sinks.alertmanager;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.signals.AlertEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The latest event of every alert, and when each was last sent: decides what to (re-)send, as
 * Prometheus' rule manager does. Thread-safe: the consumer applies events, the sender asks what is
 * due.
 */
final class AlertState {

  /** One alert to post now, with the {@code endsAt} to post it with. */
  record Due(String fingerprint, long version, AlertEvent event, Instant endsAt) {}

  private static final class Tracked {
    AlertEvent event;
    long version;
    long sentVersion = -1;
    Instant lastSent;
  }

  private final Duration resendInterval;
  private final Duration endsAtExtension;
  private final Duration resolvedRetention;
  private final Map<String, Tracked> alerts = new HashMap<>();

  AlertState(Duration resendInterval, Duration endsAtExtension, Duration resolvedRetention) {
    this.resendInterval = requireNonNull(resendInterval, "resendInterval");
    this.endsAtExtension = requireNonNull(endsAtExtension, "endsAtExtension");
    this.resolvedRetention = requireNonNull(resolvedRetention, "resolvedRetention");
  }

  /**
   * Records the latest event of an alert; null (a tombstone) forgets it. A resolved alert past its
   * retention is forgotten at once: replaying an old topic does not re-send long-gone alerts.
   */
  synchronized void apply(String fingerprint, AlertEvent event, Instant now) {
    if (event == null || expired(event, now)) {
      alerts.remove(fingerprint);
      return;
    }
    Tracked t = alerts.computeIfAbsent(fingerprint, f -> new Tracked());
    t.event = event;
    t.version++;
  }

  /**
   * The alerts to post at {@code now}: those changed since they were last sent, and those whose
   * resend interval has passed. Forgets resolved alerts past their retention first. A firing alert
   * ends at {@code now + endsAtExtension}, a resolved one at its resolution time.
   */
  synchronized List<Due> due(Instant now) {
    List<Due> due = new ArrayList<>();
    for (Iterator<Map.Entry<String, Tracked>> it = alerts.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Tracked> e = it.next();
      Tracked t = e.getValue();
      if (expired(t.event, now)) {
        it.remove();
      } else if (t.sentVersion != t.version
          || t.lastSent == null
          || !t.lastSent.plus(resendInterval).isAfter(now)) {
        due.add(new Due(e.getKey(), t.version, t.event, endsAt(t.event, now)));
      }
    }
    return due;
  }

  /** Marks alerts as delivered at {@code at} (or refused for good: they wait for the next turn). */
  synchronized void sent(List<Due> delivered, Instant at) {
    for (Due d : delivered) {
      Tracked t = alerts.get(d.fingerprint());
      if (t != null) {
        t.lastSent = at;
        if (t.version == d.version()) {
          t.sentVersion = d.version();
        }
      }
    }
  }

  /** True when some alert changed since it was last sent (a new event during a POST). */
  synchronized boolean hasUnsent() {
    return alerts.values().stream().anyMatch(t -> t.sentVersion != t.version);
  }

  synchronized int firing() {
    return (int) alerts.values().stream().filter(t -> isFiring(t.event)).count();
  }

  synchronized int resolved() {
    return alerts.size() - firing();
  }

  private Instant endsAt(AlertEvent event, Instant now) {
    return isFiring(event) ? now.plus(endsAtExtension) : event.endsAt();
  }

  private boolean expired(AlertEvent event, Instant now) {
    return !isFiring(event) && !event.endsAt().plus(resolvedRetention).isAfter(now);
  }

  private static boolean isFiring(AlertEvent event) {
    return event.status() == AlertEvent.Status.firing;
  }
}
