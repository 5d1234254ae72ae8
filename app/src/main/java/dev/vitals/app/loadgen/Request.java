package dev.vitals.app.loadgen;

/**
 * One simulated request.
 *
 * @param routeIndex the route's position in its service's list
 * @param startNanos when it started, in nanoseconds after the start of its step
 * @param seconds how long it took
 */
record Request(int routeIndex, int status, long startNanos, double seconds) {

  boolean failed() {
    return status >= 500;
  }

  /** The key of its histogram series: route, then status. */
  int seriesKey() {
    return routeIndex * 1000 + status;
  }
}
