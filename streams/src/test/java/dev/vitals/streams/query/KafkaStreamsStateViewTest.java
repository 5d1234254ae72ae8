package dev.vitals.streams.query;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaStreamsStateViewTest {

  @Test
  void aStreamsInstanceThatHasNotStartedIsUnavailableNotAnError(@TempDir Path dir) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.table(
        "health-in",
        Consumed.with(Serdes.String(), Serdes.String()),
        Materialized.as(StoreNames.HEALTH));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "view-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      StateView view = StateView.of(streams, new HostInfo("127.0.0.1", 8080));

      assertThatThrownBy(() -> view.route(StoreNames.HEALTH, "default//checkout"))
          .isInstanceOf(StateUnavailableException.class);
      assertThatThrownBy(view::peers).isInstanceOf(StateUnavailableException.class);
      assertThatThrownBy(() -> view.scan(StoreNames.HEALTH, ""))
          .isInstanceOf(StateUnavailableException.class);
      assertThatThrownBy(() -> view.get(StoreNames.HEALTH, "default//checkout"))
          .isInstanceOf(StateUnavailableException.class);
    }
  }
}
