package dev.vitals.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TenantRateLimiterTest {

  final AtomicLong now = new AtomicLong();
  final TenantRateLimiter limiter = new TenantRateLimiter(1000, 2000, now::get);

  @Test
  void aTenantMaySpendItsBurstThenItsRateAndIsToldHowLongToWait() {
    assertThat(limiter.tryAcquire("a", 2000)).isNull();
    Duration wait = limiter.tryAcquire("a", 500);
    assertThat(wait).isEqualTo(Duration.ofMillis(500));

    now.addAndGet(Duration.ofMillis(500).toNanos());

    assertThat(limiter.tryAcquire("a", 500)).isNull();
  }

  @Test
  void tenantsHaveTheirOwnBuckets() {
    assertThat(limiter.tryAcquire("a", 2000)).isNull();
    assertThat(limiter.tryAcquire("a", 1)).isNotNull();
    assertThat(limiter.tryAcquire("b", 2000)).isNull();
  }

  @Test
  void aZeroRateLimitsNothing() {
    TenantRateLimiter off = new TenantRateLimiter(0, 0, now::get);
    assertThat(off.tryAcquire("a", Long.MAX_VALUE)).isNull();
  }

  @Test
  void idleTenantsAreForgottenSoInventedTenantIdsCannotGrowMemory() {
    for (int i = 0; i <= TenantRateLimiter.MAX_TENANTS + 10; i++) {
      limiter.tryAcquire("t" + i, 1);
    }
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    limiter.tryAcquire("after", 1);
    assertThat(limiter.size()).isLessThan(10);
  }
}
