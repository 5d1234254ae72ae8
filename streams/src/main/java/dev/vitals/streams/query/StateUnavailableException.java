package dev.vitals.streams.query;

/**
 * The state cannot be read now: the streams instance is starting, rebalancing without the store, or
 * shutting down. The query API answers 503 with {@code Retry-After}.
 */
public final class StateUnavailableException extends RuntimeException {

  public StateUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public StateUnavailableException(String message) {
    super(message);
  }
}
