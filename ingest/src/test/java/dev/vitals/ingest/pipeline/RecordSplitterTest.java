package dev.vitals.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.schemas.otlp.OtlpResources;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordSplitterTest {

  private static final int LIMIT = 4096;

  /** A data point together with where it sits, so equal points in different metrics differ. */
  record Located(String scope, String metric, String unit, NumberDataPoint point) {}

  private static final Resource RESOURCE =
      Resource.newBuilder()
          .addAttributes(OtlpResources.stringKeyValue("service.name", "checkout"))
          .addAttributes(OtlpResources.stringKeyValue("service.namespace", "shop"))
          .build();

  @Test
  void slicingTheWireBytesGivesTheSameRecordsAsSerializingEachResource() throws Exception {
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    for (int r = 0; r < 3; r++) {
      Resource resource =
          Resource.newBuilder()
              .addAttributes(OtlpResources.stringKeyValue("service.name", "svc-" + r))
              .build();
      request.addResourceMetrics(
          ResourceMetrics.newBuilder()
              .setResource(resource)
              .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(gauge("m", 3, r, 1))));
    }
    // One resource is too big for a record: it must still be split, the others sliced.
    ResourceMetrics.Builder big = ResourceMetrics.newBuilder().setResource(RESOURCE);
    ScopeMetrics.Builder bigScope = ScopeMetrics.newBuilder();
    for (int m = 0; m < 10; m++) {
      bigScope.addMetrics(gauge("big-" + m, 60, m * 100, 10));
    }
    request.addResourceMetrics(big.addScopeMetrics(bigScope));
    ExportMetricsServiceRequest built = request.build();
    byte[] wire = built.toByteArray();
    RecordSplitter splitter = new RecordSplitter(LIMIT);

    RecordSplitter.Split sliced = splitter.split(OtlpSignal.METRICS, built, wire);
    RecordSplitter.Split serialized = splitter.split(OtlpSignal.METRICS, built);

    assertThat(sliced.parts()).hasSameSizeAs(serialized.parts()).hasSizeGreaterThan(4);
    for (int i = 0; i < sliced.parts().size(); i++) {
      assertThat(ExportMetricsServiceRequest.parseFrom(sliced.parts().get(i).value()))
          .isEqualTo(ExportMetricsServiceRequest.parseFrom(serialized.parts().get(i).value()));
      assertThat(sliced.parts().get(i).resource()).isEqualTo(serialized.parts().get(i).resource());
      assertThat(sliced.parts().get(i).value().length).isLessThanOrEqualTo(LIMIT);
    }
  }

  @Test
  void largeResourceIsSplitIntoParseableSingleResourceValuesUnderTheLimitHoldingEveryPointOnce()
      throws Exception {
    ResourceMetrics.Builder resource = ResourceMetrics.newBuilder().setResource(RESOURCE);
    for (int s = 0; s < 4; s++) {
      ScopeMetrics.Builder scope =
          ScopeMetrics.newBuilder()
              .setScope(InstrumentationScope.newBuilder().setName("scope-" + s).setVersion("1.0"));
      for (int m = 0; m < 5; m++) {
        scope.addMetrics(gauge("metric-" + m, 60, s * 1000 + m * 100, 10));
      }
      resource.addScopeMetrics(scope);
    }
    ExportMetricsServiceRequest request =
        ExportMetricsServiceRequest.newBuilder().addResourceMetrics(resource).build();
    assertThat(request.getSerializedSize()).isGreaterThan(10 * LIMIT);

    RecordSplitter.Split split = new RecordSplitter(LIMIT).split(OtlpSignal.METRICS, request);

    assertThat(split.rejectedItems()).isZero();
    assertThat(split.parts()).hasSizeGreaterThan(10);
    List<Located> produced = new ArrayList<>();
    for (RecordSplitter.Part part : split.parts()) {
      assertThat(part.value().length).isLessThanOrEqualTo(LIMIT);
      assertThat(part.resource()).isEqualTo(RESOURCE);
      ExportMetricsServiceRequest value = ExportMetricsServiceRequest.parseFrom(part.value());
      assertThat(value.getResourceMetricsCount()).isEqualTo(1);
      assertThat(value.getResourceMetrics(0).getResource()).isEqualTo(RESOURCE);
      produced.addAll(points(value));
    }
    List<Located> original = points(request);
    assertThat(produced).hasSameSizeAs(original);
    assertThat(new HashSet<>(produced)).isEqualTo(new HashSet<>(original));
  }

  @Test
  void dataPointLargerThanTheLimitAloneIsRejectedAndCountedWhileTheRestIsKept() throws Exception {
    Metric huge =
        Metric.newBuilder()
            .setName("huge")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(point(1, 1, "x".repeat(2 * LIMIT)))
                    .addDataPoints(point(2, 2, "small")))
            .build();
    ResourceMetrics resource =
        ResourceMetrics.newBuilder()
            .setResource(RESOURCE)
            .addScopeMetrics(
                ScopeMetrics.newBuilder()
                    .setScope(InstrumentationScope.newBuilder().setName("scope"))
                    .addMetrics(gauge("before", 30, 0, 10))
                    .addMetrics(huge)
                    .addMetrics(gauge("after", 30, 500, 10)))
            .build();
    ExportMetricsServiceRequest request =
        ExportMetricsServiceRequest.newBuilder().addResourceMetrics(resource).build();

    RecordSplitter.Split split = new RecordSplitter(LIMIT).split(OtlpSignal.METRICS, request);

    assertThat(split.rejectedItems()).isEqualTo(1);
    Set<Located> produced = new HashSet<>();
    int total = 0;
    for (RecordSplitter.Part part : split.parts()) {
      assertThat(part.value().length).isLessThanOrEqualTo(LIMIT);
      List<Located> points = points(ExportMetricsServiceRequest.parseFrom(part.value()));
      total += points.size();
      produced.addAll(points);
    }
    Set<Located> expected = new HashSet<>(points(request));
    expected.removeIf(p -> p.point().getAsInt() == 1 && p.metric().equals("huge"));
    assertThat(total).isEqualTo(expected.size()).isEqualTo(61);
    assertThat(produced).isEqualTo(expected);
  }

  private static Metric gauge(String name, int points, int base, int attributeLength) {
    Gauge.Builder gauge = Gauge.newBuilder();
    for (int i = 0; i < points; i++) {
      gauge.addDataPoints(
          point(base + i, 1_700_000_000_000_000_000L + i, "v".repeat(attributeLength) + i));
    }
    return Metric.newBuilder()
        .setName(name)
        .setUnit("By")
        .setDescription("d " + name)
        .setGauge(gauge)
        .build();
  }

  private static NumberDataPoint point(long value, long time, String attribute) {
    return NumberDataPoint.newBuilder()
        .setAsInt(value)
        .setTimeUnixNano(time)
        .addAttributes(
            KeyValue.newBuilder()
                .setKey("label")
                .setValue(AnyValue.newBuilder().setStringValue(attribute)))
        .build();
  }

  private static List<Located> points(ExportMetricsServiceRequest request) {
    List<Located> out = new ArrayList<>();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
            out.add(new Located(sm.getScope().getName(), m.getName(), m.getUnit(), p));
          }
        }
      }
    }
    return out;
  }
}
