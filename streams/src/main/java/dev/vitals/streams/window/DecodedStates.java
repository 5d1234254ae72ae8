package dev.vitals.streams.window;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state entries a task wrote last, kept decoded next to the bytes written, so that the next
 * record of the same service takes the object instead of decoding the entry again. The store stays
 * the only truth: an object is taken only when the store still holds exactly the bytes it was
 * encoded to (anything else wrote the key since, a restore, another version, an expiry: then the
 * entry is decoded as before). Taking removes it, and only a committed record puts it back, so a
 * record that fails half way leaves nothing changed behind. Least recently used entries are dropped
 * beyond a budget of encoded bytes, so the heap it holds stays bounded whatever the state's size.
 *
 * @param <T> the decoded form, owned by this cache between {@link #keep} and {@link #take}
 */
final class DecodedStates<T> {

  /**
   * Encoded bytes kept per task by default. Decoded, a series group takes about five times its
   * encoding on the heap (objects per stream, the hash table), so about 10 MB per task; enough for
   * the groups of a few hundred services, and a task with more only decodes more often, as before.
   */
  static final long DEFAULT_BUDGET_BYTES = 2L << 20;

  private final long budgetBytes;
  private final LinkedHashMap<ByteBuffer, Entry<T>> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  DecodedStates(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /**
   * The object {@code stored} was encoded from, taken out of the cache; null when the cache does
   * not hold it (never kept, dropped, or the store now holds other bytes).
   */
  T take(ByteBuffer key, byte[] stored) {
    Entry<T> e = entries.remove(key);
    if (e == null) {
      return null;
    }
    bytes -= e.encoded.length;
    // Arrays.equals returns at once for the same array, which is what the record cache returns.
    return stored != null && Arrays.equals(e.encoded, stored) ? e.value : null;
  }

  /** Keeps {@code value} as what {@code encoded}, just written under {@code key}, decodes to. */
  void keep(ByteBuffer key, byte[] encoded, T value) {
    Entry<T> old = entries.put(key, new Entry<>(encoded, value));
    bytes += encoded.length - (old == null ? 0 : old.encoded.length);
    for (Iterator<Map.Entry<ByteBuffer, Entry<T>>> it = entries.entrySet().iterator();
        bytes > budgetBytes && it.hasNext(); ) {
      bytes -= it.next().getValue().encoded.length;
      it.remove();
    }
  }

  void clear() {
    entries.clear();
    bytes = 0;
  }

  int size() {
    return entries.size();
  }

  // Holds the bytes written, compared by content in take(); never compared or hashed itself.
  @SuppressWarnings("ArrayRecordComponent")
  private record Entry<T>(byte[] encoded, T value) {}
}
