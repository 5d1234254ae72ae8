package dev.vitals.streams.query;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.HostInfo;

/**
 * What the query API needs from the streams state: where a service's partition of a store lives,
 * which other instances exist, and reads of this instance's local stores. Every method may throw
 * {@link StateUnavailableException}.
 */
public interface StateView {

  /** The instance serving {@code store}'s partition of {@code serviceKey}. */
  Route route(String store, String serviceKey);

  /** Every other instance of the application, by its {@code application.server}. */
  List<HostInfo> peers();

  /** The value of {@code key} in this instance's copy of {@code store}. */
  Optional<String> get(String store, String key);

  /** This instance's entries of {@code store} whose key starts with {@code prefix} ("" for all). */
  List<KeyValue<String, String>> scan(String store, String prefix);

  /**
   * A view over a started {@link KafkaStreams} whose {@code application.server} is {@code self}.
   */
  static StateView of(KafkaStreams streams, HostInfo self) {
    return new KafkaStreamsStateView(streams, self);
  }

  /**
   * Where a key's partition is served: this instance, another one ({@code host}), or nowhere
   * because the store is not part of the topology.
   */
  record Route(Kind kind, HostInfo host) {

    public enum Kind {
      LOCAL,
      REMOTE,
      NONE
    }

    private static final Route LOCAL = new Route(Kind.LOCAL, null);
    private static final Route NONE = new Route(Kind.NONE, null);

    public Route {
      requireNonNull(kind, "kind");
      if ((kind == Kind.REMOTE) != (host != null)) {
        throw new IllegalArgumentException(
            "host: " + host + " (expected: set exactly when kind is REMOTE, kind " + kind + ")");
      }
    }

    public static Route local() {
      return LOCAL;
    }

    public static Route remote(HostInfo host) {
      return new Route(Kind.REMOTE, requireNonNull(host, "host"));
    }

    public static Route none() {
      return NONE;
    }
  }
}
