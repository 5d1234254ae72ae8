package dev.vitals.streams.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.signals.EdgeWindow;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The pairing store at 10,000 spans a second with the default 10 s wait: the processor itself, on a
 * real in-memory store, fed half-open calls (client spans whose server span never comes, the worst
 * case: each waits the whole wait) and then whole calls. The store never holds more than its budget
 * (counted, not timed); the heap per pending span and the processing cost per span are printed for
 * bench/RESULTS.md ({@code -Dtest=PairingStoreBudgetTest}).
 */
class PairingStoreBudgetTest {

  private static final int SPANS_PER_SECOND = 10_000;
  private static final Duration WAIT = GraphSettings.DEFAULT_PAIRING_WAIT;
  private static final long T0 = 1_767_225_600_000L;

  @Test
  void atTenThousandSpansASecondThePendingStoreStaysWithinItsBudget() {
    GraphSettings settings = GraphSettings.DEFAULTS;
    MockProcessorContext<byte[], Call> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(T0 + Duration.ofHours(1).toMillis());
    KeyValueStore<byte[], byte[]> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(GraphTopology.PENDING),
                Serdes.ByteArray(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    SpanPairer pairer =
        new SpanPairer(settings, 30_000, 1_000, new GraphMetrics(new PrometheusRegistry()));
    pairer.init(context);

    long heapBefore = usedHeap();
    int seconds = (int) WAIT.toSeconds();
    long maxPending = 0;
    // Half-open calls only: after WAIT every one of them is pending at once.
    for (int i = 0; i < SPANS_PER_SECOND * seconds; i++) {
      pairer.process(record(client(i, T0 + i / 10)));
      maxPending = Math.max(maxPending, store.approximateNumEntries());
    }
    long pending = store.approximateNumEntries();
    long heapPending = usedHeap() - heapBefore;
    context.resetForwards();

    // Whole calls for 30 s more: the half-open ones expire, pairs come and go.
    long start = System.nanoTime();
    int n = SPANS_PER_SECOND * seconds;
    long spans = 0;
    for (int i = 0; i < SPANS_PER_SECOND * 30 / 2; i++) {
      long at = T0 + (n + 2L * i) / 10;
      pairer.process(record(client(n + i, at)));
      pairer.process(record(server(n + i, at)));
      spans += 2;
      maxPending = Math.max(maxPending, store.approximateNumEntries());
    }
    double nanosPerSpan = (System.nanoTime() - start) / (double) spans;

    assertThat(pending).as("every half-open call of the last 10 s waits").isEqualTo(100_000);
    assertThat(maxPending).isLessThanOrEqualTo(settings.maxPendingSpans());
    System.out.printf(
        Locale.ROOT,
        "pairing store: %d pending spans (%d spans/s, %d s wait), %.0f bytes of heap each;"
            + " %.0f ns per span (pairs, expiry, markers); max pending %d (budget %d)%n",
        pending,
        SPANS_PER_SECOND,
        seconds,
        heapPending / (double) pending,
        nanosPerSpan,
        maxPending,
        settings.maxPendingSpans());
  }

  private static Record<byte[], SpanHalf> record(SpanHalf half) {
    return new Record<>(half.traceKey(), half, half.endMs());
  }

  private static SpanHalf client(int n, long endMs) {
    return new SpanHalf(
        "default",
        EdgeWindow.Node.service("shop", "checkout"),
        true,
        false,
        id(16, n),
        id(8, n),
        id(8, n ^ 0x5555),
        endMs,
        40_000_000,
        false,
        EdgeWindow.Node.virtual("payments"),
        EdgeWindow.VIRTUAL_NODE);
  }

  private static SpanHalf server(int n, long endMs) {
    return new SpanHalf(
        "default",
        EdgeWindow.Node.service("shop", "payments"),
        false,
        false,
        id(16, n),
        id(8, n + 1_000_000_000),
        id(8, n),
        endMs,
        30_000_000,
        false,
        null,
        null);
  }

  private static byte[] id(int bytes, int n) {
    ByteBuffer b = ByteBuffer.allocate(bytes);
    b.put(0, (byte) 1);
    b.putInt(bytes - 4, n);
    return b.array();
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
