package dev.vitals.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.vitals.sinks.SinkSettings.Destination;
import dev.vitals.sinks.SinkSettings.Kind;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The compose stack's docker/vitals.yaml is a valid configuration that reaches the stack. */
class DockerConfigTest {

  private static final Path DOCKER = Path.of("..", "docker");

  @Test
  void theComposeStacksConfigLoadsAndPointsAtTheStacksServices() throws Exception {
    VitalsConfig c = ConfigLoader.load(DOCKER.resolve("vitals.yaml"), Map.of());

    assertThat(c.kafka().bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(c.streams().query().advertisedHost()).isEqualTo("streams");
    assertThat(c.streams().query().port()).isEqualTo(8080);
    assertThat(c.admin().port()).isEqualTo(8888);
    assertThat(c.ingest().grpc().port()).isEqualTo(4317);
    assertThat(c.ingest().http().port()).isEqualTo(4318);
    assertThat(c.sinks().destinations())
        .extracting(Destination::name, Destination::kind, Destination::url)
        .containsExactly(
            tuple(
                "prometheus", Kind.REMOTE_WRITE, URI.create("http://prometheus:9090/api/v1/write")),
            tuple(
                "victoriametrics",
                Kind.REMOTE_WRITE,
                URI.create("http://victoriametrics:8428/api/v1/write")),
            tuple("alertmanager", Kind.ALERTMANAGER, URI.create("http://alertmanager:9093")));
  }

  @Test
  @SuppressWarnings("unchecked") // the compose file's lists, as SnakeYAML reads them
  void everyStageInTheComposeFileReadsTheMountedConfigWithValidOverrides() throws Exception {
    // SnakeYAML (under Jackson's YAML module) resolves the compose file's merge keys (<<: *vitals).
    Map<String, Object> compose;
    try (Reader in = Files.newBufferedReader(DOCKER.resolve("compose.yaml"))) {
      compose = new Yaml().load(in);
    }
    Map<?, ?> services = (Map<?, ?>) compose.get("services");
    List<String> stages = new ArrayList<>();
    for (String stage : List.of("ingest", "streams", "sinks")) {
      Map<?, ?> service = (Map<?, ?>) services.get(stage);
      Map<String, String> env = new TreeMap<>();
      Map<?, ?> environment = (Map<?, ?>) service.get("environment");
      if (environment != null) {
        environment.forEach((k, v) -> env.put(k.toString(), String.valueOf(v)));
      }

      assertThat((List<Object>) service.get("command"))
          .as(stage)
          .containsExactly(stage, "--config", "/etc/vitals/vitals.yaml");
      assertThat((List<Object>) service.get("volumes"))
          .as(stage)
          .contains("./vitals.yaml:/etc/vitals/vitals.yaml:ro");
      assertThat(ConfigLoader.load(DOCKER.resolve("vitals.yaml"), env)).as(stage).isNotNull();
      stages.add(stage);
    }
    assertThat(stages).containsExactly("ingest", "streams", "sinks");
  }
}
