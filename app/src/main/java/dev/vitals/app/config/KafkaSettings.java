package dev.vitals.app.config;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.Topics;
import java.util.HashMap;
import java.util.Map;

/**
 * How every stage reaches Kafka.
 *
 * @param bootstrapServers comma-separated {@code host:port} list
 * @param topicPrefix put in front of every topic name
 * @param partitions partitions of the raw topics when Vitals creates them
 * @param replicationFactor replication of created topics; 0 means min(3, broker count)
 * @param clientProperties extra client properties (security.protocol, sasl.*, ssl.*); secrets
 */
public record KafkaSettings(
    String bootstrapServers,
    String topicPrefix,
    int partitions,
    int replicationFactor,
    Map<String, String> clientProperties) {

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
  public static final int DEFAULT_PARTITIONS = 6;

  public KafkaSettings {
    requireNonNull(bootstrapServers, "bootstrapServers");
    requireNonNull(topicPrefix, "topicPrefix");
    clientProperties = Map.copyOf(clientProperties);
  }

  public Topics topics() {
    return new Topics(topicPrefix);
  }

  /** Client properties for any Kafka client: the extra properties plus the bootstrap servers. */
  public Map<String, Object> clientProps() {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put("bootstrap.servers", bootstrapServers);
    return props;
  }

  public KafkaSettings withBootstrapServers(String servers) {
    return new KafkaSettings(servers, topicPrefix, partitions, replicationFactor, clientProperties);
  }

  /** Never prints the client properties' values. */
  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers="
        + bootstrapServers
        + ", topicPrefix="
        + topicPrefix
        + ", partitions="
        + partitions
        + ", replicationFactor="
        + replicationFactor
        + ", clientProperties="
        + clientProperties.keySet()
        + "]";
  }
}
