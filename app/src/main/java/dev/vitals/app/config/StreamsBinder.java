package dev.vitals.app.config;

import dev.vitals.common.config.ConfigNode;
import dev.vitals.common.tls.ServerTls;
import dev.vitals.schemas.Topics;
import dev.vitals.streams.QuerySettings;
import dev.vitals.streams.StreamsSettings;
import dev.vitals.streams.graph.GraphSettings;
import dev.vitals.streams.slo.SloSettings;
import dev.vitals.streams.window.WindowSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Binds the {@code streams:} section: the application, its windows, SLOs and query API. */
final class StreamsBinder {

  static final String DEFAULT_STATE_DIR = "./data/streams";

  private StreamsBinder() {}

  static StreamsSettings bind(ConfigNode s, Topics topics, int replicationFactor) {
    String applicationId = s.string("applicationId", StreamsSettings.DEFAULT_APPLICATION_ID);
    Path stateDir = Path.of(s.string("stateDir", DEFAULT_STATE_DIR));
    int threads = s.integer("threads", 1, 1, 64);
    int standbys = s.integer("standbyReplicas", 0, 0, 10);
    WindowSettings windows = windows(s.section("windows"));
    QuerySettings query = query(s.section("query"));
    SloSettings slo = slo(s.section("slo"), query);
    GraphSettings graph = graph(s.section("graph"));
    return s.build(
        () ->
            new StreamsSettings(
                topics,
                applicationId,
                stateDir,
                threads,
                standbys,
                replicationFactor,
                windows,
                slo,
                query,
                graph),
        new StreamsSettings(
            topics,
            StreamsSettings.DEFAULT_APPLICATION_ID,
            Path.of(DEFAULT_STATE_DIR),
            1,
            0,
            replicationFactor,
            windows,
            slo,
            query,
            graph));
  }

  private static GraphSettings graph(ConfigNode g) {
    GraphSettings d = GraphSettings.DEFAULTS;
    Duration wait = g.duration("pairingWait", d.pairingWait());
    int max = g.integer("maxPendingSpans", d.maxPendingSpans(), 1, 100_000_000);
    return g.build(() -> new GraphSettings(wait, max), d);
  }

  private static WindowSettings windows(ConfigNode w) {
    WindowSettings d = WindowSettings.DEFAULTS;
    WindowSettings.Builder b =
        WindowSettings.builder()
            .windowSize(w.duration("size", d.windowSize()))
            .grace(w.duration("grace", d.grace()))
            .correctionHorizon(w.duration("correctionHorizon", d.correctionHorizon()))
            .forgetAfter(w.duration("forgetAfter", d.forgetAfter()))
            .maxFutureSkew(w.duration("maxFutureSkew", d.maxFutureSkew()))
            .firstPointMaxAge(w.duration("firstPointMaxAge", d.firstPointMaxAge()))
            .idleAfter(w.duration("idleAfter", d.idleAfter()))
            .maxServicesPerTenant(
                w.integer("maxServicesPerTenant", d.maxServicesPerTenant(), 1, 1_000_000))
            .maxOperationsPerService(
                w.integer("maxOperationsPerService", d.maxOperationsPerService(), 0, 100_000))
            .maxSeriesPerService(
                w.integer("maxSeriesPerService", d.maxSeriesPerService(), 0, 10_000_000))
            .maxSampleErrors(w.integer("maxSampleErrors", d.maxSampleErrors(), 0, 100))
            .maxExemplars(w.integer("maxExemplars", d.maxExemplars(), 0, 100));
    return w.build(b::build, d);
  }

  /**
   * The {@code slo} section. The status page's base URL defaults to this instance's query listener
   * as other hosts reach it ({@code advertisedHost:port}, https with TLS).
   */
  private static SloSettings slo(ConfigNode n, QuerySettings query) {
    SloSettings d = SloSettings.defaults();
    String listener =
        (query.tls() != null ? "https" : "http")
            + "://"
            + query.advertisedHost()
            + ":"
            + query.advertisedPort();
    Path file = n.file("file");
    SloSettings.Builder b =
        d.toBuilder()
            .sloFile(file)
            .availabilityObjective(
                n.number("availabilityObjective", d.availabilityObjective(), 0, 1))
            .latencyObjective(n.number("latencyObjective", d.latencyObjective(), 0, 1))
            .latencyThreshold(n.duration("latencyThreshold", d.latencyThreshold()))
            .period(n.duration("period", d.period()))
            .minEvents(n.integer("minEvents", (int) d.minEvents(), 0, Integer.MAX_VALUE))
            .resolveAfter(n.duration("resolveAfter", d.resolveAfter()))
            .silentWindows(n.integer("silentWindows", d.silentWindows(), 1, 10_000))
            .statusPageBaseUrl(n.string("statusPageBaseUrl", listener))
            .runbookBaseUrl(n.string("runbookBaseUrl", ""))
            .reloadInterval(n.duration("reloadInterval", d.reloadInterval()));
    return n.build(b::build, d);
  }

  private static QuerySettings query(ConfigNode q) {
    QuerySettings d = QuerySettings.DEFAULTS;
    String host = q.string("host", d.host());
    int port = q.port("port", d.port());
    String advertised = q.string("advertisedHost", d.advertisedHost());
    ServerTls tls = ConfigLoader.serverTls(q.section("tls"));
    ConfigNode auth = q.section("auth");
    String token = auth.nullableString("bearerToken", null);
    Map<String, String> tokens = auth.stringMap("tokens");
    return q.build(() -> new QuerySettings(host, port, advertised, tls, token, tokens), d);
  }
}
