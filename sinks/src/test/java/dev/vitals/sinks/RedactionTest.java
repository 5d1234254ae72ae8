package dev.vitals.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.sinks.SinkSettings.Destination;
import dev.vitals.sinks.SinkSettings.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

  private static final URI SECRET_URL =
      URI.create("http://user:PASSWORD@store:9090/api/v1/write?token=TOKEN&org=o#frag");

  @Test
  void aPrintedUrlHidesItsUserInfoAndEveryQueryValue() {
    assertThat(Redaction.url(SECRET_URL))
        .isEqualTo("http://<redacted>@store:9090/api/v1/write?token=<redacted>&org=<redacted>");
    assertThat(Redaction.url(URI.create("https://am:9093"))).isEqualTo("https://am:9093");
    assertThat(Redaction.url(URI.create("http://h/p?flag"))).isEqualTo("http://h/p?flag");
  }

  @Test
  void aDestinationNeverPrintsItsUrlsSecrets() {
    Destination d = Destination.of("rw", Kind.REMOTE_WRITE, SECRET_URL);

    assertThat(d.toString()).doesNotContain("PASSWORD", "TOKEN").contains("store:9090");
    assertThat(d.redactedUrl()).doesNotContain("PASSWORD", "TOKEN", "user");
  }

  @Test
  void aRefusedUrlIsNamedWithoutItsSecrets() {
    assertThatThrownBy(
            () ->
                new Destination(
                    "x",
                    Kind.INFLUX,
                    URI.create("ftp://user:PASSWORD@h/?token=TOKEN"),
                    Map.of(),
                    null,
                    null,
                    null,
                    Duration.ofSeconds(1),
                    1,
                    1))
        .hasMessageNotContaining("PASSWORD")
        .hasMessageNotContaining("TOKEN")
        .hasMessageContaining("expected: http or https");
  }

  @Test
  void onlyAllowListedHeaderValuesArePrinted() {
    assertThat(Redaction.header("Content-Type", "application/json")).isEqualTo("application/json");
    assertThat(Redaction.header("X-Scope-OrgID", "team-a")).isEqualTo("team-a");
    assertThat(Redaction.header("X-Team", "sre")).isEqualTo("<redacted>");
    assertThat(Redaction.header("X-Vendor-Signature", "s1g")).isEqualTo("<redacted>");
  }
}
