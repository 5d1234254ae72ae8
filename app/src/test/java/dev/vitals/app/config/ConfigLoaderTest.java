package dev.vitals.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.common.tls.ServerTls;
import dev.vitals.common.tls.ServerTls.ClientAuth;
import dev.vitals.ingest.IngestSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  private static final String FULL =
      """
      kafka:
        bootstrapServers: k1:9092,k2:9092
        topicPrefix: acme.
        partitions: 12
        replicationFactor: 2
        clientProperties:
          security.protocol: SASL_SSL
          sasl.jaas.config: secret-jaas
          ssl.truststore.password: hunter2
      ingest:
        grpc: {host: 127.0.0.1, port: 14317}
        http: {host: 127.0.0.2, port: 14318}
        tls:
          certFile: /tls/server.crt
          keyFile: /tls/server.key
          clientCaFile: /tls/ca.crt
          clientAuth: require
        auth:
          tokens: {tok-a: team-a, tok-b: team-b}
          defaultTenant: null
        limits:
          maxRequestBytes: 8MiB
          maxInFlightBytes: 1GiB
          kafkaTimeout: 500ms
          retryAfter: 2s
          maxRecordBytes: 512KB
      admin: {host: 127.0.0.3, port: 18888}
      standalone: {dataDir: /var/lib/vitals, kafkaPort: 19092, controllerPort: 19093}
      """;

  @Test
  void everyKeyIsReadIntoTheTypedConfig() throws Exception {
    VitalsConfig c = ConfigLoader.parse(FULL, Map.of());

    assertThat(c.kafka().bootstrapServers()).isEqualTo("k1:9092,k2:9092");
    assertThat(c.kafka().topicPrefix()).isEqualTo("acme.");
    assertThat(c.kafka().partitions()).isEqualTo(12);
    assertThat(c.kafka().replicationFactor()).isEqualTo(2);
    assertThat(c.kafka().clientProps())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("bootstrap.servers", "k1:9092,k2:9092");
    IngestSettings i = c.ingest();
    assertThat(i.grpc()).isEqualTo(new IngestSettings.Listener("127.0.0.1", 14317));
    assertThat(i.http()).isEqualTo(new IngestSettings.Listener("127.0.0.2", 14318));
    assertThat(i.tls().certFile()).isEqualTo(Path.of("/tls/server.crt"));
    assertThat(i.tls().keyFile()).isEqualTo(Path.of("/tls/server.key"));
    assertThat(i.tls().clientCaFile()).isEqualTo(Path.of("/tls/ca.crt"));
    assertThat(i.tls().clientAuth()).isEqualTo(ClientAuth.REQUIRE);
    assertThat(i.auth().tokens()).containsEntry("tok-a", "team-a").hasSize(2);
    assertThat(i.auth().defaultTenant()).isNull();
    assertThat(i.limits().maxRequestBytes()).isEqualTo(8L << 20);
    assertThat(i.limits().maxInFlightBytes()).isEqualTo(1L << 30);
    assertThat(i.limits().kafkaTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(i.limits().retryAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(i.limits().maxRecordBytes()).isEqualTo(512_000);
    assertThat(i.topics().prefix()).isEqualTo("acme.");
    assertThat(c.admin()).isEqualTo(new AdminSettings("127.0.0.3", 18888));
    assertThat(c.standalone())
        .isEqualTo(new StandaloneSettings(Path.of("/var/lib/vitals"), 19092, 19093, "demo"));
  }

  @Test
  void anEmptyFileGivesTheDocumentedDefaults() throws Exception {
    VitalsConfig c = ConfigLoader.parse("", Map.of());

    assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(c.kafka().partitions()).isEqualTo(6);
    assertThat(c.kafka().replicationFactor()).isZero();
    assertThat(c.ingest()).isEqualTo(IngestSettings.defaults());
    assertThat(c.admin()).isEqualTo(new AdminSettings("0.0.0.0", 8888));
    assertThat(c.standalone())
        .isEqualTo(new StandaloneSettings(Path.of("./data"), 9092, 9093, "demo"));
  }

  @Test
  void theShippedExampleParsesToTheDefaults() throws Exception {
    VitalsConfig example = ConfigLoader.load(Path.of("../vitals.example.yaml"), Map.of());

    assertThat(example).isEqualTo(ConfigLoader.parse("", Map.of()));
  }

  @Test
  void aTenantRateTakesABurstOfAtLeastOneRequest() throws Exception {
    VitalsConfig c = ConfigLoader.parse("ingest: {limits: {tenantBytesPerSecond: 1MiB}}", Map.of());

    assertThat(c.ingest().limits().tenantBytesPerSecond()).isEqualTo(1L << 20);
    assertThat(c.ingest().limits().tenantBurstBytes()).isEqualTo(64L << 20);
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "ingest: {limits: {tenantBytesPerSecond: 1MiB, tenantBurstBytes: 1MiB}}",
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.limits")
        .hasMessageContaining("tenantBurstBytes");
  }

  @Test
  void environmentVariablesOverrideTheFileIgnoringCase() throws Exception {
    VitalsConfig c =
        ConfigLoader.parse(
            "ingest: {limits: {maxInFlightBytes: 512MiB}}",
            Map.of(
                "VITALS_INGEST_LIMITS_MAXINFLIGHTBYTES", "128MiB",
                "VITALS_KAFKA_BOOTSTRAPSERVERS", "b1:9092,b2:9092",
                "VITALS_ADMIN_PORT", "9999",
                "VITALS_JAVA_OPTS", "-Xmx1g",
                "PATH", "/usr/bin"));

    assertThat(c.ingest().limits().maxInFlightBytes()).isEqualTo(128L << 20);
    assertThat(c.kafka().bootstrapServers()).isEqualTo("b1:9092,b2:9092");
    assertThat(c.admin().port()).isEqualTo(9999);
  }

  @Test
  void anEnvironmentVariableCanCreateTheTlsSection() throws Exception {
    VitalsConfig c =
        ConfigLoader.parse(
            "",
            Map.of("VITALS_INGEST_TLS_CERTFILE", "/a.crt", "VITALS_INGEST_TLS_KEYFILE", "/a.key"));

    assertThat(c.ingest().tls().certFile()).isEqualTo(Path.of("/a.crt"));
  }

  @Test
  void anEnvironmentVariableThatNamesNoKeyIsAnError() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "",
                    Map.of("VITALS_INGEST_LIMITS_MAXBYTES", "1", "VITALS_INGEST_AUTH_TOKENS", "x")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).errors())
                    .containsExactly(
                        "VITALS_INGEST_AUTH_TOKENS: ingest.auth.tokens can only be set in the file",
                        "VITALS_INGEST_LIMITS_MAXBYTES: matches no configuration key"
                            + " (e.g. VITALS_KAFKA_BOOTSTRAPSERVERS)"));
  }

  @Test
  void aBadEnvironmentValueNamesTheVariable() {
    assertThat(errors("", Map.of("VITALS_ADMIN_PORT", "http")))
        .containsExactly(
            "admin.port (from VITALS_ADMIN_PORT): \"http\" is not an integer"
                + " (expected: an integer 0..65535)");
  }

  @Test
  void anUnknownKeyIsAnErrorThatListsTheKnownOnes() {
    assertThat(errors("admin: {prot: 1}", Map.of()))
        .containsExactly("admin.prot: unknown key (expected: one of host, port, tls, auth)");
  }

  @Test
  void everyErrorIsReportedAtOnceWithItsPath() {
    String yaml =
        """
        kafka: {partitions: 0, colour: blue}
        ingest:
          limits: {maxRequestBytes: 12XB, kafkaTimeout: 5 seconds}
          tls: {clientAuth: maybe}
        nonsense: true
        """;

    assertThat(errors(yaml, Map.of()))
        .containsExactlyInAnyOrder(
            "kafka.partitions: \"0\" is out of range (expected: an integer 1..100000)",
            "ingest.tls.clientAuth: \"maybe\" is not one of none|optional|require",
            "ingest.tls.certFile: missing (expected: the server certificate chain, PEM)",
            "ingest.tls.keyFile: missing (expected: the server private key, PKCS#8 PEM)",
            "ingest.limits.maxRequestBytes: \"12XB\" is not a size (expected: a size such as 512B,"
                + " 64KiB, 64MiB, 1GB)",
            "ingest.limits.kafkaTimeout: \"5 seconds\" is not a duration"
                + " (expected: a duration such as 500ms, 90s, 10m, 1h30m, 30d)",
            "kafka.colour: unknown key (expected: one of bootstrapServers, topicPrefix,"
                + " partitions, replicationFactor, clientProperties)",
            "nonsense: unknown key (expected: one of kafka, ingest, admin, standalone, sinks, streams)");
  }

  @Test
  void twoErrorsInOneFileAreBothReportedWithTheirPaths() {
    String yaml =
        """
        kafka: {partitions: 0}
        streams: {windows: {grace: -1s}}
        """;

    assertThat(errors(yaml, Map.of()))
        .containsExactly(
            "kafka.partitions: \"0\" is out of range (expected: an integer 1..100000)",
            "streams.windows.grace: \"-1s\" is negative (expected: a duration of 0s or more)");
  }

  @Test
  void listenerBoundsAreReadPerListener() throws Exception {
    String yaml =
        """
        ingest:
          grpc: {maxConnections: 50, headerTimeout: 2s, maxHeaderBytes: 8KiB,
                 idleTimeout: 1m, maxConnectionAge: 0s}
          http: {maxConnections: 70, headerTimeout: 3s, maxHeaderBytes: 32KiB, idleTimeout: 2m}
        """;
    IngestSettings i = ConfigLoader.parse(yaml, Map.of()).ingest();

    assertThat(i.grpc())
        .isEqualTo(
            new IngestSettings.Listener(
                "0.0.0.0", 4317, 50, Duration.ofSeconds(2), 8192, Duration.ofMinutes(1), null));
    assertThat(i.http())
        .isEqualTo(
            new IngestSettings.Listener(
                "0.0.0.0",
                4318,
                70,
                Duration.ofSeconds(3),
                32768,
                Duration.ofMinutes(2),
                IngestSettings.Listener.DEFAULT_MAX_CONNECTION_AGE));
  }

  @Test
  void listenerBoundsOutOfRangeAreErrorsAtTheirPaths() {
    assertThat(
            errors(
                "ingest: {http: {maxConnections: 0, maxHeaderBytes: 100, maxConnectionAge: 1m}}",
                Map.of()))
        .containsExactlyInAnyOrder(
            "ingest.http.maxConnections: \"0\" is out of range (expected: an integer 1..1000000)",
            "ingest.http.maxHeaderBytes: \"100\" is out of range (expected: 1024..16777216 bytes)",
            "ingest.http.maxConnectionAge: unknown key (expected: one of host, port,"
                + " maxConnections, headerTimeout, maxHeaderBytes, idleTimeout)");
  }

  @Test
  void aConstraintOfIngestSettingsBecomesAnErrorAtItsSection() {
    assertThat(
            errors("ingest: {limits: {maxRequestBytes: 1GiB, maxInFlightBytes: 1MiB}}", Map.of()))
        .containsExactly(
            "ingest.limits: maxInFlightBytes: 1048576 (expected: >= maxRequestBytes 1073741824)");
  }

  @Test
  void adminTlsAndBearerTokenAreReadLikeIngestTls() throws Exception {
    VitalsConfig c =
        ConfigLoader.parse(
            """
            admin:
              tls:
                certFile: /tls/admin.crt
                keyFile: /tls/admin.key
                clientCaFile: /tls/ca.crt
                clientAuth: optional
              auth: {bearerToken: s3cr3t-scrape-token}
            """,
            Map.of());

    assertThat(c.admin().tls())
        .isEqualTo(
            new ServerTls(
                Path.of("/tls/admin.crt"),
                Path.of("/tls/admin.key"),
                Path.of("/tls/ca.crt"),
                ClientAuth.OPTIONAL));
    assertThat(c.admin().bearerToken()).isEqualTo("s3cr3t-scrape-token");
    assertThat(c.admin().toString()).doesNotContain("s3cr3t-scrape-token");
    assertThat(c.ingest().tls()).isNull();
  }

  @Test
  void theAdminBearerTokenCanComeFromTheEnvironment() throws Exception {
    VitalsConfig c = ConfigLoader.parse("", Map.of("VITALS_ADMIN_AUTH_BEARERTOKEN", "from-env"));

    assertThat(c.admin().bearerToken()).isEqualTo("from-env");
    assertThat(c.admin().tls()).isNull();
  }

  @Test
  void adminTlsErrorsAreReportedAtAdminPaths() {
    String yaml =
        """
        admin:
          tls: {keyFile: k, clientAuth: sometimes}
          auth: {bearerToken: "has spaces in-it", user: x}
        """;

    assertThat(errors(yaml, Map.of()))
        .containsExactlyInAnyOrder(
            "admin.tls.clientAuth: \"sometimes\" is not one of none|optional|require",
            "admin.tls.certFile: missing (expected: the server certificate chain, PEM)",
            "admin.auth.bearerToken: not a token (expected: visible ASCII characters, no spaces)",
            "admin.auth.user: unknown key (expected: one of bearerToken)");
  }

  @Test
  void adminMutualTlsWithoutAClientCaIsAnError() {
    assertThat(errors("admin: {tls: {certFile: a, keyFile: b, clientAuth: require}}", Map.of()))
        .singleElement()
        .asString()
        .startsWith("admin.tls: clientCaFile: null");
  }

  @Test
  void mutualTlsWithoutAClientCaIsAnError() {
    assertThat(errors("ingest: {tls: {certFile: a, keyFile: b, clientAuth: optional}}", Map.of()))
        .singleElement()
        .asString()
        .startsWith("ingest.tls: clientCaFile: null");
  }

  @Test
  void theStreamsSectionIsReadIntoWindowSloAndQuerySettings() throws Exception {
    VitalsConfig c =
        ConfigLoader.parse(
            """
            kafka: {replicationFactor: 3, topicPrefix: "p."}
            streams:
              applicationId: vitals-prod
              threads: 2
              standbyReplicas: 1
              windows: {size: 10s, grace: 2s, correctionHorizon: 1h, maxOperationsPerService: 50}
              slo: {availabilityObjective: 0.995, latencyThreshold: 250ms, period: 28d, minEvents: 30}
              query:
                port: 9080
                advertisedHost: streams-1.internal
                auth: {tokens: {t0k3n: team-a}}
            """,
            Map.of("VITALS_STREAMS_SLO_RESOLVEAFTER", "10m"));

    var s = c.streams();
    assertThat(s.applicationId()).isEqualTo("vitals-prod");
    assertThat(s.threads()).isEqualTo(2);
    assertThat(s.standbyReplicas()).isEqualTo(1);
    assertThat(s.replicationFactor()).isEqualTo(3);
    assertThat(s.topics().serviceWindows()).isEqualTo("p.vitals.service-windows.v1");
    assertThat(s.windows().windowSize()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(s.windows().grace()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(s.windows().correctionHorizon()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(s.windows().maxOperationsPerService()).isEqualTo(50);
    assertThat(s.slo().availabilityObjective()).isEqualTo(0.995);
    assertThat(s.slo().latencyThreshold()).isEqualTo(java.time.Duration.ofMillis(250));
    assertThat(s.slo().period()).isEqualTo(java.time.Duration.ofDays(28));
    assertThat(s.slo().minEvents()).isEqualTo(30);
    assertThat(s.slo().resolveAfter()).isEqualTo(java.time.Duration.ofMinutes(10));
    assertThat(s.query().port()).isEqualTo(9080);
    assertThat(s.query().advertisedHost()).isEqualTo("streams-1.internal");
    assertThat(s.query().tenantTokens()).containsEntry("t0k3n", "team-a");
    assertThat(c.toRedactedYaml()).doesNotContain("t0k3n").contains("team-a");
    // Links in alerts point at this instance's query listener unless configured.
    assertThat(s.slo().statusPageBaseUrl()).isEqualTo("http://streams-1.internal:9080");
    assertThat(s.slo().effectiveRunbookBaseUrl())
        .isEqualTo("http://streams-1.internal:9080/runbooks");
  }

  @Test
  void theGraphSectionSetsThePairingWaitAndTheStoreBudget() throws Exception {
    var s =
        ConfigLoader.parse(
                """
                streams:
                  graph: {pairingWait: 30s, maxPendingSpans: 5000}
                """,
                Map.of("VITALS_STREAMS_GRAPH_MAXPENDINGSPANS", "7000"))
            .streams();

    assertThat(s.graph().pairingWait()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(s.graph().maxPendingSpans()).isEqualTo(7000);
    assertThat(s.topics().edges()).isEqualTo("vitals.edges.v1");
    assertThat(errors("streams: {graph: {maxPendingSpans: 0}}", Map.of()))
        .anyMatch(e -> e.startsWith("streams.graph.maxPendingSpans"));
  }

  @Test
  void configuredAlertLinkBasesWinOverTheQueryListener() throws Exception {
    var slo =
        ConfigLoader.parse(
                """
                streams:
                  query: {port: 9080, advertisedHost: streams-1.internal}
                  slo:
                    statusPageBaseUrl: https://vitals.example.com/
                    runbookBaseUrl: https://wiki.example.com/runbooks
                """,
                Map.of())
            .streams()
            .slo();

    assertThat(slo.statusPageBaseUrl()).isEqualTo("https://vitals.example.com");
    assertThat(slo.effectiveRunbookBaseUrl()).isEqualTo("https://wiki.example.com/runbooks");
  }

  @Test
  void streamsErrorsAreReportedAtTheirPaths() {
    assertThat(
            errors(
                """
                streams:
                  threads: 0
                  windows: {size: 0s, grace: 1m, correctionHorizon: 10s}
                  slo: {availabilityObjective: 1.5}
                  query: {port: 0}
                """,
                Map.of()))
        .contains(
            "streams.threads: \"0\" is out of range (expected: an integer 1..64)",
            "streams.slo.availabilityObjective: \"1.5\" is out of range (expected: a number 0.0..1.0)")
        .anyMatch(e -> e.startsWith("streams.windows: windowSize: PT0S"))
        .anyMatch(e -> e.startsWith("streams.query: port: 0"));
  }

  @Test
  void aMissingFileIsReported() {
    assertThatThrownBy(() -> ConfigLoader.load(Path.of("does-not-exist.yaml"), Map.of()))
        .hasMessage("does-not-exist.yaml: no such file");
  }

  @Test
  void brokenYamlIsReported() {
    assertThat(errors("kafka: [", Map.of()))
        .singleElement()
        .asString()
        .startsWith("not valid YAML");
  }

  private static java.util.List<String> errors(String yaml, Map<String, String> env) {
    try {
      ConfigLoader.parse(yaml, env);
    } catch (ConfigException e) {
      return e.errors();
    }
    throw new AssertionError("expected a ConfigException");
  }
}
