package dev.vitals.loadgen;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a service logs when it answers 5xx: the messages on-call engineers read in alerts. */
final class ErrorMessages {

  private static final List<String> INTERNAL =
      List.of(
          "unexpected error handling %s: java.lang.IllegalStateException: order state changed"
              + " concurrently",
          "unexpected error handling %s: java.lang.NullPointerException: Cannot invoke"
              + " \"Customer.getAddress()\" because \"customer\" is null");
  private static final List<String> BAD_GATEWAY =
      List.of(
          "call to upstream %s failed: connection reset by peer",
          "call to upstream %s failed: unexpected end of stream");
  private static final List<String> UNAVAILABLE =
      List.of(
          "database connection pool exhausted: 20 of 20 in use, waited 1000 ms",
          "upstream %s unavailable: circuit breaker open");

  private ErrorMessages() {}

  static String of(TracedRequest t, Route route, String upstream) {
    int pick = (int) (t.spanId() >>> 63);
    switch (t.request().status()) {
      case 500:
        return String.format(Locale.ROOT, INTERNAL.get(pick), route.spanName());
      case 502:
        return String.format(Locale.ROOT, BAD_GATEWAY.get(pick), upstream);
      case 503:
        return String.format(Locale.ROOT, UNAVAILABLE.get(pick), upstream);
      default:
        return String.format(
            Locale.ROOT,
            "upstream %s timed out after %.1fs",
            upstream,
            ServiceModel.TIMEOUT_SECONDS);
    }
  }

  static Optional<String> exceptionType(TracedRequest t) {
    switch (t.request().status()) {
      case 500:
        return Optional.of(
            t.spanId() < 0 ? "java.lang.NullPointerException" : "java.lang.IllegalStateException");
      case 502:
        return Optional.of("java.net.SocketException");
      case 504:
        return Optional.of("java.net.http.HttpTimeoutException");
      default:
        return Optional.empty();
    }
  }
}
