package dev.vitals.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import dev.vitals.ingest.otlp.OtlpJson;
import dev.vitals.ingest.otlp.OtlpSignal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The OTLP specification's example request of each signal: the fuzz tests' seeds. */
public final class OtlpExamples {

  private static final Map<OtlpSignal, Message> EXAMPLES = new ConcurrentHashMap<>();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OtlpExamples() {}

  public static Message of(OtlpSignal signal) {
    return EXAMPLES.computeIfAbsent(signal, OtlpExamples::read);
  }

  /**
   * A request as OTLP/JSON: protobuf's JSON with trace and span ids in hex, as the specification
   * writes them (protobuf's printer would write base64, which OTLP/JSON refuses).
   */
  public static byte[] json(Message request) {
    try {
      JsonNode tree = MAPPER.readTree(OtlpJson.print(request));
      hexIds(tree);
      return MAPPER.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void hexIds(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (String field : List.of("traceId", "spanId", "parentSpanId")) {
        if (object.path(field).isTextual()) {
          byte[] id = Base64.getDecoder().decode(object.get(field).asText());
          object.put(field, HexFormat.of().formatHex(id));
        }
      }
    }
    node.forEach(OtlpExamples::hexIds);
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
