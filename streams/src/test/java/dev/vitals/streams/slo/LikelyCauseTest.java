package dev.vitals.streams.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.signals.AlertEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LikelyCauseTest {

  private static final Instant FIRST_FAILING_END =
      SloHarness.T0.plus(SloHarness.MINUTE.multipliedBy(CauseScenario.HEALTHY_MINUTES + 1));

  @Test
  void checkoutFailingBecausePaymentsFailsNamesPaymentsWithTheNumbers() {
    try (SloHarness h = new SloHarness(SloSettings.defaults(), true, false, true)) {
      List<AlertEvent> alerts = CauseScenario.run(h, true);

      AlertEvent checkout = CauseScenario.page(alerts, "checkout");
      assertThat(checkout).as("checkout pages").isNotNull();
      assertThat(checkout.labels())
          .containsEntry("cause", "shop/payments")
          .containsEntry("cause_kind", "downstream");
      assertThat(checkout.annotations().get("likely_cause"))
          .as("the windows with both the calls and checkout's own requests: 4 minutes to 01:01")
          .startsWith(
              "shop/payments: 10 % of shop/checkout's 4,000 calls to it failed in the 4 min to"
                  + " 01:01 UTC")
          .contains(
              "390 failed calls against 400 failed requests of shop/checkout's own (4,000"
                  + " traced requests)")
          .contains(
              "shop/payments is CRITICAL since 01:01 UTC (availability page: burn 390× over 5m)");
      assertThat(checkout.startsAt())
          .as("held back one window at most, for the edge window of its first failing minute")
          .isBetween(FIRST_FAILING_END, FIRST_FAILING_END.plus(SloHarness.MINUTE));

      AlertEvent payments = CauseScenario.page(alerts, "payments");
      assertThat(payments).as("payments pages on its own").isNotNull();
      assertThat(payments.labels())
          .containsEntry("cause", "shop/payments")
          .containsEntry("cause_kind", "self");
      assertThat(payments.annotations()).doesNotContainKey("likely_cause");
    }
  }

  @Test
  void checkoutFailingOnItsOwnWithHealthyCallsNamesNoCause() {
    try (SloHarness h = new SloHarness(SloSettings.defaults(), true, false, true)) {
      List<AlertEvent> alerts = CauseScenario.run(h, false);

      AlertEvent checkout = CauseScenario.page(alerts, "checkout");
      assertThat(checkout).isNotNull();
      assertThat(checkout.labels())
          .containsEntry("cause", "shop/checkout")
          .containsEntry("cause_kind", "self");
      assertThat(checkout.annotations()).doesNotContainKey("likely_cause");
      assertThat(CauseScenario.page(alerts, "payments")).isNull();
    }
  }

  @Test
  void aServiceOffTheGraphGetsNoCauseLabels() {
    try (SloHarness h = new SloHarness(SloSettings.defaults(), true, false, true)) {
      for (int m = 0; m < 65; m++) {
        h.send(
            Windows.of(
                "ledger",
                SloHarness.T0.plus(SloHarness.MINUTE.multipliedBy(m)),
                SloHarness.MINUTE,
                1_000,
                m >= 60 ? 400 : 0));
      }
      AlertEvent ledger = CauseScenario.page(h.firing(), "ledger");
      assertThat(ledger).isNotNull();
      assertThat(ledger.labels()).doesNotContainKeys("cause", "cause_kind");
    }
  }
}
