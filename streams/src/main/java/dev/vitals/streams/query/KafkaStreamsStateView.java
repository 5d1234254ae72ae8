package dev.vitals.streams.query;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link StateView} over Kafka Streams interactive queries. Keys are routed by the service key with
 * the default partitioner, as the stores are partitioned. A store missing from the topology reads
 * as empty; any other reason a store cannot be read is a {@link StateUnavailableException}.
 */
final class KafkaStreamsStateView implements StateView {

  private static final Serializer<String> KEYS = new StringSerializer();

  private final KafkaStreams streams;
  private final HostInfo self;

  KafkaStreamsStateView(KafkaStreams streams, HostInfo self) {
    this.streams = requireNonNull(streams, "streams");
    this.self = requireNonNull(self, "self");
  }

  @Override
  public Route route(String store, String serviceKey) {
    KeyQueryMetadata metadata;
    try {
      metadata = streams.queryMetadataForKey(store, serviceKey, KEYS);
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
    if (metadata == null) {
      return Route.none();
    }
    HostInfo active = metadata.activeHost();
    if (metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) || HostInfo.unavailable().equals(active)) {
      throw new StateUnavailableException("no instance owns the partition of " + store + " now");
    }
    return self.equals(active) ? Route.local() : Route.remote(active);
  }

  @Override
  public List<HostInfo> peers() {
    List<HostInfo> peers = new ArrayList<>();
    try {
      for (StreamsMetadata client : streams.metadataForAllStreamsClients()) {
        HostInfo host = client.hostInfo();
        if (!self.equals(host) && !HostInfo.unavailable().equals(host) && !peers.contains(host)) {
          peers.add(host);
        }
      }
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
    return peers;
  }

  @Override
  public Optional<String> get(String store, String key) {
    try {
      return store(store).map(s -> s.get(key));
    } catch (InvalidStateStoreException e) {
      if (hostsNoActivePartitionOf(store)) {
        return Optional.empty();
      }
      throw unavailable(e);
    }
  }

  @Override
  public List<KeyValue<String, String>> scan(String store, String prefix) {
    try {
      Optional<ReadOnlyKeyValueStore<String, String>> local = store(store);
      if (local.isEmpty()) {
        return List.of();
      }
      List<KeyValue<String, String>> out = new ArrayList<>();
      try (KeyValueIterator<String, String> it =
          prefix.isEmpty() ? local.get().all() : local.get().prefixScan(prefix, KEYS)) {
        it.forEachRemaining(out::add);
      }
      return out;
    } catch (InvalidStateStoreException e) {
      if (hostsNoActivePartitionOf(store)) {
        return List.of();
      }
      throw unavailable(e);
    }
  }

  /**
   * True when this instance runs but has no active task with the store: Kafka Streams then refuses
   * the query ("may have migrated") although the honest local answer is "nothing here".
   */
  private boolean hostsNoActivePartitionOf(String store) {
    if (streams.state() != KafkaStreams.State.RUNNING) {
      return false;
    }
    try {
      return streams.metadataForAllStreamsClients().stream()
          .filter(client -> self.equals(client.hostInfo()))
          .noneMatch(client -> client.stateStoreNames().contains(store));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The local store; empty when the topology has no store of that name. */
  private Optional<ReadOnlyKeyValueStore<String, String>> store(String name) {
    try {
      return Optional.of(
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  name, QueryableStoreTypes.<String, String>keyValueStore())));
    } catch (UnknownStateStoreException e) {
      return Optional.empty();
    }
  }

  private StateUnavailableException unavailable(RuntimeException e) {
    return new StateUnavailableException(
        "streams state not queryable (state " + streams.state() + "): " + e.getMessage(), e);
  }
}
