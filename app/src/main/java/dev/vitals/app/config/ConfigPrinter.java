package dev.vitals.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vitals.common.config.Quantities;
import dev.vitals.common.tls.ServerTls;
import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.IngestSettings.Limits;
import dev.vitals.ingest.IngestSettings.Listener;
import dev.vitals.streams.QuerySettings;
import dev.vitals.streams.StreamsSettings;
import dev.vitals.streams.slo.SloSettings;
import dev.vitals.streams.window.WindowSettings;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The effective configuration as YAML, safe to log: no token and no secret client property. */
final class ConfigPrinter {

  static final String REDACTED = "<redacted>";

  private static final List<String> SECRET_MARKERS =
      List.of("password", "secret", "token", "sasl.jaas", "credential", ".key");
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  private ConfigPrinter() {}

  static String redactedYaml(VitalsConfig c) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("kafka", kafka(c.kafka()));
    root.put("ingest", ingest(c.ingest()));
    root.put("admin", admin(c.admin()));
    root.put(
        "standalone",
        map(
            "dataDir", c.standalone().dataDir().toString(),
            "kafkaPort", c.standalone().kafkaPort(),
            "controllerPort", c.standalone().controllerPort(),
            "demo", c.standalone().demo() == null ? "none" : c.standalone().demo()));
    root.put("streams", streams(c.streams()));
    root.put("sinks", SinksPrinter.sinks(c.sinks()));
    try {
      return YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True for client properties whose value must never be printed. */
  static boolean isSecret(String property) {
    String p = property.toLowerCase(Locale.ROOT);
    return SECRET_MARKERS.stream().anyMatch(p::contains);
  }

  private static Map<String, Object> kafka(KafkaSettings k) {
    Map<String, Object> props = new LinkedHashMap<>();
    k.clientProperties().keySet().stream()
        .sorted()
        .forEach(p -> props.put(p, isSecret(p) ? REDACTED : k.clientProperties().get(p)));
    Map<String, Object> m =
        map(
            "bootstrapServers", k.bootstrapServers(),
            "topicPrefix", k.topicPrefix(),
            "partitions", k.partitions(),
            "replicationFactor", k.replicationFactor());
    m.put("clientProperties", props);
    return m;
  }

  private static Map<String, Object> ingest(IngestSettings i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("grpc", listener(i.grpc(), true));
    m.put("http", listener(i.http(), false));
    if (i.tls() != null) {
      m.put("tls", tls(i.tls()));
    }
    Map<String, Object> tokens = new LinkedHashMap<>();
    int n = 0;
    for (String tenant : i.auth().tokens().values().stream().sorted().toList()) {
      tokens.put(REDACTED + "-" + ++n, tenant);
    }
    m.put("auth", map("tokens", tokens, "defaultTenant", i.auth().defaultTenant()));
    m.put("limits", limits(i.limits()));
    return m;
  }

  private static Map<String, Object> admin(AdminSettings a) {
    Map<String, Object> m = map("host", a.host(), "port", a.port());
    if (a.tls() != null) {
      m.put("tls", tls(a.tls()));
    }
    if (a.bearerToken() != null) {
      m.put("auth", map("bearerToken", REDACTED));
    }
    return m;
  }

  private static Map<String, Object> streams(StreamsSettings s) {
    Map<String, Object> m =
        map(
            "applicationId", s.applicationId(),
            "stateDir", s.stateDir().toString(),
            "threads", s.threads(),
            "standbyReplicas", s.standbyReplicas());
    WindowSettings w = s.windows();
    m.put(
        "windows",
        map(
            "size", Quantities.formatDuration(w.windowSize()),
            "grace", Quantities.formatDuration(w.grace()),
            "correctionHorizon", Quantities.formatDuration(w.correctionHorizon()),
            "forgetAfter", Quantities.formatDuration(w.forgetAfter()),
            "maxFutureSkew", Quantities.formatDuration(w.maxFutureSkew()),
            "firstPointMaxAge", Quantities.formatDuration(w.firstPointMaxAge()),
            "idleAfter", Quantities.formatDuration(w.idleAfter()),
            "maxServicesPerTenant", w.maxServicesPerTenant(),
            "maxOperationsPerService", w.maxOperationsPerService(),
            "maxSeriesPerService", w.maxSeriesPerService(),
            "maxSampleErrors", w.maxSampleErrors(),
            "maxExemplars", w.maxExemplars()));
    SloSettings o = s.slo();
    m.put(
        "slo",
        map(
            "file", o.sloFile() == null ? null : o.sloFile().toString(),
            "availabilityObjective", o.availabilityObjective(),
            "latencyObjective", o.latencyObjective(),
            "latencyThreshold", Quantities.formatDuration(o.latencyThreshold()),
            "period", Quantities.formatDuration(o.period()),
            "minEvents", o.minEvents(),
            "resolveAfter", Quantities.formatDuration(o.resolveAfter()),
            "silentWindows", o.silentWindows(),
            "statusPageBaseUrl", o.statusPageBaseUrl(),
            "runbookBaseUrl", o.runbookBaseUrl(),
            "reloadInterval", Quantities.formatDuration(o.reloadInterval())));
    QuerySettings q = s.query();
    Map<String, Object> query =
        map("host", q.host(), "port", q.port(), "advertisedHost", q.advertisedHost());
    if (q.tls() != null) {
      query.put(
          "tls",
          map(
              "certFile", q.tls().certFile().toString(),
              "keyFile", q.tls().keyFile().toString(),
              "clientCaFile",
                  q.tls().clientCaFile() == null ? null : q.tls().clientCaFile().toString(),
              "clientAuth", q.tls().clientAuth().name().toLowerCase(Locale.ROOT)));
    }
    Map<String, Object> tokens = new LinkedHashMap<>();
    int n = 0;
    for (String tenant : q.tenantTokens().values().stream().sorted().toList()) {
      tokens.put(REDACTED + "-" + ++n, tenant);
    }
    query.put(
        "auth", map("bearerToken", q.bearerToken() == null ? null : REDACTED, "tokens", tokens));
    m.put("query", query);
    return m;
  }

  private static Map<String, Object> listener(Listener l, boolean grpc) {
    Map<String, Object> m =
        map(
            "host", l.host(),
            "port", l.port(),
            "maxConnections", l.maxConnections(),
            "headerTimeout", Quantities.formatDuration(l.headerTimeout()),
            "maxHeaderBytes", Quantities.formatSize(l.maxHeaderBytes()),
            "idleTimeout", Quantities.formatDuration(l.idleTimeout()));
    if (grpc) {
      m.put(
          "maxConnectionAge",
          l.maxConnectionAge() == null ? "0s" : Quantities.formatDuration(l.maxConnectionAge()));
    }
    return m;
  }

  private static Map<String, Object> tls(ServerTls t) {
    return map(
        "certFile", t.certFile().toString(),
        "keyFile", t.keyFile().toString(),
        "clientCaFile", t.clientCaFile() == null ? null : t.clientCaFile().toString(),
        "clientAuth", t.clientAuth().name().toLowerCase(Locale.ROOT));
  }

  private static Map<String, Object> limits(Limits l) {
    return map(
        "maxRequestBytes", Quantities.formatSize(l.maxRequestBytes()),
        "maxInFlightBytes", Quantities.formatSize(l.maxInFlightBytes()),
        "kafkaTimeout", Quantities.formatDuration(l.kafkaTimeout()),
        "retryAfter", Quantities.formatDuration(l.retryAfter()),
        "maxRecordBytes", Quantities.formatSize(l.maxRecordBytes()),
        "tenantBytesPerSecond", Quantities.formatSize(l.tenantBytesPerSecond()),
        "tenantBurstBytes", Quantities.formatSize(l.tenantBurstBytes()),
        "bodyTimeout", Quantities.formatDuration(l.bodyTimeout()));
  }

  /** An ordered map that, unlike Map.of, keeps nulls and order. */
  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
