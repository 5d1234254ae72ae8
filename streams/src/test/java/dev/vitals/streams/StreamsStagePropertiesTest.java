package dev.vitals.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.Topics;
import dev.vitals.streams.slo.SloSettings;
import dev.vitals.streams.window.WindowSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsStagePropertiesTest {

  private static final StreamsSettings SETTINGS =
      new StreamsSettings(
          Topics.DEFAULT,
          "vitals-streams",
          Path.of("state"),
          2,
          1,
          0,
          WindowSettings.DEFAULTS,
          SloSettings.defaults(),
          QuerySettings.DEFAULTS);

  @Test
  void exactlyOnceWithTheClusterReplicationAndCompressedWrites() {
    Properties p = StreamsStage.properties(SETTINGS, Map.of("bootstrap.servers", "k:9092"), 3);

    StreamsConfig config = new StreamsConfig(p);
    assertThat(config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(config.getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
    assertThat(config.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(2);
    assertThat(config.getProducerConfigs("client").get("compression.type")).isEqualTo("lz4");
  }

  @Test
  void aCompressionNamedInTheClientPropertiesWins() {
    Properties p =
        StreamsStage.properties(
            SETTINGS, Map.of("bootstrap.servers", "k:9092", "compression.type", "zstd"), 1);

    assertThat(new StreamsConfig(p).getProducerConfigs("client").get("compression.type"))
        .isEqualTo("zstd");
  }

  @Test
  void batchesOf64KibUnlessTheClientPropertiesNameASize() {
    Properties p = StreamsStage.properties(SETTINGS, Map.of("bootstrap.servers", "k:9092"), 1);
    assertThat(new StreamsConfig(p).getProducerConfigs("client").get("batch.size"))
        .as("not the producer's 16 KiB")
        .isEqualTo(65_536);

    for (String key : new String[] {"batch.size", "producer.batch.size"}) {
      Properties own =
          StreamsStage.properties(SETTINGS, Map.of("bootstrap.servers", "k:9092", key, "16384"), 1);
      assertThat(new StreamsConfig(own).getProducerConfigs("client").get("batch.size"))
          .as(key)
          .isEqualTo("16384");
    }
  }

  @Test
  void aTaskWaitsForAnEmptyRawPartitionSoThatItsSignalsMeetInTimestampOrder() {
    Properties p = StreamsStage.properties(SETTINGS, Map.of("bootstrap.servers", "k:9092"), 1);

    assertThat(new StreamsConfig(p).getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))
        .isEqualTo(2_000);
    Properties own =
        StreamsStage.properties(
            SETTINGS, Map.of("bootstrap.servers", "k:9092", "max.task.idle.ms", "0"), 1);
    assertThat(new StreamsConfig(own).getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isZero();
  }

  @Test
  void commitsOnceASecondWithACacheThatHoldsWhatChangedMeanwhileUnlessTheClientPropertiesSay() {
    StreamsConfig config =
        new StreamsConfig(
            StreamsStage.properties(SETTINGS, Map.of("bootstrap.servers", "k:9092"), 1));

    assertThat(config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
        .as("not exactly-once's 100 ms")
        .isEqualTo(1_000);
    assertThat(config.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG))
        .isEqualTo(64L * 1024 * 1024);
    StreamsConfig own =
        new StreamsConfig(
            StreamsStage.properties(
                SETTINGS,
                Map.of(
                    "bootstrap.servers",
                    "k:9092",
                    "commit.interval.ms",
                    "100",
                    "statestore.cache.max.bytes",
                    "1048576"),
                1));
    assertThat(own.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100);
    assertThat(own.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo(1_048_576);
  }

  @Test
  void aCrashedInstancesPartitionsMoveAfterFifteenSecondsUnlessTheClientPropertiesSayOtherwise() {
    Properties p = StreamsStage.properties(SETTINGS, Map.of("bootstrap.servers", "k:9092"), 1);

    assertThat(new StreamsConfig(p).getMainConsumerConfigs("g", "c", 0).get("session.timeout.ms"))
        .isEqualTo(15_000);
    Properties own =
        StreamsStage.properties(
            SETTINGS, Map.of("bootstrap.servers", "k:9092", "session.timeout.ms", "45000"), 1);
    assertThat(new StreamsConfig(own).getMainConsumerConfigs("g", "c", 0).get("session.timeout.ms"))
        .isEqualTo("45000");
  }

  @Test
  void eachInstanceIsAStaticGroupMemberNamedByItsQueryAddress() throws Exception {
    Properties p = StreamsStage.properties(SETTINGS, Map.of("bootstrap.servers", "k:9092"), 1);

    assertThat(new StreamsConfig(p).getMainConsumerConfigs("g", "c", 0).get("group.instance.id"))
        .isEqualTo(
            SETTINGS.applicationId()
                + "-"
                + java.net.InetAddress.getLocalHost().getHostName()
                + "-"
                + SETTINGS.query().advertisedPort()
                + "-0"); // Kafka Streams appends each stream thread's index
    assertThat(SETTINGS.query().advertisedHost())
        .as("the default, replaced by the machine's name")
        .isEqualTo("localhost");
  }
}
