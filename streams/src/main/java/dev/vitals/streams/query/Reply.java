package dev.vitals.streams.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.schemas.signals.SignalJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP answer: status, content type, body and extra headers. */
// Carries encoded bytes between steps; never compared or hashed, so array identity is fine.
@SuppressWarnings("ArrayRecordComponent")
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

  static final String JSON = "application/json";
  static final String CSV = "text/csv; charset=utf-8; header=present";
  static final String HTML = "text/html; charset=utf-8";
  static final String TEXT = "text/plain; charset=utf-8";
  static final String JAVASCRIPT = "text/javascript; charset=utf-8";

  Reply {
    requireNonNull(contentType, "contentType");
    requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  static Reply json(JsonNode node) {
    return new Reply(200, JSON, SignalJson.write(node), Map.of());
  }

  static Reply csv(String text) {
    return new Reply(200, CSV, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static Reply error(ApiException e) {
    ObjectNode body = SignalJson.MAPPER.createObjectNode();
    body.put("error", e.getMessage());
    body.put("status", e.status());
    if (e.details() != null) {
      body.setAll(e.details());
    }
    return new Reply(e.status(), JSON, SignalJson.write(body), e.headers());
  }

  Reply withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Reply(status, contentType, body, more);
  }
}
