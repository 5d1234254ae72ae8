package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.IngestSettings.Listener;
import dev.vitals.ingest.IngestStage;
import dev.vitals.loadgen.Loadgen;
import dev.vitals.loadgen.OtlpExport;
import dev.vitals.loadgen.OtlpHttpSender;
import dev.vitals.loadgen.Scenario;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.testing.KafkaTestCluster;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo scenario sent over OTLP/HTTP to a real ingest server lands in the raw topics as valid
 * OTLP, one record per service and step, keyed by tenant/namespace/service.
 */
class LoadgenIT {

  @Test
  @Timeout(90)
  void theDemoScenarioReachesTheRawTopicsAsValidOtlpKeyedByService() throws Exception {
    Scenario demo = Scenario.builtIn("demo");
    try (KafkaTestCluster kafka = KafkaTestCluster.start();
        IngestStage ingest =
            IngestStage.start(
                IngestSettings.defaults()
                    .withListeners(new Listener("localhost", 0), new Listener("localhost", 0)),
                kafka.producerProperties(),
                new PrometheusRegistry())) {
      OtlpHttpSender sender =
          OtlpHttpSender.builder()
              .endpoint(URI.create("http://localhost:" + ingest.httpPort()))
              .tenant("acme")
              .gzip(true)
              .build();
      List<OtlpExport> sent = new CopyOnWriteArrayList<>();
      Loadgen.Stats stats;
      try (Loadgen loadgen =
          Loadgen.builder()
              .scenario(demo)
              .startTime(Instant.now().minus(Duration.ofMinutes(1)))
              .sender(
                  e -> {
                    sent.add(e);
                    return sender.send(e);
                  })
              .parallelism(4)
              .build()) {
        stats = loadgen.runSteps(3);
      }
      assertThat(stats.exportsFailed()).isZero();
      assertThat(stats.exportsSent()).isEqualTo(sent.size());

      List<ConsumerRecord<byte[], byte[]>> metrics =
          kafka.readAll(Topics.DEFAULT.raw(Signal.METRICS), 24, Duration.ofSeconds(30));
      assertThat(metrics).hasSize(24);
      Set<String> keys =
          metrics.stream()
              .map(r -> new String(r.key(), StandardCharsets.UTF_8))
              .collect(Collectors.toSet());
      assertThat(keys)
          .containsExactlyInAnyOrderElementsOf(
              demo.services().stream().map(s -> "acme/shop/" + s).toList());
      for (ConsumerRecord<byte[], byte[]> r : metrics) {
        ExportMetricsServiceRequest m = ExportMetricsServiceRequest.parseFrom(r.value());
        assertThat(m.getResourceMetricsCount()).isEqualTo(1);
        assertThat(
                m.getResourceMetrics(0)
                    .getScopeMetrics(0)
                    .getMetrics(0)
                    .getHistogram()
                    .getDataPointsCount())
            .isPositive();
      }

      Map<String, Long> spansSent =
          sent.stream()
              .filter(e -> e.signal() == Signal.TRACES)
              .collect(
                  Collectors.groupingBy(
                      e -> "acme/shop/" + e.service(),
                      Collectors.summingLong(e -> spans(e.request().toByteArray()))));
      Map<String, Long> spansPerService =
          kafka.readAll(Topics.DEFAULT.raw(Signal.TRACES), 24, Duration.ofSeconds(30)).stream()
              .collect(
                  Collectors.groupingBy(
                      r -> new String(r.key(), StandardCharsets.UTF_8),
                      Collectors.summingLong(r -> spans(r.value()))));
      assertThat(spansPerService).hasSize(8).isEqualTo(spansSent);
      assertThat(spansPerService.values())
          .allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(15));
      assertThat(kafka.readAll(Topics.DEFAULT.raw(Signal.LOGS), 24, Duration.ofSeconds(30)))
          .allSatisfy(
              r ->
                  assertThat(ExportLogsServiceRequest.parseFrom(r.value()).getResourceLogsCount())
                      .isEqualTo(1))
          .hasSize(24);
    }
  }

  private static long spans(byte[] value) {
    try {
      return ExportTraceServiceRequest.parseFrom(value)
          .getResourceSpans(0)
          .getScopeSpans(0)
          .getSpansCount();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
