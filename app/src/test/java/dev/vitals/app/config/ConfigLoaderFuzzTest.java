package dev.vitals.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.testing.Mutations;
import dev.vitals.schemas.testing.Mutations.Mutation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * The configuration loader, fed mutations of the shipped example and of a file that sets every
 * section, with hostile environment overrides: any input gives a configuration or a {@link
 * ConfigException} listing problems, never another exception, and quickly. A configuration that
 * loads also prints (the effective configuration at start) without failing.
 */
@Tag("fuzz")
class ConfigLoaderFuzzTest {

  private static final long SLOW_NANOS = Duration.ofSeconds(2).toNanos();

  private static final String EVERY_SECTION =
      """
      kafka:
        bootstrapServers: k1:9092,k2:9092
        topicPrefix: acme.
        clientProperties: {security.protocol: SASL_SSL, sasl.jaas.config: secret}
      ingest:
        grpc: {host: 127.0.0.1, port: 14317, maxConnections: 10, maxConnectionAge: 0s}
        http: {host: 127.0.0.2, port: 14318, headerTimeout: 2s, maxHeaderBytes: 8KiB}
        tls: {certFile: /tls/s.crt, keyFile: /tls/s.key, clientCaFile: /tls/ca.crt, clientAuth: require}
        auth: {tokens: {tok-a: team-a}, defaultTenant: null}
        limits: {maxRequestBytes: 8MiB, maxInFlightBytes: 1GiB, tenantBytesPerSecond: 1MiB}
      admin: {host: 127.0.0.3, port: 18888, auth: {bearerToken: adm1n}}
      standalone: {dataDir: /var/lib/vitals, demo: none}
      streams:
        windows: {size: 1m, grace: 10s, maxServicesPerTenant: 10}
        slo: {availabilityObjective: 0.99, latencyThreshold: 300ms, period: 7d}
        query: {port: 8081, auth: {bearerToken: q, tokens: {t1: acme}}}
      sinks:
        remoteWrite:
          - name: prom
            url: http://user:pw@prom:9090/api/v1/write?x=1
            headers: {X-Scope-OrgID: acme, Authorization: secret}
            auth: {username: u, password: p}
            timeout: 10s
        alertmanager:
          - url: http://am:9093
      """;

  private static final List<String> SEEDS = List.of(example(), EVERY_SECTION);

  @Property
  void anyFileLoadsOrIsRefusedWithItsProblemsListed(
      @ForAll("seeds") String seed,
      @ForAll("mutations") List<Mutation> mutations,
      @ForAll("environments") Map<String, String> env) {
    String yaml = Mutations.applyToText(seed, mutations);
    long started = System.nanoTime();
    try {
      VitalsConfig config = ConfigLoader.parse(yaml, env);
      assertThat(config.toRedactedYaml()).isNotBlank();
    } catch (ConfigException e) {
      assertThat(e.errors()).isNotEmpty().allSatisfy(line -> assertThat(line).isNotBlank());
    }
    assertThat(System.nanoTime() - started).isLessThan(SLOW_NANOS);
  }

  @Example
  void theSeedsThemselvesLoad() throws ConfigException {
    for (String seed : SEEDS) {
      assertThat(ConfigLoader.parse(seed, Map.of())).isNotNull();
    }
  }

  @Provide
  Arbitrary<String> seeds() {
    return Arbitraries.of(SEEDS);
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return Mutations.some(8);
  }

  /** Overrides of real keys (and a few unknown ones) with values good, bad and hostile. */
  @Provide
  Arbitrary<Map<String, String>> environments() {
    Arbitrary<String> names =
        Arbitraries.of(
            "VITALS_KAFKA_PARTITIONS",
            "VITALS_INGEST_HTTP_PORT",
            "VITALS_INGEST_GRPC_MAXCONNECTIONS",
            "VITALS_INGEST_LIMITS_MAXREQUESTBYTES",
            "VITALS_INGEST_LIMITS_BODYTIMEOUT",
            "VITALS_INGEST_TLS_CLIENTAUTH",
            "VITALS_ADMIN_AUTH_BEARERTOKEN",
            "VITALS_STREAMS_SLO_PERIOD",
            "VITALS_STREAMS_WINDOWS_SIZE",
            "VITALS_STANDALONE_DEMO",
            "VITALS_NO_SUCH_KEY",
            "VITALS_",
            "PATH");
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.of(
                "",
                "0",
                "-1",
                "1e999",
                "99999999999999999999",
                "5s",
                "1MiB",
                "NaN",
                "require",
                "a b",
                "\u0000",
                "{x: 1}"),
            Arbitraries.strings().all().ofMaxLength(20));
    return Arbitraries.maps(names, values).ofMaxSize(3);
  }

  private static String example() {
    try {
      return Files.readString(Path.of("../vitals.example.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
