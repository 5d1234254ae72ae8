package dev.vitals.streams.window;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The accumulators of one service's window, its service level and its operations, kept as one state
 * entry under the service level's key: a record of the service reads and writes one entry (one
 * cache round trip, one changelog record per commit) instead of one per operation. An operation's
 * accumulator is decoded only when a record or an emission touches it.
 *
 * <p>Layout: {@link #FORMAT}, the service level's {@link WindowAccumulator}, a flags byte (1: some
 * operations have entries of their own), the number of operations inline, then each one's name and
 * accumulator. Operations beyond {@link #INLINE_BYTES} get entries of their own under the key
 * {@link StoreKeys#accumulator} gives them, so that no entry nears the producer's 1 MiB record
 * limit however many operations a service has. Versions before this one wrote every operation so;
 * their service-level entry is a bare accumulator (first byte its version, 1 to 3), read the same
 * way, and moved inline on the next write.
 */
final class WindowBundle {

  /** First byte of a bundle; a bare accumulator starts with its version, 1 to 3. */
  static final int FORMAT = 16;

  /** Bytes of operation accumulators kept inline at most. */
  static final int INLINE_BYTES = 256 * 1024;

  private static final int OWN_ENTRIES = 1;

  final long windowStartMs;
  final byte[] serviceBytes;
  final byte[] key;
  final WindowAccumulator service;

  /** Operations as stored (inline or in entries of their own), encoded. */
  private final TreeMap<String, byte[]> stored = new TreeMap<>();

  /** Operations decoded (read or new): written back encoded anew. */
  private final Map<String, WindowAccumulator> decoded = new HashMap<>();

  /** Operations that have an entry of their own in the store. */
  private Set<String> ownEntries = Set.of();

  private WindowBundle(
      long windowStartMs, byte[] serviceBytes, byte[] key, WindowAccumulator service) {
    this.windowStartMs = windowStartMs;
    this.serviceBytes = serviceBytes;
    this.key = key;
    this.service = service;
  }

  /** A window nothing was stored for yet. */
  static WindowBundle empty(long windowStartMs, byte[] serviceBytes) {
    return new WindowBundle(
        windowStartMs,
        serviceBytes,
        StoreKeys.accumulator(windowStartMs, serviceBytes, null),
        new WindowAccumulator());
  }

  /** The stored window of a service, or null when none is. */
  static WindowBundle load(
      KeyValueStore<byte[], byte[]> store, long windowStartMs, byte[] serviceBytes) {
    byte[] key = StoreKeys.accumulator(windowStartMs, serviceBytes, null);
    byte[] value = store.get(key);
    return value == null ? null : read(store, windowStartMs, serviceBytes, key, value);
  }

  /**
   * The window stored as {@code value} under the service-level {@code key}, with the operations
   * that have entries of their own read from {@code store}.
   *
   * @throws RuntimeException when the entry cannot be read
   */
  static WindowBundle read(
      KeyValueStore<byte[], byte[]> store,
      long windowStartMs,
      byte[] serviceBytes,
      byte[] key,
      byte[] value) {
    WindowBundle bundle;
    boolean ownEntries;
    if (value.length > 0 && value[0] == FORMAT) {
      BinaryReader in = new BinaryReader(value);
      in.getByte();
      bundle =
          new WindowBundle(
              windowStartMs, serviceBytes, key, WindowAccumulator.decode(in.getBytes()));
      ownEntries = (in.getByte() & OWN_ENTRIES) != 0;
      long n = in.getVarLong();
      for (long i = 0; i < n; i++) {
        String operation = in.getString();
        bundle.stored.put(operation, in.getBytes());
      }
    } else {
      bundle = new WindowBundle(windowStartMs, serviceBytes, key, WindowAccumulator.decode(value));
      ownEntries = true;
    }
    if (ownEntries) {
      bundle.readOwnEntries(store);
    }
    return bundle;
  }

  /** The operations {@code value} holds inline: 0 unless it is a bundle. */
  static int inlineOperations(byte[] value) {
    if (value.length == 0 || value[0] != FORMAT) {
      return 0;
    }
    BinaryReader in = new BinaryReader(value);
    in.getByte();
    in.getBytes();
    in.getByte();
    return (int) in.getVarLong();
  }

  private void readOwnEntries(KeyValueStore<byte[], byte[]> store) {
    byte[] from = StoreKeys.accumulator(windowStartMs, serviceBytes, "");
    byte[] to = from.clone();
    to[to.length - 1] = 2;
    Set<String> own = new HashSet<>();
    try (KeyValueIterator<byte[], byte[]> it = store.range(from, to)) {
      while (it.hasNext()) {
        var e = it.next();
        String operation = StoreKeys.parseAccumulator(e.key).operation();
        stored.put(operation, e.value);
        own.add(operation);
      }
    }
    ownEntries = own;
  }

  /** The operation's accumulator, or null when the window has none. */
  WindowAccumulator operation(String name) {
    WindowAccumulator acc = decoded.get(name);
    if (acc == null) {
      byte[] bytes = stored.get(name);
      if (bytes == null) {
        return null;
      }
      acc = WindowAccumulator.decode(bytes);
      decoded.put(name, acc);
    }
    return acc;
  }

  /** The operation's accumulator, a new one when the window has none. */
  WindowAccumulator operationOrNew(String name) {
    WindowAccumulator acc = operation(name);
    if (acc == null) {
      acc = new WindowAccumulator();
      decoded.put(name, acc);
    }
    return acc;
  }

  /** Drops an operation (one that cannot be read): its own entry, if any, is deleted on save. */
  void forget(String name) {
    stored.remove(name);
    decoded.remove(name);
  }

  /** The window's operations, by name. */
  List<String> operations() {
    if (decoded.isEmpty()) {
      return new ArrayList<>(stored.keySet());
    }
    TreeSet<String> names = new TreeSet<>(stored.keySet());
    names.addAll(decoded.keySet());
    return new ArrayList<>(names);
  }

  /** Writes the window: its entry, and the entries of operations that do not fit inline. */
  void save(KeyValueStore<byte[], byte[]> store) {
    byte[] serviceLevel = service.encode();
    List<String> names = operations();
    List<String> inline = new ArrayList<>(names.size());
    List<byte[]> inlineBytes = new ArrayList<>(names.size());
    Map<String, byte[]> own = new TreeMap<>();
    long used = 0;
    for (String name : names) {
      WindowAccumulator acc = decoded.get(name);
      byte[] bytes = acc != null ? acc.encode() : stored.get(name);
      long size = bytes.length + 3L * name.length() + 10;
      if (used + size <= INLINE_BYTES) {
        used += size;
        inline.add(name);
        inlineBytes.add(bytes);
      } else {
        own.put(name, bytes);
      }
    }
    BinaryWriter out = new BinaryWriter(32 + serviceLevel.length + (int) used);
    out.putByte(FORMAT).putBytes(serviceLevel).putByte(own.isEmpty() ? 0 : OWN_ENTRIES);
    out.putVarLong(inline.size());
    for (int i = 0; i < inline.size(); i++) {
      out.putString(inline.get(i)).putBytes(inlineBytes.get(i));
    }
    store.put(key, out.toBytes());
    for (Map.Entry<String, byte[]> e : own.entrySet()) {
      if (decoded.containsKey(e.getKey()) || !ownEntries.contains(e.getKey())) {
        store.put(StoreKeys.accumulator(windowStartMs, serviceBytes, e.getKey()), e.getValue());
      }
    }
    for (String name : ownEntries) {
      if (!own.containsKey(name)) {
        store.delete(StoreKeys.accumulator(windowStartMs, serviceBytes, name));
      }
    }
    ownEntries = own.keySet();
  }
}
