package dev.vitals.sinks.remotewrite;

import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.delivery.StoreSinkContract;
import dev.vitals.sinks.testing.LocalStore;
import dev.vitals.sinks.testing.StoreQueries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The store-sink contract against Prometheus 2.42's remote-write receiver. */
class RemoteWritePrometheusIT extends StoreSinkContract {

  @TempDir static Path dir;
  static LocalStore prometheus;

  @BeforeAll
  static void startPrometheus() throws Exception {
    prometheus = LocalStore.prometheus(dir);
  }

  @AfterAll
  static void stopPrometheus() {
    if (prometheus != null) {
      prometheus.stop();
    }
  }

  @Override
  protected SinkSettings.Destination destination(String name) {
    return SinkSettings.Destination.of(
        name, SinkSettings.Kind.REMOTE_WRITE, prometheus.url("/api/v1/write"));
  }

  @Override
  protected List<StoredSeries> find(String name, String tenant) throws Exception {
    return StoreQueries.prometheus(prometheus, name, tenant);
  }

  @Override
  protected void makeStoreUnavailable() {
    prometheus.stop();
  }

  @Override
  protected void makeStoreAvailable() throws Exception {
    prometheus.start();
  }

  /**
   * A first revision of the window a minute before what Prometheus has (a topic replayed from an
   * earlier offset, say): an out-of-order sample, answered 400.
   */
  @Override
  protected ServiceWindow refusedRecord(ServiceWindow written) {
    return window(
        written.service(),
        written.operation(),
        written.windowEnd().minus(Duration.ofMinutes(1)),
        999);
  }

  @Override
  protected String refusalReason() {
    return "out of order";
  }
}
