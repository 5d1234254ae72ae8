package dev.vitals.streams;

import dev.vitals.streams.query.QueryServer;
import dev.vitals.streams.query.StateView;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/** Starts and stops the query server of one streams instance, over its Kafka Streams state. */
final class QueryEndpoint implements AutoCloseable {

  private final QueryServer server;

  private QueryEndpoint(QueryServer server) {
    this.server = server;
  }

  static QueryEndpoint start(StreamsSettings s, KafkaStreams streams, PrometheusRegistry registry)
      throws IOException {
    QuerySettings q = s.query();
    HostInfo self = new HostInfo(q.advertisedHost(), q.advertisedPort());
    QueryServer.Builder b =
        QueryServer.builder()
            .setHost(q.host())
            .setPort(q.port())
            .setStateView(StateView.of(streams, self))
            .setInstanceName(self.host() + ":" + self.port())
            .setRegistry(registry)
            .setTenantTokens(q.tenantTokens())
            .setCatchUpAfter(
                s.windows()
                    .windowSize()
                    .multipliedBy(2)
                    .plus(s.windows().grace())
                    .plus(s.windows().idleAfter()));
    if (q.tls() != null) {
      b.setTls(q.tls());
    }
    if (q.bearerToken() != null) {
      b.setBearerToken(q.bearerToken());
    }
    return new QueryEndpoint(b.build().start());
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }
}
