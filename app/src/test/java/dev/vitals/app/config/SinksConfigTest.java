package dev.vitals.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinkSettings.Destination;
import dev.vitals.sinks.SinkSettings.Kind;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinksConfigTest {

  @Test
  void everySinkKeyIsReadIntoTheSinkSettings() throws Exception {
    VitalsConfig c =
        ConfigLoader.parse(
            """
            kafka: {topicPrefix: "prod."}
            sinks:
              remoteWrite:
                - name: mimir
                  url: https://mimir:9009/api/v1/push
                  headers: {X-Team: sre}
                  tenantHeader: X-Scope-OrgID
                  auth: {username: vitals, password: pw}
                  tls: {caFile: /ca.crt, certFile: /c.crt, keyFile: /c.key, insecureSkipVerify: true}
                  timeout: 3s
                  shards: 8
                  maxBatchSamples: 500
              influx:
                - url: http://influx:8086/api/v2/write?org=o&bucket=b
                  auth: {bearerToken: tok}
              otlp:
                - url: http://collector:4318/v1/metrics
              alertmanager:
                - url: http://am1:9093
                - url: http://am2:9093
              delivery: {minBackoff: 50ms, maxBackoff: 5s}
            """,
            Map.of());

    var s = c.sinks();
    assertThat(s.topics().alerts()).isEqualTo("prod.vitals.alerts.v1");
    assertThat(s.delivery().minBackoff()).isEqualTo(Duration.ofMillis(50));
    assertThat(s.delivery().maxBackoff()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.destinations())
        .extracting(Destination::name, Destination::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("mimir", Kind.REMOTE_WRITE),
            org.assertj.core.groups.Tuple.tuple("influx", Kind.INFLUX),
            org.assertj.core.groups.Tuple.tuple("otlp", Kind.OTLP),
            org.assertj.core.groups.Tuple.tuple("alertmanager", Kind.ALERTMANAGER),
            org.assertj.core.groups.Tuple.tuple("alertmanager-1", Kind.ALERTMANAGER));
    Destination mimir = s.destinations().get(0);
    assertThat(mimir.url()).isEqualTo(URI.create("https://mimir:9009/api/v1/push"));
    assertThat(mimir.headers()).containsEntry("X-Team", "sre");
    assertThat(mimir.tenantHeader()).isEqualTo("X-Scope-OrgID");
    assertThat(mimir.auth().username()).isEqualTo("vitals");
    assertThat(mimir.auth().password()).isEqualTo("pw");
    assertThat(mimir.tls().caFile()).isEqualTo(Path.of("/ca.crt"));
    assertThat(mimir.tls().insecureSkipVerify()).isTrue();
    assertThat(mimir.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(mimir.shards()).isEqualTo(8);
    assertThat(mimir.maxBatchSamples()).isEqualTo(500);
    assertThat(s.destinations().get(1).auth().bearerToken()).isEqualTo("tok");
    Destination otlp = s.destinations().get(2);
    assertThat(otlp.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(otlp.shards()).isEqualTo(4);
    assertThat(otlp.maxBatchSamples()).isEqualTo(2000);
    assertThat(otlp.auth()).isNull();
    assertThat(otlp.tls()).isNull();
  }

  @Test
  void correctionsAreWrittenOnceToRemoteWriteAndOtlpAndOverwriteInfluxUnlessSet() throws Exception {
    var s =
        ConfigLoader.parse(
                """
                sinks:
                  remoteWrite:
                    - url: http://prometheus:9090/api/v1/write
                    - {name: vm, url: http://vm:8428/api/v1/write, corrections: overwrite}
                  influx:
                    - url: http://influx:8086/write
                    - {name: vm-influx, url: http://vm:8428/write, corrections: once}
                  otlp:
                    - url: http://collector:4318/v1/metrics
                """,
                Map.of())
            .sinks();

    assertThat(s.destinations())
        .extracting(Destination::corrections)
        .containsExactly(
            SinkSettings.Corrections.ONCE,
            SinkSettings.Corrections.OVERWRITE,
            SinkSettings.Corrections.OVERWRITE,
            SinkSettings.Corrections.ONCE,
            SinkSettings.Corrections.ONCE);
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    """
                    sinks:
                      remoteWrite:
                        - {url: http://p:9090/api/v1/write, corrections: sometimes}
                    """,
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("corrections")
        .hasMessageContaining("once|overwrite");
  }

  @Test
  void noSinksSectionMeansNoDestinationsAndDefaultBackoff() throws Exception {
    var s = ConfigLoader.parse("", Map.of()).sinks();

    assertThat(s.destinations()).isEmpty();
    assertThat(s.delivery().minBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(s.delivery().maxBackoff()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void everySinkErrorIsReportedAtOnceWithItsPath() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    """
                    sinks:
                      remoteWrite:
                        - name: a
                          url: ftp://x
                        - name: a
                          url: http://y
                        - name: a
                          url: http://z
                          shards: 0
                          colour: red
                      influx:
                        - headers: {}
                      otlp: notalist
                      alertmanager:
                        - url: http://am
                          auth: {password: only}
                      delivery: {minBackoff: 1m, maxBackoff: 1s}
                    """,
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).errors())
                    .anySatisfy(l -> assertThat(l).startsWith("sinks.remoteWrite[0]: url: ftp://x"))
                    .anySatisfy(
                        l ->
                            assertThat(l)
                                .startsWith("sinks.remoteWrite[2].name: \"a\" is used twice"))
                    .anySatisfy(l -> assertThat(l).startsWith("sinks.remoteWrite[2].shards:"))
                    .anySatisfy(
                        l -> assertThat(l).startsWith("sinks.remoteWrite[2].colour: unknown key"))
                    .anySatisfy(l -> assertThat(l).startsWith("sinks.influx[0].url: missing"))
                    .anySatisfy(
                        l -> assertThat(l).startsWith("sinks.otlp: \"notalist\" is not a list"))
                    .anySatisfy(l -> assertThat(l).startsWith("sinks.alertmanager[0].auth:"))
                    .anySatisfy(l -> assertThat(l).startsWith("sinks.delivery: maxBackoff")));
  }

  @Test
  void remoteWriteHistogramsAreClassicUnlessSetToNativeAndOtherSinksHaveNoSuchKey()
      throws Exception {
    var s =
        ConfigLoader.parse(
                """
                sinks:
                  remoteWrite:
                    - url: http://vm:8428/api/v1/write
                    - {name: prom, url: http://prometheus:9090/api/v1/write, histograms: native}
                """,
                Map.of())
            .sinks();

    assertThat(s.destinations())
        .extracting(Destination::histograms)
        .containsExactly(SinkSettings.Histograms.CLASSIC, SinkSettings.Histograms.NATIVE);
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    """
                    sinks:
                      influx:
                        - {url: http://influx:8086/write, histograms: native}
                    """,
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("histograms");
  }

  @Test
  void sinkListsCannotComeFromTheEnvironment() {
    assertThatThrownBy(
            () -> ConfigLoader.parse("", Map.of("VITALS_SINKS_ALERTMANAGER", "http://am:9093")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("can only be set in the file");
  }

  @Test
  void delivery_canComeFromTheEnvironment() throws Exception {
    var c = ConfigLoader.parse("", Map.of("VITALS_SINKS_DELIVERY_MAXBACKOFF", "2m"));

    assertThat(c.sinks().delivery().maxBackoff()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void printedConfigHidesSinkPasswordsTokensAndAuthHeaders() throws Exception {
    VitalsConfig c =
        ConfigLoader.parse(
            """
            sinks:
              remoteWrite:
                - url: http://p/api/v1/write
                  auth: {username: vitals, password: hunter2}
                  headers: {Authorization: Basic abc123, X-Api-Key: k3y, X-Sig: s1g, X-Scope-OrgID: team-a}
              influx:
                - url: http://user:PASSW0RD@influx:8086/api/v2/write?org=o&token=T0KEN
              alertmanager:
                - url: http://am:9093
                  auth: {bearerToken: t0ken}
            """,
            Map.of());

    String yaml = c.toRedactedYaml();

    assertThat(yaml)
        .contains("vitals", "X-Scope-OrgID: team-a", "http://am:9093", "password: <redacted>")
        .contains("X-Sig: <redacted>")
        .contains("http://<redacted>@influx:8086/api/v2/write?org=<redacted>&token=<redacted>")
        .doesNotContain("hunter2", "abc123", "k3y", "s1g", "t0ken", "PASSW0RD", "T0KEN");
    assertThat(c.sinks().destinations().toString()).doesNotContain("PASSW0RD", "T0KEN");
    assertThat(c.sinks().destinations().toString()).doesNotContain("hunter2", "t0ken");
  }

  @Test
  void destinationFlagsAddOneDestinationNamedAfterTheKind() throws Exception {
    VitalsConfig c = ConfigLoader.parse("", Map.of());

    VitalsConfig withFlags =
        SinkFlags.apply(
            c,
            Map.of(
                Kind.ALERTMANAGER, new SinkFlags.Flag("--alertmanager-url", "http://am:9093"),
                Kind.REMOTE_WRITE,
                    new SinkFlags.Flag("--remote-write-url", "http://p:9090/api/v1/write")));

    assertThat(withFlags.sinks().destinations())
        .extracting(Destination::name)
        .containsExactlyInAnyOrder("alertmanager", "remoteWrite");
  }

  @Test
  void aDestinationFlagClashingWithTheFileIsAnError() throws Exception {
    VitalsConfig c =
        ConfigLoader.parse("sinks: {alertmanager: [{url: 'http://am:9093'}]}", Map.of());

    assertThatThrownBy(
            () ->
                SinkFlags.apply(
                    c,
                    Map.of(
                        Kind.ALERTMANAGER,
                        new SinkFlags.Flag("--alertmanager-url", "http://other:9093"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--alertmanager-url: a destination named alertmanager");
  }
}
