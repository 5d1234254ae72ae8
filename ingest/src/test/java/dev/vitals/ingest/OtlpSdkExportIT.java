package dev.vitals.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.testing.KafkaTestCluster;
import dev.vitals.schemas.Topics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OtlpSdkExportIT {

  static KafkaTestCluster kafka;
  static IngestServer ingest;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestCluster.start();
    ingest =
        IngestServer.start(
            IngestSettings.defaults()
                .withListeners(
                    new IngestSettings.Listener("127.0.0.1", 0),
                    new IngestSettings.Listener("127.0.0.1", 0)),
            kafka.producerProperties(),
            new PrometheusRegistry());
  }

  @AfterAll
  static void stop() throws Exception {
    if (ingest != null) {
      ingest.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void metricsFromTheSdkHttpExporterLandInKafkaKeyedByService() throws Exception {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout")));
    OtlpHttpMetricExporter exporter =
        OtlpHttpMetricExporter.builder()
            .setEndpoint("http://127.0.0.1:" + ingest.httpPort() + "/v1/metrics")
            .build();
    try (SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .setResource(resource)
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
            .build()) {
      provider.get("test").counterBuilder("requests").build().add(5);
      assertThat(provider.forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS).isSuccess())
          .isTrue();
    }
    List<ConsumerRecord<byte[], byte[]>> records =
        kafka.readAll(
            Topics.DEFAULT.raw(dev.vitals.schemas.Signal.METRICS), 1, Duration.ofSeconds(20));
    assertThat(records).isNotEmpty();
    assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8))
        .isEqualTo("default//checkout");
    ExportMetricsServiceRequest request =
        ExportMetricsServiceRequest.parseFrom(records.get(0).value());
    assertThat(request.getResourceMetricsCount()).isEqualTo(1);
    assertThat(request.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0).getName())
        .isEqualTo("requests");
  }
}
