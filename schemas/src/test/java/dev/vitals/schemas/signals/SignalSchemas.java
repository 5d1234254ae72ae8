package dev.vitals.schemas.signals;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Checks signal records against the JSON Schemas in {@code schemas/} (test helper). */
public final class SignalSchemas {

  private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

  private SignalSchemas() {}

  /**
   * Asserts that {@code json} is valid against the schema of a topic.
   *
   * @param schema the file name without extension, e.g. {@code service-windows.v1}
   */
  public static void assertValid(String schema, byte[] json) {
    Set<ValidationMessage> errors = validate(schema, json);
    assertThat(errors)
        .as("%s against %s", new String(json, java.nio.charset.StandardCharsets.UTF_8), schema)
        .isEmpty();
  }

  public static Set<ValidationMessage> validate(String schema, byte[] json) {
    try {
      JsonNode node = SignalJson.MAPPER.readTree(json);
      return CACHE.computeIfAbsent(schema, SignalSchemas::load).validate(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonSchema load(String name) {
    try (InputStream in = SignalSchemas.class.getResourceAsStream("/schemas/" + name + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("no schema named " + name);
      }
      SchemaValidatorsConfig config =
          SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
