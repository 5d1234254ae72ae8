package dev.vitals.streams;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.jspecify.annotations.Nullable;

/**
 * The state stores this instance is restoring from their changelogs now, for readiness: an instance
 * restoring state cannot answer for the services of those tasks yet.
 */
final class Restorations implements StateRestoreListener {

  private final Map<TopicPartition, long[]> restoring = new HashMap<>();

  @Override
  public synchronized void onRestoreStart(
      TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
    restoring.put(partition, new long[] {Math.max(0, endingOffset - startingOffset)});
  }

  @Override
  public synchronized void onBatchRestored(
      TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
    long[] left = restoring.get(partition);
    if (left != null) {
      left[0] = Math.max(0, left[0] - numRestored);
    }
  }

  @Override
  public synchronized void onRestoreEnd(
      TopicPartition partition, String storeName, long totalRestored) {
    restoring.remove(partition);
  }

  @Override
  public synchronized void onRestoreSuspended(
      TopicPartition partition, String storeName, long totalRestored) {
    restoring.remove(partition);
  }

  /** Null when nothing is restoring, else how much is. */
  synchronized @Nullable String describe() {
    if (restoring.isEmpty()) {
      return null;
    }
    long left = restoring.values().stream().mapToLong(l -> l[0]).sum();
    return "restoring state: "
        + restoring.size()
        + " changelog partitions, "
        + left
        + " records left";
  }
}
