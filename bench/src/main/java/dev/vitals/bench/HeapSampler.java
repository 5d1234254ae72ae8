package dev.vitals.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples heap use every 100 ms: the peak of "used" (live data plus garbage not yet collected) and
 * the peak of what the heap pools held right after a collection (close to the live set).
 */
final class HeapSampler implements AutoCloseable {

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "heap-sampler");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong peakUsed = new AtomicLong();
  private final AtomicLong peakAfterGc = new AtomicLong();
  final long baseline;

  /** Collects first, so that the baseline is the live set before the phase. */
  HeapSampler() throws InterruptedException {
    System.gc();
    Thread.sleep(300);
    baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    var unused = timer.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    peakUsed.accumulateAndGet(
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
    long afterGc = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
        afterGc += pool.getCollectionUsage().getUsed();
      }
    }
    peakAfterGc.accumulateAndGet(afterGc, Math::max);
  }

  long peakUsed() {
    return peakUsed.get();
  }

  long peakAfterGc() {
    return peakAfterGc.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
