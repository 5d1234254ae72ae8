package dev.vitals.streams.window;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;
import java.util.Locale;

/** What the OpenTelemetry semantic conventions say about requests: operation, error, unit. */
final class Semconv {

  static final String HTTP_ROUTE = "http.route";
  static final String HTTP_STATUS = "http.response.status_code";
  static final String HTTP_STATUS_OLD = "http.status_code";
  static final String ERROR_TYPE = "error.type";
  static final String RPC_SERVICE = "rpc.service";
  static final String RPC_METHOD = "rpc.method";
  static final String GRPC_STATUS = "rpc.grpc.status_code";

  /** Severity classes by severity number: 1–4 TRACE, …, 21–24 FATAL. */
  static final String[] SEVERITIES = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

  static final int ERROR_CLASS = 4;

  private Semconv() {}

  /** The RED histogram metrics and their default unit factor to seconds; 0 for other metrics. */
  static double secondsPerUnit(String metricName, String unit) {
    double byName;
    switch (metricName) {
      case "http.server.request.duration":
      case "rpc.server.call.duration":
        byName = 1;
        break;
      case "http.server.duration":
      case "rpc.server.duration":
        byName = 0.001;
        break;
      default:
        return 0;
    }
    switch (unit) {
      case "s":
        return 1;
      case "ms":
        return 0.001;
      case "us":
        return 0.000_001;
      case "ns":
        return 0.000_000_001;
      default:
        return byName;
    }
  }

  /** Attribute values by key, as {@link #string(List, String)} and {@link #integer} read them. */
  interface Attributes {
    /** The first value of {@code key} as text, or null (see {@link #string(List, String)}). */
    String string(String key);

    /** The first value of {@code key} as an integer, or -1 (see {@link #integer}). */
    long integer(String key);
  }

  private static Attributes view(List<KeyValue> attributes) {
    return new Attributes() {
      @Override
      public String string(String key) {
        return Semconv.string(attributes, key);
      }

      @Override
      public long integer(String key) {
        return Semconv.integer(attributes, key);
      }
    };
  }

  /** http.route, else rpc.service/rpc.method (or rpc.method), else null. */
  static String operation(List<KeyValue> attributes) {
    return operation(view(attributes));
  }

  /** An HTTP 5xx, a non-OK gRPC status, or an error.type without a status code. */
  static boolean failed(List<KeyValue> attributes) {
    return failed(view(attributes));
  }

  /** {@link #operation(List)} of attributes read otherwise. */
  static String operation(Attributes attributes) {
    String route = attributes.string(HTTP_ROUTE);
    if (route != null && !route.isEmpty()) {
      return route;
    }
    String method = attributes.string(RPC_METHOD);
    if (method == null || method.isEmpty()) {
      return null;
    }
    String service = attributes.string(RPC_SERVICE);
    return service == null || service.isEmpty() ? method : service + "/" + method;
  }

  /** {@link #failed(List)} of attributes read otherwise. */
  static boolean failed(Attributes attributes) {
    long http = attributes.integer(HTTP_STATUS);
    if (http < 0) {
      http = attributes.integer(HTTP_STATUS_OLD);
    }
    if (http >= 500) {
      return true;
    }
    long grpc = attributes.integer(GRPC_STATUS);
    if (grpc > 0) {
      return true;
    }
    return http < 0 && grpc < 0 && attributes.string(ERROR_TYPE) != null;
  }

  /** The severity class index (0 TRACE .. 5 FATAL), or -1 when the record names none. */
  static int severityClass(int number, String text) {
    if (number >= 1 && number <= 24) {
      return (number - 1) / 4;
    }
    if (text == null || text.isEmpty()) {
      return -1;
    }
    String upper = text.toUpperCase(Locale.ROOT);
    for (int i = 0; i < SEVERITIES.length; i++) {
      if (upper.startsWith(SEVERITIES[i])) {
        return i;
      }
    }
    if (upper.startsWith("WARNING")) {
      return 3;
    }
    if (upper.startsWith("CRITICAL") || upper.startsWith("EMERG") || upper.startsWith("ALERT")) {
      return 5;
    }
    return -1;
  }

  static String string(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        AnyValue v = kv.getValue();
        switch (v.getValueCase()) {
          case STRING_VALUE:
            return v.getStringValue();
          case INT_VALUE:
            return Long.toString(v.getIntValue());
          case BOOL_VALUE:
            return Boolean.toString(v.getBoolValue());
          default:
            return null;
        }
      }
    }
    return null;
  }

  /** An integer attribute (also written as text), or -1 when absent or not a number. */
  static long integer(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        AnyValue v = kv.getValue();
        if (v.getValueCase() == AnyValue.ValueCase.INT_VALUE) {
          return v.getIntValue();
        }
        if (v.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
          return parseInteger(v.getStringValue());
        }
        return -1;
      }
    }
    return -1;
  }

  /** An integer written as text (surrounding blanks allowed), or -1. */
  static long parseInteger(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
