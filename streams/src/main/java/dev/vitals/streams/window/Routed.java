package dev.vitals.streams.window;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import dev.vitals.schemas.Signal;

/**
 * A record on its way through the window topology: the raw OTLP bytes of one signal, where it goes
 * next, and (between processors of one task) the request already parsed from them.
 *
 * @param parsed the request already read from {@code bytes} (a protobuf {@link Message}, or a
 *     {@link MetricsRecord}), or null when it must be read from them
 */
// Carries encoded bytes between steps; never compared or hashed, so array identity is fine.
@SuppressWarnings("ArrayRecordComponent")
record Routed(Route route, Signal signal, byte[] bytes, Object parsed) {

  /** Where a record goes next. */
  enum Route {
    /** One resource, keyed by its service: straight to the aggregator. */
    DIRECT,
    /** Split and re-keyed: through the repartition topic to the aggregator. */
    REKEY,
    /** The original bytes to the dead-letter topic. */
    DEAD_LETTER,
    /** A service window (JSON) to the output topic. */
    WINDOW
  }

  Routed {
    requireNonNull(route, "route");
    requireNonNull(bytes, "bytes");
  }
}
