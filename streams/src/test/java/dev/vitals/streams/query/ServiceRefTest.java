package dev.vitals.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.schemas.ServiceKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceRefTest {

  @Test
  void everyKeySurvivesTheTripThroughItsUrlForm() {
    for (ServiceKey key :
        List.of(
            new ServiceKey("default", "", "checkout"),
            new ServiceKey("acme", "-", "odd"),
            new ServiceKey("t", "ns with space", "api/v2+ü"),
            new ServiceKey("t", "%2D", "%"))) {
      String path = ServiceRef.path(key);
      assertThat(ServiceRef.parse(ServiceRef.segments(path)).key()).as(path).isEqualTo(key);
    }
  }

  @Test
  void malformedPercentEncodingIsABadRequest() {
    assertThatThrownBy(() -> ServiceRef.parse(List.of("default", "-", "a%zz")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> ServiceRef.parse(List.of("a%4")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void aPlusInAPathIsAPlusNotASpace() {
    assertThat(ServiceRef.parse(List.of("c++")).name()).isEqualTo("c++");
  }
}
