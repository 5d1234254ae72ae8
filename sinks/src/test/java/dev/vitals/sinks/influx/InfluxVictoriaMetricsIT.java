package dev.vitals.sinks.influx;

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

/**
 * The store-sink contract against VictoriaMetrics' InfluxDB line-protocol endpoint. With the one
 * field {@code value}, VictoriaMetrics names each series {@code <measurement>_value}.
 */
class InfluxVictoriaMetricsIT extends StoreSinkContract {

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
    // VictoriaMetrics keeps both values written at one time, and a query may see either: the
    // README's rule for it is corrections: once, on either endpoint.
    return SinkSettings.Destination.of(name, SinkSettings.Kind.INFLUX, vm.url("/write"))
        .withCorrections(SinkSettings.Corrections.ONCE);
  }

  @Override
  protected List<StoredSeries> find(String name, String tenant) throws Exception {
    return StoreQueries.victoriaMetrics(vm, name + "_value", tenant);
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
   * for well-formed lines, so there is nothing the sink could send that it refuses for good.
   */
  @Override
  @Test
  @Disabled("VictoriaMetrics has no natural 4xx for well-formed line protocol")
  protected void aRecordTheStoreRefusesGoesToTheDeadLetterTopicAndTheNextRecordsKeepFlowing() {}
}
