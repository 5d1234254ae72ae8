package dev.vitals.streams.slo;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What an alert shows an on-call engineer besides burn rates, kept in the {@code slo-evidence}
 * store: per operation, errors and requests in each of the last 60 minutes (key {@code
 * service|op|operation}, 1.9 kB; plus the highest p99), and per service the last three sample error
 * messages and exemplar trace ids seen (key {@code service|samples}).
 */
final class Evidence {

  static final int MINUTES = 60;
  static final int KEEP = 3;
  private static final int SLOT = 32;

  private final KeyValueStore<String, byte[]> store;

  Evidence(KeyValueStore<String, byte[]> store) {
    this.store = store;
  }

  /** One operation's errors and requests over a span of minutes. */
  record Operation(String name, long errors, long requests, double p99) {}

  /** Last sample error messages and exemplar trace ids, newest first. */
  record Samples(
      @JsonProperty("errors") List<String> errors, @JsonProperty("traces") List<String> traces) {
    Samples {
      errors = errors == null ? List.of() : List.copyOf(errors);
      traces = traces == null ? List.of() : List.copyOf(traces);
    }
  }

  /** Counts an operation window; a revision is not counted again (evidence is approximate). */
  void recordOperation(String service, ServiceWindow w) {
    if (w.revision() > 0 || w.requests() == 0) {
      return;
    }
    String key = service + "|op|" + w.operation();
    byte[] old = store.get(key);
    ByteBuffer b = old == null ? emptyRing() : ByteBuffer.wrap(old);
    long minute = Math.floorDiv(w.windowStart().toEpochMilli(), 60_000);
    int slot = Math.floorMod(minute, MINUTES) * SLOT;
    if (b.getLong(slot) != minute) {
      b.putLong(slot, minute).putLong(slot + 8, 0).putLong(slot + 16, 0).putDouble(slot + 24, 0);
    }
    double p99 = w.latency() == null ? 0 : w.latency().p99();
    b.putDouble(slot + 24, Math.max(b.getDouble(slot + 24), p99));
    b.putLong(slot + 8, b.getLong(slot + 8) + w.errors());
    b.putLong(slot + 16, b.getLong(slot + 16) + w.requests());
    store.put(key, b.array());
  }

  /** Keeps the newest sample errors and trace ids of a window that has any. */
  void recordSamples(String service, ServiceWindow w) {
    if (w.sampleErrors().isEmpty() && w.exemplarTraceIds().isEmpty()) {
      return;
    }
    Samples old = samples(service);
    Samples now =
        new Samples(
            newest(w.sampleErrors(), old.errors()), newest(w.exemplarTraceIds(), old.traces()));
    store.put(service + "|samples", SignalJson.write(now));
  }

  Samples samples(String service) {
    byte[] v = store.get(service + "|samples");
    return v == null ? new Samples(List.of(), List.of()) : SignalJson.read(v, Samples.class);
  }

  /**
   * The operations with the most errors in the minutes {@code [toMinute − 60, toMinute)}, at most
   * three.
   */
  List<Operation> worst(String service, long toMinute, boolean slowest) {
    String prefix = service + "|op|";
    List<Operation> ops = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(prefix, (topic, s) -> s.getBytes(StandardCharsets.UTF_8))) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        Operation op = sum(kv.key.substring(prefix.length()), ByteBuffer.wrap(kv.value), toMinute);
        if (slowest ? op.p99() > 0 : op.errors() > 0) {
          ops.add(op);
        }
      }
    }
    Comparator<Operation> order =
        slowest
            ? Comparator.comparingDouble(Operation::p99).reversed()
            : Comparator.comparingLong(Operation::errors).reversed();
    ops.sort(order.thenComparing(Operation::name));
    return ops.subList(0, Math.min(KEEP, ops.size()));
  }

  private static Operation sum(String name, ByteBuffer b, long toMinute) {
    long errors = 0;
    long requests = 0;
    double p99 = 0;
    for (int i = 0; i < MINUTES; i++) {
      long m = b.getLong(i * SLOT);
      if (m >= toMinute - MINUTES && m < toMinute) {
        errors += b.getLong(i * SLOT + 8);
        requests += b.getLong(i * SLOT + 16);
        p99 = Math.max(p99, b.getDouble(i * SLOT + 24));
      }
    }
    return new Operation(name, errors, requests, p99);
  }

  private static ByteBuffer emptyRing() {
    ByteBuffer b = ByteBuffer.allocate(MINUTES * SLOT);
    for (int i = 0; i < MINUTES; i++) {
      b.putLong(i * SLOT, Long.MIN_VALUE);
    }
    return b;
  }

  private static List<String> newest(List<String> fresh, List<String> old) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String s : fresh) {
      if (out.size() < KEEP) {
        out.add(s);
      }
    }
    for (String s : old) {
      if (out.size() < KEEP) {
        out.add(s);
      }
    }
    return new ArrayList<>(out);
  }
}
