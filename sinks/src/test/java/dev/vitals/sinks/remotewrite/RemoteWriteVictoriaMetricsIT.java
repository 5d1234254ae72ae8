package dev.vitals.sinks.remotewrite;

import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.delivery.StoreSinkContract;
import dev.vitals.sinks.testing.LocalStore;
import dev.vitals.sinks.testing.StoreQueries;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store-sink contract against VictoriaMetrics' remote-write endpoint. */
class RemoteWriteVictoriaMetricsIT extends StoreSinkContract {

  @TempDir static Path dir;
  static LocalStore vm;

  @BeforeAll
  static void startVictoriaMetrics() throws Exception {
    vm = LocalStore.victoriaMetrics(dir);
  }

  @AfterAll
  static void stopVictoriaMetrics() {
    if (vm != null) {
      vm.stop();
    }
  }

  @Override
  protected SinkSettings.Destination destination(String name) {
    return SinkSettings.Destination.of(
        name, SinkSettings.Kind.REMOTE_WRITE, vm.url("/api/v1/write"));
  }

  @Override
  protected List<StoredSeries> find(String name, String tenant) throws Exception {
    return StoreQueries.victoriaMetrics(vm, name, tenant);
  }

  @Override
  protected void makeStoreUnavailable() {
    vm.stop();
  }

  @Override
  protected void makeStoreAvailable() throws Exception {
    vm.start();
  }

  /**
   * Not applicable: VictoriaMetrics accepts out-of-order and duplicate samples and has no other 4xx
   * for well-formed remote write, so there is nothing the sink could send that it refuses for good.
   */
  @Override
  @Test
  @Disabled("VictoriaMetrics has no natural 4xx for well-formed remote write")
  protected void aRecordTheStoreRefusesGoesToTheDeadLetterTopicAndTheNextRecordsKeepFlowing() {}
}
