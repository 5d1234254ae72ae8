package dev.vitals.schemas.signals;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The JSON encoding of the signal topics: camelCase fields, instants as RFC 3339 text, unknown
 * fields ignored on read (a newer writer may add fields to a {@code .v1} topic).
 */
public final class SignalJson {

  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          // Generated accessors instead of reflection: every window, health and alert record of
          // the streams stage is written and read through this mapper (bench/RESULTS.md).
          .addModule(new BlackbirdModule())
          // bucket counts from their long[], without boxing (Counts)
          .addModule(new SimpleModule().addSerializer(Counts.class, new Counts.Writer()))
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .build();

  private SignalJson() {}

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads one record.
   *
   * @throws SerializationException naming the type and the problem, for the dead-letter topic
   */
  public static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "not a valid " + type.getSimpleName() + " record: " + e.getMessage(), e);
    }
  }
}
