package dev.vitals.schemas;

import static java.util.Objects.requireNonNull;

/**
 * The topic catalog (docs/architecture.md, "Stages and the Kafka contract"). Every name can take a
 * common prefix, so that several Vitals installations can share one Kafka cluster.
 */
public record Topics(String prefix) {

  public static final Topics DEFAULT = new Topics("");

  /** Record header: the tenant that sent the data. */
  public static final String HEADER_TENANT = "vitals.tenant";

  /** Record header: the id ingest gave the request that carried the data. */
  public static final String HEADER_REQUEST_ID = "vitals.request-id";

  /** Record header: when ingest received the request, in epoch milliseconds (decimal text). */
  public static final String HEADER_RECEIVED_MS = "vitals.received-ms";

  /** Record header: the encoding of the value, {@code application/x-protobuf} for raw topics. */
  public static final String HEADER_CONTENT_TYPE = "content-type";

  public Topics {
    requireNonNull(prefix, "prefix");
  }

  public String raw(Signal signal) {
    return prefix + signal.defaultTopic();
  }

  public String serviceWindows() {
    return prefix + "vitals.service-windows.v1";
  }

  public String slo() {
    return prefix + "vitals.slo.v1";
  }

  public String health() {
    return prefix + "vitals.health.v1";
  }

  public String alerts() {
    return prefix + "vitals.alerts.v1";
  }

  /** One closed window of calls from one service (or virtual node) to another. */
  public String edges() {
    return prefix + "vitals.edges.v1";
  }

  public String deadLetter() {
    return prefix + "vitals.deadletter.v1";
  }
}
