package dev.vitals.streams.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The pre-check that spares the graph the full parse of metrics records without client durations:
 * it must never say no to a request the full parse would take calls from.
 */
class ClientMetricsReaderTest {

  private static Metric histogram(String name) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit("s")
        .setHistogram(
            Histogram.newBuilder()
                .addDataPoints(
                    HistogramDataPoint.newBuilder()
                        .addExplicitBounds(0.1)
                        .addBucketCounts(1)
                        .addBucketCounts(2)))
        .build();
  }

  private static ResourceMetrics resource(Metric... metrics) {
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
    Arrays.stream(metrics).forEach(scope::addMetrics);
    return ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder())
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(histogram("jvm.memory.used")))
        .addScopeMetrics(scope)
        .build();
  }

  private static byte[] request(ResourceMetrics... resources) {
    return ExportMetricsServiceRequest.newBuilder()
        .addAllResourceMetrics(Arrays.asList(resources))
        .build()
        .toByteArray();
  }

  @Test
  void aRequestWithOnlyServerMetricsIsNotParsed() {
    byte[] serverOnly =
        request(
            resource(histogram("http.server.request.duration")),
            resource(histogram("rpc.server.duration"), histogram("http.client.active_requests")));

    assertThat(ClientMetricsReader.mayNameAClientDuration(serverOnly)).isFalse();
    assertThat(ClientMetricsReader.mayNameAClientDuration(new byte[0])).isFalse();
  }

  @Test
  void everyClientDurationIsFoundWhereverItIs() {
    for (String name : ClientMetricsReader.CLIENT_DURATIONS) {
      byte[] lastOfTheSecondResource =
          request(
              resource(histogram("http.server.request.duration")),
              resource(histogram("http.server.request.duration"), histogram(name)));

      assertThat(ClientMetricsReader.mayNameAClientDuration(lastOfTheSecondResource))
          .as(name)
          .isTrue();
    }
  }

  @Test
  void bytesItCannotReadAreLeftToTheFullParse() {
    byte[] whole = request(resource(histogram("http.server.request.duration")));
    byte[] truncated = Arrays.copyOf(whole, whole.length - 3);
    byte[] badLength = {0x0A, 0x20, 0x12, 0x00}; // a resource of 32 bytes, 2 of them there

    assertThat(ClientMetricsReader.mayNameAClientDuration(truncated)).isTrue();
    assertThat(ClientMetricsReader.mayNameAClientDuration(badLength)).isTrue();
  }
}
