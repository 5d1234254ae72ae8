package dev.vitals.sinks.alertmanager;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.signals.AlertEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The latest event of every alert, and when each was last sent: decides what to (re-)send, as
 * Prometheus' rule manager does. Thread-safe: the consumer applies events, the sender asks what is
 * due.
 */
final class AlertState {

  /** One alert to post now, with the {@code endsAt} to post it with. */
  record Due(String fingerprint, long version, AlertEvent event, Instant endsAt) {}

  /**
   * How long a new alert that the shipped inhibit rules would mute waits after the first post of
   * the alert that mutes it (a service's page mutes its ticket; a page at the cause mutes the pages
   * naming it as their downstream cause). Alertmanager takes posted alerts into its inhibitor on a
   * goroutine of its own, and sends an alert that started more than {@code group_wait} ago at once:
   * posted together (a replay, a sink that was behind), the muted alert could be sent before the
   * inhibitor had the alert muting it.
   */
  static final Duration INHIBITOR_LEAD = Duration.ofSeconds(2);

  private static final class Tracked {
    AlertEvent event;
    long version;
    long sentVersion = -1;
    Instant lastSent;

    /** When the alert was first posted while firing; null until then. */
    Instant firstSentFiring;
  }

  private static final String SEVERITY = "severity";
  private static final String PAGE = "page";
  private static final String TICKET = "ticket";
  private static final String CAUSE_KIND = "cause_kind";
  private static final String SELF = "self";
  private static final String DOWNSTREAM = "downstream";

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
    if (t.event != null && !t.event.startsAt().equals(event.startsAt())) {
      t.firstSentFiring = null; // fires again: posted after what mutes it, as the first time
    }
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
    Set<List<String>> mutingJustPosted = mutingJustPosted(now);
    for (Iterator<Map.Entry<String, Tracked>> it = alerts.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Tracked> e = it.next();
      Tracked t = e.getValue();
      if (expired(t.event, now)) {
        it.remove();
      } else if (!waitsForItsInhibitor(t, mutingJustPosted)
          && (t.sentVersion != t.version
              || t.lastSent == null
              || !t.lastSent.plus(resendInterval).isAfter(now))) {
        due.add(new Due(e.getKey(), t.version, t.event, endsAt(t.event, now)));
      }
    }
    return due;
  }

  /**
   * What the firing alerts not yet posted, or first posted less than {@link #INHIBITOR_LEAD} ago,
   * would mute by the shipped inhibit rules, as keys of {@link #ticketOf} and {@link #pageAt}.
   */
  private Set<List<String>> mutingJustPosted(Instant now) {
    Set<List<String>> muting = new HashSet<>();
    for (Tracked t : alerts.values()) {
      if (isFiring(t.event)
          && (t.firstSentFiring == null || t.firstSentFiring.plus(INHIBITOR_LEAD).isAfter(now))) {
        Map<String, String> labels = t.event.labels();
        if (PAGE.equals(labels.get(SEVERITY))) {
          muting.add(ticketOf(labels));
        }
        if (SELF.equals(labels.get(CAUSE_KIND))) {
          muting.add(pageAt(labels));
        }
      }
    }
    return muting;
  }

  /** A firing alert never posted, which an alert not yet posted long enough would mute. */
  private static boolean waitsForItsInhibitor(Tracked t, Set<List<String>> mutingJustPosted) {
    if (t.firstSentFiring != null || !isFiring(t.event)) {
      return false;
    }
    Map<String, String> labels = t.event.labels();
    return (TICKET.equals(labels.get(SEVERITY)) && mutingJustPosted.contains(ticketOf(labels)))
        || (DOWNSTREAM.equals(labels.get(CAUSE_KIND)) && mutingJustPosted.contains(pageAt(labels)));
  }

  /** The shipped rule "a page mutes the ticket of its service and SLO": the ticket's key. */
  private static List<String> ticketOf(Map<String, String> labels) {
    return Arrays.asList(
        "ticket",
        labels.get("tenant"),
        labels.get("namespace"),
        labels.get("service"),
        labels.get("slo"));
  }

  /** The shipped rule "a page at the cause mutes the pages naming it": the key, with severity. */
  private static List<String> pageAt(Map<String, String> labels) {
    return Arrays.asList("cause", labels.get("tenant"), labels.get("cause"), labels.get(SEVERITY));
  }

  /** Marks alerts as delivered at {@code at} (or refused for good: they wait for the next turn). */
  synchronized void sent(List<Due> delivered, Instant at) {
    for (Due d : delivered) {
      Tracked t = alerts.get(d.fingerprint());
      if (t != null) {
        t.lastSent = at;
        if (t.firstSentFiring == null && isFiring(d.event())) {
          t.firstSentFiring = at;
        }
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
