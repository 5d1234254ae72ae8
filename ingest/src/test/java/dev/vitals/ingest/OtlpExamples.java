package dev.vitals.ingest;

import com.google.protobuf.Message;
import dev.vitals.ingest.otlp.OtlpJson;
import dev.vitals.ingest.otlp.OtlpSignal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The OTLP specification's example request of each signal: the fuzz tests' seeds. */
public final class OtlpExamples {

  private static final Map<OtlpSignal, Message> EXAMPLES = new ConcurrentHashMap<>();

  private OtlpExamples() {}

  public static Message of(OtlpSignal signal) {
    return EXAMPLES.computeIfAbsent(signal, OtlpExamples::read);
  }

  private static Message read(OtlpSignal signal) {
    String name =
        switch (signal) {
          case METRICS -> "metrics.json";
          case LOGS -> "logs.json";
          case TRACES -> "trace.json";
        };
    try (InputStream in = OtlpExamples.class.getResourceAsStream("/otlp-examples/" + name)) {
      return OtlpJson.parse(in.readAllBytes(), signal.requestPrototype());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (OtlpJson.MalformedJsonException e) {
      throw new IllegalStateException(e);
    }
  }
}
