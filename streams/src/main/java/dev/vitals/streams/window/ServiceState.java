package dev.vitals.streams.window;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the topology remembers of a known service between windows: when it was first and last seen
 * (event time), how many cumulative series it has, and its operations with their last sighting.
 */
final class ServiceState {

  long firstSeenMs;
  long lastSeenMs;
  int seriesCount;
  final Map<String, Long> operations = new HashMap<>();

  ServiceState(long firstSeenMs) {
    this.firstSeenMs = firstSeenMs;
    this.lastSeenMs = firstSeenMs;
  }

  void seen(long eventMs) {
    firstSeenMs = Math.min(firstSeenMs, eventMs);
    lastSeenMs = Math.max(lastSeenMs, eventMs);
  }

  /** Whether the operation is known or fits in the budget; it is then noted as seen. */
  boolean admitOperation(String operation, long eventMs, int max) {
    Long last = operations.get(operation);
    if (last == null && operations.size() >= max) {
      return false;
    }
    operations.put(operation, last == null ? eventMs : Math.max(last, eventMs));
    return true;
  }

  /** Forgets operations not seen since {@code cutoffMs}; the names forgotten. */
  List<String> forgetOperationsBefore(long cutoffMs) {
    List<String> forgotten = new ArrayList<>(0);
    for (Iterator<Map.Entry<String, Long>> it = operations.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> e = it.next();
      if (e.getValue() < cutoffMs) {
        forgotten.add(e.getKey());
        it.remove();
      }
    }
    return forgotten;
  }

  byte[] encode() {
    BinaryWriter out = new BinaryWriter(32 + operations.size() * 24);
    out.putLong(firstSeenMs).putLong(lastSeenMs).putVarLong(seriesCount);
    out.putVarLong(operations.size());
    for (Map.Entry<String, Long> e : operations.entrySet()) {
      out.putString(e.getKey()).putLong(e.getValue());
    }
    return out.toBytes();
  }

  static ServiceState decode(byte[] bytes) {
    BinaryReader in = new BinaryReader(bytes);
    ServiceState s = new ServiceState(in.getLong());
    s.lastSeenMs = in.getLong();
    s.seriesCount = (int) in.getVarLong();
    int n = (int) in.getVarLong();
    for (int i = 0; i < n; i++) {
      s.operations.put(in.getString(), in.getLong());
    }
    return s;
  }
}
