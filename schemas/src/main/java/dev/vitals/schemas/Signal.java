package dev.vitals.schemas;

/** The three OTLP signals, with their raw topic and OTLP/HTTP path. */
public enum Signal {
  METRICS("otlp_metrics", "/v1/metrics"),
  LOGS("otlp_logs", "/v1/logs"),
  TRACES("otlp_spans", "/v1/traces");

  private final String defaultTopic;
  private final String httpPath;

  Signal(String defaultTopic, String httpPath) {
    this.defaultTopic = defaultTopic;
    this.httpPath = httpPath;
  }

  /**
   * The raw topic name without prefix, as the OpenTelemetry Collector's kafka exporter names it.
   */
  public String defaultTopic() {
    return defaultTopic;
  }

  public String httpPath() {
    return httpPath;
  }

  /** The lower-case name used in metric labels: {@code metrics}, {@code logs}, {@code traces}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
