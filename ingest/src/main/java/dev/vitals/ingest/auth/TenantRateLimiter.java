package dev.vitals.ingest.auth;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Per-tenant token buckets on request bytes, so one tenant's flood slows that tenant down and no
 * other. Buckets of idle tenants are dropped once there are more than {@value #MAX_TENANTS}, so a
 * client inventing tenant ids cannot grow memory without bound.
 */
public final class TenantRateLimiter {

  static final int MAX_TENANTS = 10_000;

  private final long bytesPerSecond;
  private final long burstBytes;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param bytesPerSecond refill rate; 0 disables the limiter
   * @param burstBytes bucket size
   */
  public TenantRateLimiter(long bytesPerSecond, long burstBytes, LongSupplier nanoTime) {
    this.bytesPerSecond = bytesPerSecond;
    this.burstBytes = burstBytes;
    this.nanoTime = nanoTime;
  }

  public boolean enabled() {
    return bytesPerSecond > 0;
  }

  /**
   * Takes {@code bytes} from the tenant's bucket.
   *
   * @return null when they fit, else how long until they would
   */
  public @Nullable Duration tryAcquire(String tenant, long bytes) {
    if (!enabled()) {
      return null;
    }
    if (buckets.size() > MAX_TENANTS) {
      dropFullBuckets();
    }
    return buckets
        .computeIfAbsent(tenant, t -> new Bucket(burstBytes, nanoTime.getAsLong()))
        .take(bytes, bytesPerSecond, burstBytes, nanoTime.getAsLong());
  }

  /** Tenants with a bucket now (for tests). */
  int size() {
    return buckets.size();
  }

  private void dropFullBuckets() {
    long now = nanoTime.getAsLong();
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      if (it.next().isFull(bytesPerSecond, burstBytes, now)) {
        it.remove();
      }
    }
  }

  private static final class Bucket {
    private double tokens;
    private long updatedNanos;

    Bucket(long tokens, long now) {
      this.tokens = tokens;
      this.updatedNanos = now;
    }

    synchronized @Nullable Duration take(long bytes, long rate, long burst, long now) {
      refill(rate, burst, now);
      if (tokens >= bytes) {
        tokens -= bytes;
        return null;
      }
      double missing = bytes - tokens;
      return Duration.ofNanos((long) Math.ceil(missing / rate * 1e9));
    }

    synchronized boolean isFull(long rate, long burst, long now) {
      refill(rate, burst, now);
      return tokens >= burst;
    }

    private void refill(long rate, long burst, long now) {
      tokens = Math.min((double) burst, tokens + (now - updatedNanos) / 1e9 * rate);
      updatedNanos = now;
    }
  }
}
