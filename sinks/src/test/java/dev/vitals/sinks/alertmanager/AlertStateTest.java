package dev.vitals.sinks.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.signals.AlertEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertStateTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private final AlertState state =
      new AlertState(Duration.ofMinutes(1), Duration.ofMinutes(4), Duration.ofMinutes(15));

  @Test
  void firingAlertIsSentAtOnceWithEndsAtFourMinutesAhead() {
    state.apply("fp", Alerts.firing("A", T0), T0);

    List<AlertState.Due> due = state.due(T0.plusSeconds(2));

    assertThat(due)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.endsAt()).isEqualTo(T0.plusSeconds(2).plus(Duration.ofMinutes(4)));
              assertThat(d.event().startsAt()).isEqualTo(T0);
            });
  }

  @Test
  void firingAlertIsResentOnlyOnceTheResendIntervalHasPassed() {
    state.apply("fp", Alerts.firing("A", T0), T0);
    state.sent(state.due(T0), T0);

    assertThat(state.due(T0.plusSeconds(59))).isEmpty();
    assertThat(state.due(T0.plusSeconds(60)))
        .singleElement()
        .satisfies(d -> assertThat(d.endsAt()).isEqualTo(T0.plusSeconds(60 + 240)));
  }

  @Test
  void resolvedAlertIsSentAtOnceWithEndsAtItsResolutionTime() {
    AlertEvent firing = Alerts.firing("A", T0);
    state.apply("fp", firing, T0);
    state.sent(state.due(T0), T0);
    Instant resolvedAt = T0.plusSeconds(10);

    state.apply("fp", Alerts.resolved(firing, resolvedAt), T0.plusSeconds(11));

    assertThat(state.due(T0.plusSeconds(11)))
        .singleElement()
        .satisfies(d -> assertThat(d.endsAt()).isEqualTo(resolvedAt));
    assertThat(state.firing()).isZero();
    assertThat(state.resolved()).isOne();
  }

  @Test
  void resolvedAlertIsResentForFifteenMinutesThenForgotten() {
    Instant resolvedAt = T0.plusSeconds(30);
    state.apply("fp", Alerts.resolved(Alerts.firing("A", T0), resolvedAt), resolvedAt);
    Instant now = resolvedAt;
    int sends = 0;
    while (now.isBefore(resolvedAt.plus(Duration.ofMinutes(16)))) {
      List<AlertState.Due> due = state.due(now);
      sends += due.size();
      state.sent(due, now);
      now = now.plusSeconds(1);
    }

    assertThat(sends).isEqualTo(15);
    assertThat(state.resolved()).isZero();
  }

  @Test
  void replayedResolvedAlertPastItsRetentionIsNeverSent() {
    AlertEvent old = Alerts.resolved(Alerts.firing("A", T0), T0.plusSeconds(60));

    state.apply("fp", old, T0.plus(Duration.ofHours(1)));

    assertThat(state.due(T0.plus(Duration.ofHours(1)))).isEmpty();
  }

  @Test
  void eventArrivingDuringAPostIsSentAgainAfterIt() {
    AlertEvent firing = Alerts.firing("A", T0);
    state.apply("fp", firing, T0);
    List<AlertState.Due> inFlight = state.due(T0);
    state.apply("fp", Alerts.resolved(firing, T0.plusSeconds(1)), T0.plusSeconds(1));

    state.sent(inFlight, T0.plusSeconds(1));

    assertThat(state.due(T0.plusSeconds(1)))
        .singleElement()
        .satisfies(d -> assertThat(d.event().status()).isEqualTo(AlertEvent.Status.resolved));
  }

  @Test
  void tombstoneForgetsTheAlert() {
    state.apply("fp", Alerts.firing("A", T0), T0);

    state.apply("fp", null, T0);

    assertThat(state.due(T0)).isEmpty();
  }

  @Test
  void aDownstreamPageArrivingWithItsCauseIsPostedOnlyAfterTheCauseHasBeenPostedForTwoSeconds() {
    AlertEvent cause = causePage("payments", "self", T0.minusSeconds(600));
    AlertEvent symptom = causePage("checkout", "downstream", T0.minusSeconds(600));
    state.apply("fp-payments", cause, T0);
    state.apply("fp-checkout", symptom, T0);

    List<AlertState.Due> first = state.due(T0);
    assertThat(first)
        .extracting(d -> d.event().labels().get("service"))
        .containsExactly("payments");
    assertThat(state.due(T0.plusSeconds(5))).as("the cause not yet posted").hasSize(1);
    state.sent(first, T0.plusSeconds(5));

    assertThat(state.due(T0.plusSeconds(6))).isEmpty();
    assertThat(state.due(T0.plusSeconds(7)))
        .extracting(d -> d.event().labels().get("service"))
        .containsExactly("checkout");
  }

  @Test
  void aDownstreamPageWhoseCauseDoesNotPageItselfInItsTenantIsPostedAtOnce() {
    state.apply("fp-checkout", causePage("checkout", "downstream", T0), T0);
    state.apply(
        "fp-other",
        Alerts.firing(
            "Other", T0, Map.of("tenant", "another", "cause", "payments", "cause_kind", "self")),
        T0);

    assertThat(state.due(T0))
        .extracting(d -> d.event().labels().get("alertname"))
        .containsExactlyInAnyOrder("VitalsSloBurn", "Other");
  }

  @Test
  void aPageThatFiresAgainWithItsCauseWaitsForTheCauseAgain() {
    AlertEvent cause = causePage("payments", "self", T0);
    AlertEvent symptom = causePage("checkout", "downstream", T0);
    state.apply("fp-payments", cause, T0);
    state.sent(state.due(T0), T0);
    state.apply("fp-checkout", symptom, T0);
    state.sent(state.due(T0.plusSeconds(3)), T0.plusSeconds(3));
    Instant later = T0.plusSeconds(600);
    state.apply("fp-payments", Alerts.resolved(cause, later), later);
    state.apply("fp-checkout", Alerts.resolved(symptom, later), later);
    state.sent(state.due(later), later);

    Instant again = later.plusSeconds(300);
    state.apply("fp-payments", causePage("payments", "self", again), again);
    state.apply("fp-checkout", causePage("checkout", "downstream", again), again);

    assertThat(state.due(again))
        .extracting(d -> d.event().labels().get("service"))
        .containsExactly("payments");
  }

  @Test
  void aTicketArrivingWithThePageOfItsServiceAndSloIsPostedAfterThePage() {
    Map<String, String> common = Map.of("tenant", "shop", "slo", "availability");
    Map<String, String> ticket = new java.util.HashMap<>(common);
    ticket.put("severity", "ticket");
    state.apply("fp-page", Alerts.firing("VitalsSloBurn", T0, common), T0);
    state.apply("fp-ticket", Alerts.firing("VitalsSloBurnTicket", T0, ticket), T0);

    List<AlertState.Due> first = state.due(T0);
    assertThat(first).extracting(d -> d.event().labels().get("severity")).containsExactly("page");
    state.sent(first, T0);
    assertThat(state.due(T0.plusSeconds(1))).isEmpty();
    assertThat(state.due(T0.plusSeconds(2)))
        .extracting(d -> d.event().labels().get("severity"))
        .containsExactly("ticket");
  }

  /** A page as the SLO topology labels it: the shipped inhibit rule's labels. */
  private static AlertEvent causePage(String service, String causeKind, Instant startsAt) {
    String cause = causeKind.equals("self") ? service : "payments";
    Map<String, String> labels =
        Map.of(
            "alertname",
            "VitalsSloBurn",
            "tenant",
            "shop",
            "service",
            service,
            "severity",
            "page",
            "cause",
            cause,
            "cause_kind",
            causeKind);
    return new AlertEvent(
        "fp-" + service, AlertEvent.Status.firing, labels, Map.of(), startsAt, null, null);
  }
}
