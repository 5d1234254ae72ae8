package dev.vitals.sinks.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.delivery.StoreSinkContract;
import dev.vitals.sinks.series.SeriesMapper;
import dev.vitals.sinks.testing.OtlpReceiver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store-sink contract against an OTLP/HTTP receiver that records what it accepts: resource
 * attributes {@code vitals.tenant}, {@code service.namespace}, {@code service.name} stand for the
 * labels tenant, namespace and service.
 */
class OtlpSinkIT extends StoreSinkContract {

  private static final String REFUSED_SERVICE = "refused-by-receiver";

  static OtlpReceiver receiver;
  private String tenantHeader;

  @BeforeAll
  static void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
    receiver.refuse(OtlpSinkIT::mentionsRefusedService);
  }

  @AfterAll
  static void stopReceiver() {
    receiver.close();
  }

  private static boolean mentionsRefusedService(ExportMetricsServiceRequest request) {
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (KeyValue kv : rm.getResource().getAttributesList()) {
        if (kv.getKey().equals("service.name")
            && kv.getValue().getStringValue().equals(REFUSED_SERVICE)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  protected SinkSettings.Destination destination(String name) {
    SinkSettings.Destination d =
        SinkSettings.Destination.of(name, SinkSettings.Kind.OTLP, receiver.url());
    return new SinkSettings.Destination(
        d.name(),
        d.kind(),
        d.url(),
        d.headers(),
        tenantHeader,
        d.auth(),
        d.tls(),
        d.timeout(),
        d.shards(),
        d.maxBatchSamples());
  }

  @Override
  protected List<StoredSeries> find(String name, String tenant) {
    Map<Map<String, String>, Set<Point>> series = new LinkedHashMap<>();
    for (ExportMetricsServiceRequest request : receiver.accepted()) {
      for (ResourceMetrics rm : request.getResourceMetricsList()) {
        Map<String, String> resource = resourceLabels(rm);
        if (!tenant.equals(resource.get("tenant"))) {
          continue;
        }
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          for (Metric m : sm.getMetricsList()) {
            // counters leave as cumulative monotonic sums named without _total
            boolean counter = m.hasSum() && name.equals(m.getName() + "_total");
            if (!m.getName().equals(name) && !counter) {
              continue;
            }
            if (counter) {
              assertThat(m.getSum().getIsMonotonic()).isTrue();
            }
            for (NumberDataPoint p :
                counter ? m.getSum().getDataPointsList() : m.getGauge().getDataPointsList()) {
              Map<String, String> labels = new HashMap<>(resource);
              p.getAttributesList()
                  .forEach(kv -> labels.put(kv.getKey(), kv.getValue().getStringValue()));
              series
                  .computeIfAbsent(labels, l -> new LinkedHashSet<>())
                  .add(new Point(p.getTimeUnixNano() / 1_000_000, p.getAsDouble()));
            }
          }
        }
      }
    }
    List<StoredSeries> out = new ArrayList<>();
    series.forEach((labels, points) -> out.add(new StoredSeries(labels, points)));
    return out;
  }

  /** OTLP backends get a cumulative exponential histogram: its points' counts. */
  @Override
  protected Set<Point> histogramCounts(Map<String, String> labels) {
    Set<Point> out = new LinkedHashSet<>();
    for (ExportMetricsServiceRequest request : receiver.accepted()) {
      for (ResourceMetrics rm : request.getResourceMetricsList()) {
        if (!resourceLabels(rm).equals(labels)) {
          continue;
        }
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          for (Metric m : sm.getMetricsList()) {
            if (m.getName().equals(SeriesMapper.DURATION)) {
              m.getExponentialHistogram()
                  .getDataPointsList()
                  .forEach(p -> out.add(new Point(p.getTimeUnixNano() / 1_000_000, p.getCount())));
            }
          }
        }
      }
    }
    return out;
  }

  private static Map<String, String> resourceLabels(ResourceMetrics rm) {
    Map<String, String> labels = new HashMap<>();
    for (KeyValue kv : rm.getResource().getAttributesList()) {
      String value = kv.getValue().getStringValue();
      switch (kv.getKey()) {
        case "vitals.tenant":
          labels.put("tenant", value);
          break;
        case "service.namespace":
          labels.put("namespace", value);
          break;
        case "service.name":
          labels.put("service", value);
          break;
        default:
          labels.put(kv.getKey(), value);
      }
    }
    return labels;
  }

  /** With a tenant header, every request carries one tenant's series, named in the header. */
  @Test
  void withATenantHeaderEveryRequestHoldsOneTenantNamedInTheHeader() throws Exception {
    tenantHeader = OtlpReceiver.TENANT_HEADER;
    startSink();
    String first = tenant;
    String second = tenant + "-b";
    for (int i = 0; i < 10; i++) {
      tenant = i % 2 == 0 ? first : second;
      produceWindow(window("svc-" + i, null, t, 10 + i));
    }
    awaitEverythingCommitted();
    tenant = second;
    awaitPoints("vitals_window_requests", labels("service", "svc-9"), point(t, 19));
    int requests = 0;
    for (OtlpReceiver.Received r : receiver.received()) {
      Set<String> tenants = new HashSet<>();
      r.request()
          .getResourceMetricsList()
          .forEach(rm -> tenants.add(resourceLabels(rm).get("tenant")));
      if (tenants.contains(first) || tenants.contains(second)) {
        assertThat(tenants).containsExactly(r.tenant());
        requests++;
      }
    }
    assertThat(requests).isGreaterThanOrEqualTo(2);
  }

  @Override
  protected void makeStoreUnavailable() {
    receiver.unavailable(true);
  }

  @Override
  protected void makeStoreAvailable() {
    receiver.unavailable(false);
  }

  /** A window of a service the receiver answers 400 for. */
  @Override
  protected ServiceWindow refusedRecord(ServiceWindow written) {
    return window(REFUSED_SERVICE, null, written.windowEnd(), 5);
  }

  @Override
  protected String refusalReason() {
    return "refused by the test receiver";
  }
}
