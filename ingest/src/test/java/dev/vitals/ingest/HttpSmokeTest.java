package dev.vitals.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class HttpSmokeTest {
  @Test
  void emptyRequestIsAccepted() throws Exception {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    try (IngestServer server =
        IngestServer.start(
            IngestSettings.defaults()
                .withListeners(
                    new IngestSettings.Listener("127.0.0.1", 0),
                    new IngestSettings.Listener("127.0.0.1", 0)),
            producer,
            new PrometheusRegistry())) {
      HttpResponse<byte[]> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/metrics"))
                      .header("Content-Type", "application/x-protobuf")
                      .POST(
                          HttpRequest.BodyPublishers.ofByteArray(
                              ExportMetricsServiceRequest.getDefaultInstance().toByteArray()))
                      .timeout(java.time.Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter exporter =
          io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter.builder()
              .setEndpoint("http://127.0.0.1:" + server.httpPort() + "/v1/metrics")
              .build();
      try (io.opentelemetry.sdk.metrics.SdkMeterProvider provider =
          io.opentelemetry.sdk.metrics.SdkMeterProvider.builder()
              .registerMetricReader(
                  io.opentelemetry.sdk.metrics.export.PeriodicMetricReader.builder(exporter)
                      .setInterval(java.time.Duration.ofHours(1))
                      .build())
              .build()) {
        provider.get("test").counterBuilder("requests").build().add(5);
        assertThat(
                provider.forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS).isSuccess())
            .isTrue();
      }
      assertThat(producer.history()).isNotEmpty();
    }
  }
}
