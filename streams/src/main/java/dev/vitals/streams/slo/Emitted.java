package dev.vitals.streams.slo;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.signals.SignalJson;
import java.nio.charset.StandardCharsets;

/** A record for one of the three output topics: which one, and its JSON value. */
record Emitted(Kind kind, String json) {

  enum Kind {
    SLO,
    HEALTH,
    ALERT
  }

  Emitted {
    requireNonNull(kind, "kind");
    requireNonNull(json, "json");
  }

  static Emitted of(Kind kind, Object value) {
    return new Emitted(kind, new String(SignalJson.write(value), StandardCharsets.UTF_8));
  }
}
