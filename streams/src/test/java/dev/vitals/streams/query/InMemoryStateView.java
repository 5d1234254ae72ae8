package dev.vitals.streams.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.HostInfo;

/**
 * A {@link StateView} held in maps: every key is local unless {@link #own} names another instance
 * for it, and {@link #unavailable} makes every call fail as a rebalancing Kafka Streams would.
 */
final class InMemoryStateView implements StateView {

  private final Map<String, ConcurrentSkipListMap<String, String>> stores =
      new ConcurrentHashMap<>();
  private final Map<String, HostInfo> owners = new ConcurrentHashMap<>();
  private volatile List<HostInfo> peers = List.of();
  volatile boolean unavailable;

  InMemoryStateView put(String store, String key, String json) {
    stores.computeIfAbsent(store, s -> new ConcurrentSkipListMap<>()).put(key, json);
    return this;
  }

  /** {@code store}'s partition of {@code serviceKey} lives on {@code host}; null: here. */
  InMemoryStateView own(String store, String serviceKey, HostInfo host) {
    if (host == null) {
      owners.remove(store + '\n' + serviceKey);
    } else {
      owners.put(store + '\n' + serviceKey, host);
    }
    return this;
  }

  /** Every store's partition of {@code serviceKey} lives on {@code host}. */
  InMemoryStateView ownAll(String serviceKey, HostInfo host) {
    for (Part part : Part.values()) {
      own(part.store(), serviceKey, host);
    }
    return this;
  }

  InMemoryStateView peers(HostInfo... hosts) {
    this.peers = List.of(hosts);
    return this;
  }

  @Override
  public Route route(String store, String serviceKey) {
    check();
    HostInfo host = owners.get(store + '\n' + serviceKey);
    return host == null ? Route.local() : Route.remote(host);
  }

  @Override
  public List<HostInfo> peers() {
    check();
    return peers;
  }

  @Override
  public Optional<String> get(String store, String key) {
    check();
    return Optional.ofNullable(stores.getOrDefault(store, new ConcurrentSkipListMap<>()).get(key));
  }

  @Override
  public List<KeyValue<String, String>> scan(String store, String prefix) {
    check();
    List<KeyValue<String, String>> out = new ArrayList<>();
    stores
        .getOrDefault(store, new ConcurrentSkipListMap<>())
        .forEach(
            (k, v) -> {
              if (k.startsWith(prefix)) {
                out.add(KeyValue.pair(k, v));
              }
            });
    return out;
  }

  private void check() {
    if (unavailable) {
      throw new StateUnavailableException("rebalancing (test)");
    }
  }
}
