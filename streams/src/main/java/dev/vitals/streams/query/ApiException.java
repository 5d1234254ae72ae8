package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** An answer other than success, turned into {@code {"error": ..., "status": N}}. */
final class ApiException extends RuntimeException {

  private final int status;
  private final Map<String, String> headers;
  private final transient ObjectNode details;

  ApiException(int status, String message, Map<String, String> headers, ObjectNode details) {
    super(message, null, false, false);
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.details = details;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message, Map.of(), null);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message, Map.of(), null);
  }

  int status() {
    return status;
  }

  Map<String, String> headers() {
    return headers;
  }

  /** Extra fields of the error body; may be null. */
  ObjectNode details() {
    return details;
  }
}
