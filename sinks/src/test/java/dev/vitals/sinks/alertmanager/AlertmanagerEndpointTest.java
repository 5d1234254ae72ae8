package dev.vitals.sinks.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class AlertmanagerEndpointTest {

  private static String endpoint(String base) {
    return AlertmanagerSink.endpoint(URI.create(base)).toString();
  }

  @Test
  void theAlertsPathGoesAfterTheBasePathAndBeforeTheQuery() {
    assertThat(endpoint("http://am:9093/?token=T"))
        .isEqualTo("http://am:9093/api/v2/alerts?token=T");
    assertThat(endpoint("http://am:9093/prefix?a=1&b=2"))
        .isEqualTo("http://am:9093/prefix/api/v2/alerts?a=1&b=2");
  }

  @Test
  void aBaseWithoutQueryKeepsItsPathAndAFullEndpointIsKept() {
    assertThat(endpoint("http://am:9093")).isEqualTo("http://am:9093/api/v2/alerts");
    assertThat(endpoint("http://am:9093/")).isEqualTo("http://am:9093/api/v2/alerts");
    assertThat(endpoint("https://u:p@am/x/api/v2/alerts/?t=%2F"))
        .isEqualTo("https://u:p@am/x/api/v2/alerts?t=%2F");
  }
}
