package dev.vitals.schemas.otlp;

import dev.vitals.schemas.ServiceKey;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Service identity and attribute access on OTLP resources (semantic conventions, service.*). */
public final class OtlpResources {

  public static final String SERVICE_NAME = "service.name";
  public static final String SERVICE_NAMESPACE = "service.namespace";
  public static final String SERVICE_INSTANCE_ID = "service.instance.id";

  /** What the SDKs report when the application set no service name. */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  private OtlpResources() {}

  /** The service a resource belongs to, under the given tenant. */
  public static ServiceKey serviceKey(String tenant, Resource resource) {
    String name = stringAttribute(resource.getAttributesList(), SERVICE_NAME);
    String namespace = stringAttribute(resource.getAttributesList(), SERVICE_NAMESPACE);
    return new ServiceKey(
        tenant,
        namespace == null ? "" : namespace,
        name == null || name.isEmpty() ? UNKNOWN_SERVICE : name);
  }

  /** The value of a string attribute, or null when it is absent or not a string. */
  public static @Nullable String stringAttribute(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        AnyValue v = kv.getValue();
        return v.getValueCase() == AnyValue.ValueCase.STRING_VALUE ? v.getStringValue() : null;
      }
    }
    return null;
  }

  public static KeyValue stringKeyValue(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
