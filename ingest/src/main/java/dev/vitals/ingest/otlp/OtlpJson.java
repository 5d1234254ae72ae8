package dev.vitals.ingest.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.RetryInfo;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * OTLP/JSON, which differs from the standard protobuf JSON mapping: trace and span ids are hex, not
 * base64 (the rest — integer enums, 64-bit integers as strings or numbers, lowerCamelCase keys,
 * unknown fields ignored — the standard parser accepts as it is).
 */
public final class OtlpJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .usingTypeRegistry(
              TypeRegistry.newBuilder()
                  .add(BadRequest.getDescriptor())
                  .add(RetryInfo.getDescriptor())
                  .build());

  /** Id fields and their byte length, in both spellings the protobuf JSON parser accepts. */
  private static final Map<String, Integer> ID_FIELDS =
      Map.of(
          "traceId",
          16,
          "trace_id",
          16,
          "spanId",
          8,
          "span_id",
          8,
          "parentSpanId",
          8,
          "parent_span_id",
          8);

  private OtlpJson() {}

  /**
   * Parses an OTLP/JSON request into a message of the prototype's type.
   *
   * @throws MalformedJsonException naming the problem and where it is
   */
  public static Message parse(byte[] json, Message prototype) throws MalformedJsonException {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedJsonException("invalid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new MalformedJsonException("invalid JSON: " + e.getMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new MalformedJsonException("invalid JSON: the body is not a JSON object");
    }
    hexIdsToBase64(tree, "$");
    Message.Builder builder = prototype.newBuilderForType();
    try {
      PARSER.merge(tree.toString(), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedJsonException("invalid OTLP/JSON: " + e.getMessage());
    }
    return builder.build();
  }

  /** Prints a response (or a google.rpc.Status) as JSON. */
  public static byte[] print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getName(), e);
    }
  }

  private static void hexIdsToBase64(JsonNode node, String path) throws MalformedJsonException {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        Integer length = ID_FIELDS.get(field.getKey());
        String childPath = path + "." + field.getKey();
        if (length != null && field.getValue().isTextual()) {
          field.setValue(new TextNode(hexToBase64(field.getValue().asText(), length, childPath)));
        } else {
          hexIdsToBase64(field.getValue(), childPath);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        hexIdsToBase64(array.get(i), path + "[" + i + "]");
      }
    }
  }

  private static String hexToBase64(String hex, int length, String path)
      throws MalformedJsonException {
    if (hex.isEmpty()) {
      return hex;
    }
    byte[] bytes;
    try {
      bytes = HEX.parseHex(hex.toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MalformedJsonException(path + ": \"" + hex + "\" is not a hex id");
    }
    if (bytes.length != length) {
      throw new MalformedJsonException(
          path
              + ": \""
              + hex
              + "\" has "
              + bytes.length
              + " bytes (expected: "
              + length
              + " bytes as "
              + (2 * length)
              + " hex digits)");
    }
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** A body that is not valid OTLP/JSON; the message says what and where. */
  public static final class MalformedJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedJsonException(String message) {
      super(message);
    }
  }
}
