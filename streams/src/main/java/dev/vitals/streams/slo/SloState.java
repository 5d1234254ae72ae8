package dev.vitals.streams.slo;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vitals.schemas.signals.SignalJson;
import java.util.Map;
import java.util.TreeMap;

/**
 * The running state of one SLO of one service, kept in the {@code slo-state} store (JSON, a few
 * hundred bytes): running good/total sums per burn window over minute buckets, the period sums over
 * hour buckets, and the lifecycle of its alerts.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
@JsonInclude(JsonInclude.Include.NON_NULL)
final class SloState {

  /** The end (exclusive) of the burn windows: the minute after the latest window end seen. */
  long clockMinute;

  /** The latest window end seen, epoch milliseconds: the time of evaluations. */
  long lastEnd;

  /**
   * The time of the latest evaluation: {@link #lastEnd}, or a millisecond after the previous
   * evaluation for a late correction, so that evaluations (and the health they feed) are stamped
   * with strictly growing times and a store never gets a second value at one time. 0 in state
   * written by earlier versions.
   */
  long lastEvaluated;

  /** The first minute this SLO saw: a rule needs as much history as its short window. */
  long firstMinute;

  /** The end (exclusive) of the period, in hours. */
  long clockHour;

  /** The period the period sums cover, in hours. */
  long periodHours;

  /** Good and total events per burn window, in the order of {@link SloSettings#BURN_WINDOWS}. */
  long[] good = new long[SloSettings.BURN_WINDOWS.size()];

  long[] total = new long[SloSettings.BURN_WINDOWS.size()];

  long periodGood;
  long periodTotal;

  /** Alerts by severity: present while firing. */
  Map<String, Track> alerts = new TreeMap<>();

  /** One firing alert: since when, and since when its condition has been false (or null). */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  static final class Track {
    long startsAt;
    Long falseSince;
    String fingerprint;

    Track() {}

    Track(long startsAt, String fingerprint) {
      this.startsAt = startsAt;
      this.fingerprint = fingerprint;
    }
  }

  byte[] toBytes() {
    return SignalJson.write(this);
  }

  static SloState fromBytes(byte[] bytes) {
    return SignalJson.read(bytes, SloState.class);
  }
}
