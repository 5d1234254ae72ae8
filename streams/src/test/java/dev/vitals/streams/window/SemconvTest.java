package dev.vitals.streams.window;

import static dev.vitals.streams.window.OtlpFixtures.num;
import static dev.vitals.streams.window.OtlpFixtures.str;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SemconvTest {

  @Test
  void serverErrorsAreHttp5xxNonOkGrpcOrAnErrorTypeWithoutStatus() {
    assertThat(Semconv.failed(List.of(num("http.response.status_code", 503)))).isTrue();
    assertThat(Semconv.failed(List.of(num("http.response.status_code", 404)))).isFalse();
    assertThat(Semconv.failed(List.of(num("rpc.grpc.status_code", 0)))).isFalse();
    assertThat(Semconv.failed(List.of(num("rpc.grpc.status_code", 14)))).isTrue();
    assertThat(Semconv.failed(List.of(str("error.type", "timeout")))).isTrue();
    assertThat(
            Semconv.failed(List.of(num("http.response.status_code", 200), str("error.type", "x"))))
        .isFalse();
  }

  @Test
  void operationIsTheRouteElseTheRpcServiceAndMethod() {
    assertThat(Semconv.operation(List.of(str("http.route", "/a/{id}"), str("rpc.method", "M"))))
        .isEqualTo("/a/{id}");
    assertThat(Semconv.operation(List.of(str("rpc.service", "S"), str("rpc.method", "M"))))
        .isEqualTo("S/M");
    assertThat(Semconv.operation(List.of(str("rpc.method", "M")))).isEqualTo("M");
    assertThat(Semconv.operation(List.of(str("url.path", "/x")))).isNull();
  }

  @Test
  void severityClassComesFromTheNumberElseFromATextNamingAClass() {
    assertThat(Semconv.severityClass(1, "")).isZero();
    assertThat(Semconv.severityClass(12, "")).isEqualTo(2);
    assertThat(Semconv.severityClass(17, "")).isEqualTo(4);
    assertThat(Semconv.severityClass(24, "")).isEqualTo(5);
    assertThat(Semconv.severityClass(0, "Warning")).isEqualTo(3);
    assertThat(Semconv.severityClass(0, "error")).isEqualTo(4);
    assertThat(Semconv.severityClass(0, "notice")).isEqualTo(-1);
    assertThat(Semconv.severityClass(0, "")).isEqualTo(-1);
  }

  @Test
  void theUnitFieldDecidesBetweenSecondsAndMilliseconds() {
    assertThat(Semconv.secondsPerUnit("http.server.request.duration", "s")).isEqualTo(1);
    assertThat(Semconv.secondsPerUnit("http.server.request.duration", "ms")).isEqualTo(0.001);
    assertThat(Semconv.secondsPerUnit("rpc.server.duration", "")).isEqualTo(0.001);
    assertThat(Semconv.secondsPerUnit("http.client.request.duration", "s")).isZero();
  }
}
