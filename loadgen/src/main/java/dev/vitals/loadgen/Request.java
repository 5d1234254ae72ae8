package dev.vitals.loadgen;

/**
 * One simulated request.
 *
 * @param routeIndex the route's position in its service's list
 * @param startNanos when it started, in nanoseconds after the start of its step
 * @param seconds how long it took
 * @param called bit i set when it called the service's callee i
 * @param failedCalls bit i set when that call failed (and failed the request: 502)
 */
record Request(
    int routeIndex, int status, long startNanos, double seconds, int called, int failedCalls) {

  Request(int routeIndex, int status, long startNanos, double seconds) {
    this(routeIndex, status, startNanos, seconds, 0, 0);
  }

  boolean failed() {
    return status >= 500;
  }

  /** The key of its histogram series: route, then status. */
  int seriesKey() {
    return routeIndex * 1000 + status;
  }
}
