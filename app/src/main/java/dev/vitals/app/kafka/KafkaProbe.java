package dev.vitals.app.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the Kafka cluster for its brokers every few seconds, for readiness: a stage that cannot
 * reach Kafka cannot take or serve data, whatever its own state says. Logs when the cluster becomes
 * unreachable and when it is back, once each.
 */
public final class KafkaProbe implements AutoCloseable {

  static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(KafkaProbe.class);

  private final Admin admin;
  private final ScheduledExecutorService executor;
  private static final String NOT_CHECKED = "not checked yet";

  private volatile @Nullable String problem = NOT_CHECKED;

  private KafkaProbe(Map<String, Object> clientProps) {
    Map<String, Object> props = new java.util.HashMap<>(clientProps);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "vitals-kafka-probe");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) INTERVAL.toMillis());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) INTERVAL.toMillis());
    this.admin = Admin.create(props);
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kafka-probe");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts probing at once and then every 5 s. */
  public static KafkaProbe start(Map<String, Object> clientProps) {
    KafkaProbe probe = new KafkaProbe(clientProps);
    var unused =
        probe.executor.scheduleWithFixedDelay(
            probe::probe, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return probe;
  }

  /** Null when the last probe reached the cluster, else what went wrong. */
  public @Nullable String whyNotReady() {
    return problem;
  }

  private void probe() {
    String was = problem;
    try {
      int brokers =
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) INTERVAL.toMillis()))
              .nodes()
              .get(INTERVAL.toMillis() * 2, TimeUnit.MILLISECONDS)
              .size();
      problem = brokers == 0 ? "Kafka reports no brokers" : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      problem = "cannot reach Kafka: " + cause;
    }
    if (problem != null && !problem.equals(was) && !NOT_CHECKED.equals(was)) {
      log.warn("{}", problem);
    } else if (problem == null && was != null && !NOT_CHECKED.equals(was)) {
      log.info("Kafka reachable again");
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    admin.close(Duration.ofSeconds(5));
  }
}
