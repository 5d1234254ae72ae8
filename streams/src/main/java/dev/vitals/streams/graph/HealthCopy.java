package dev.vitals.streams.graph;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps {@value GraphTopology#HEALTH_GLOBAL}: the latest health record of every service. */
final class HealthCopy implements Processor<String, String, Void, Void> {

  private KeyValueStore<String, String> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(GraphTopology.HEALTH_GLOBAL);
  }

  @Override
  public void process(Record<String, String> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
  }
}
