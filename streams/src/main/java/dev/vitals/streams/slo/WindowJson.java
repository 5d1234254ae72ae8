package dev.vitals.streams.slo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads service windows for the SLO evaluation without their running totals: the evaluation does
 * not use them, and their latency histogram (hundreds of bucket counts) is most of a window's JSON.
 * The parser skips over them without building numbers.
 */
final class WindowJson {

  @JsonIgnoreProperties({"totals"})
  private abstract static class WithoutTotals {}

  private static final ObjectReader READER =
      SignalJson.MAPPER
          .copy()
          .addMixIn(ServiceWindow.class, WithoutTotals.class)
          .readerFor(ServiceWindow.class);

  private WindowJson() {}

  /**
   * A window with {@code totals} null.
   *
   * @throws SerializationException naming the problem, when {@code json} is not a window
   */
  static ServiceWindow read(byte[] json) {
    try {
      return READER.readValue(json);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("not a valid ServiceWindow record: " + e.getMessage(), e);
    }
  }
}
