package dev.vitals.streams.graph;

import dev.vitals.schemas.signals.EdgeWindow;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;

/**
 * The node a client or producer span calls, as its attributes name it (OpenTelemetry semantic
 * conventions), for calls whose server side never arrives: {@code peer.service}, else {@code
 * server.address}, else {@code db.system.name} (or {@code db.system}) with {@code db.namespace} (or
 * the older {@code db.name}), else {@code messaging.system} with {@code
 * messaging.destination.name}. The connection type is {@code database} when the span names a
 * database system, {@code messaging_system} for messaging spans, else {@code virtual_node}.
 */
final class PeerNames {

  static final String PEER_SERVICE = "peer.service";
  static final String SERVER_ADDRESS = "server.address";
  static final String DB_SYSTEM_NAME = "db.system.name";
  static final String DB_SYSTEM = "db.system";
  static final String DB_NAMESPACE = "db.namespace";
  static final String DB_NAME = "db.name";
  static final String MESSAGING_SYSTEM = "messaging.system";
  static final String MESSAGING_DESTINATION = "messaging.destination.name";

  private PeerNames() {}

  /** The named peer, or null when the span names none. */
  static EdgeWindow.Node peer(List<KeyValue> attributes) {
    String name = first(attributes, PEER_SERVICE, SERVER_ADDRESS);
    if (name == null) {
      name = joined(dbSystem(attributes), first(attributes, DB_NAMESPACE, DB_NAME));
    }
    if (name == null) {
      name = joined(first(attributes, MESSAGING_SYSTEM), first(attributes, MESSAGING_DESTINATION));
    }
    return name == null ? null : EdgeWindow.Node.virtual(name);
  }

  static String connectionType(List<KeyValue> attributes, boolean messaging) {
    if (dbSystem(attributes) != null) {
      return EdgeWindow.DATABASE;
    }
    if (messaging || first(attributes, MESSAGING_SYSTEM) != null) {
      return EdgeWindow.MESSAGING_SYSTEM;
    }
    return EdgeWindow.VIRTUAL_NODE;
  }

  private static String dbSystem(List<KeyValue> attributes) {
    return first(attributes, DB_SYSTEM_NAME, DB_SYSTEM);
  }

  private static String joined(String system, String detail) {
    if (system == null) {
      return null;
    }
    return detail == null ? system : system + "/" + detail;
  }

  private static String first(List<KeyValue> attributes, String... keys) {
    for (String key : keys) {
      for (KeyValue kv : attributes) {
        if (kv.getKey().equals(key)) {
          String v = text(kv.getValue());
          if (v != null && !v.isBlank()) {
            return v;
          }
        }
      }
    }
    return null;
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      default -> null;
    };
  }
}
