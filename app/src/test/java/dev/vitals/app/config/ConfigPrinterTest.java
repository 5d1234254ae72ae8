package dev.vitals.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigPrinterTest {

  @Test
  void printedConfigHidesTokensAndSecretClientProperties() throws Exception {
    VitalsConfig c =
        ConfigLoader.parse(
            """
            kafka:
              clientProperties:
                security.protocol: SASL_SSL
                sasl.jaas.config: jaas-with-pw
                ssl.keystore.password: hunter2
                sasl.oauthbearer.token.endpoint.url: endpoint-value
            ingest:
              auth: {tokens: {tok-of-a: team-a}}
            """,
            Map.of());

    String yaml = c.toRedactedYaml();

    assertThat(yaml)
        .contains("SASL_SSL", "team-a", "sasl.jaas.config", "ssl.keystore.password")
        .doesNotContain("jaas-with-pw", "hunter2", "tok-of-a", "endpoint-value");
    assertThat(c.kafka().toString()).doesNotContain("jaas-with-pw", "hunter2");
  }

  @Test
  void printedConfigHidesTheAdminBearerTokenButShowsAdminTls() throws Exception {
    VitalsConfig c =
        ConfigLoader.parse(
            """
            admin:
              tls: {certFile: /tls/admin.crt, keyFile: /tls/admin.key}
              auth: {bearerToken: adm1n-s3cret}
            """,
            Map.of());

    String yaml = c.toRedactedYaml();

    assertThat(yaml)
        .doesNotContain("adm1n-s3cret")
        .contains("certFile: /tls/admin.crt", "bearerToken: " + ConfigPrinter.REDACTED);
    assertThat(c.toString()).doesNotContain("adm1n-s3cret");
  }

  @Test
  void printedConfigShowsEffectiveValuesInTheirFileSpelling() throws Exception {
    String yaml = ConfigLoader.parse("", Map.of("VITALS_ADMIN_PORT", "9999")).toRedactedYaml();

    assertThat(yaml).contains("port: 9999", "maxRequestBytes: 64MiB", "kafkaTimeout: 5s");
    assertThat(yaml)
        .contains(
            "maxConnections: 1000",
            "headerTimeout: 10s",
            "maxHeaderBytes: 16KiB",
            "idleTimeout: 5m",
            "maxConnectionAge: 30m");
  }
}
