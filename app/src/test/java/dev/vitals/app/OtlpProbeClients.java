package dev.vitals.app;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * OTLP/HTTP clients that each send a stream of one-point gauge requests, every point carrying a
 * unique integer attribute {@code seq}, and retry on 429, 503 and connection errors with a short
 * backoff as an OTLP exporter does. They record which seqs were answered 200, how every attempt was
 * answered, and the slowest answer.
 */
final class OtlpProbeClients implements AutoCloseable {

  static final String SEQ = "seq";
  private static final Duration BACKOFF = Duration.ofMillis(100);

  private final URI endpoint;
  private final Duration answerTimeout;
  private final AtomicInteger nextSeq = new AtomicInteger();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
  final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  final AtomicLong slowestAnswerMs = new AtomicLong();

  /**
   * @param answerTimeout an attempt not answered within this long counts as a failure (a hang)
   */
  OtlpProbeClients(int httpPort, Duration answerTimeout) {
    this.endpoint = URI.create("http://localhost:" + httpPort + "/v1/metrics");
    this.answerTimeout = answerTimeout;
  }

  void start(int clients) {
    for (int i = 0; i < clients; i++) {
      Thread t = new Thread(this::run, "otlp-probe-client-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Answers counted under a label: a status code, "refused" (connection error) or "timeout". */
  int answered(String label) {
    AtomicInteger n = answers.get(label);
    return n == null ? 0 : n.get();
  }

  /** Stops the clients: an attempt under way finishes, a seq still being retried is abandoned. */
  @Override
  public void close() {
    stop.set(true);
    try {
      for (Thread t : threads) {
        t.join(answerTimeout.toMillis() + 5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    while (!stop.get()) {
      int seq = nextSeq.incrementAndGet();
      byte[] body = request(seq).toByteArray();
      while (!stop.get()) {
        String answer = send(http, body);
        answers.computeIfAbsent(answer, k -> new AtomicInteger()).incrementAndGet();
        if (answer.equals("200")) {
          acknowledged.add(seq);
          break;
        }
        if (!answer.equals("429") && !answer.equals("503") && !answer.equals("refused")) {
          failures.add("seq " + seq + ": " + answer);
        }
        sleep(BACKOFF);
      }
    }
  }

  private String send(HttpClient http, byte[] body) {
    long started = System.nanoTime();
    try {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(endpoint)
                  .timeout(answerTimeout)
                  .header("Content-Type", "application/x-protobuf")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      int status = response.statusCode();
      if ((status == 429 || status == 503)
          && response.headers().firstValue("Retry-After").isEmpty()) {
        return status + " without Retry-After";
      }
      return String.valueOf(status);
    } catch (HttpTimeoutException e) {
      return "timeout";
    } catch (IOException e) {
      return "refused";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.set(true);
      return "interrupted";
    } finally {
      slowestAnswerMs.accumulateAndGet(
          Duration.ofNanos(System.nanoTime() - started).toMillis(), Math::max);
    }
  }

  /** A client's pause before it retries, on purpose: clients back off as real ones do. */
  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static ExportMetricsServiceRequest request(int seq) {
    NumberDataPoint point =
        NumberDataPoint.newBuilder()
            .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
            .setAsDouble(seq)
            .addAttributes(
                KeyValue.newBuilder().setKey(SEQ).setValue(AnyValue.newBuilder().setIntValue(seq)))
            .build();
    Metric metric =
        Metric.newBuilder()
            .setName("probe")
            .setGauge(Gauge.newBuilder().addDataPoints(point))
            .build();
    Resource resource =
        Resource.newBuilder()
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("service.name")
                    .setValue(AnyValue.newBuilder().setStringValue("probe")))
            .build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource)
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(metric)))
        .build();
  }

  /** Every seq in the topic from its beginning, with how many times each was written. */
  static Map<Integer, Integer> seqsIn(String bootstrap, String topic) throws IOException {
    Map<Integer, Integer> seen = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_uncommitted"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IOException("could not read " + topic + " to its end " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          for (int seq : seqs(ExportMetricsServiceRequest.parseFrom(r.value()))) {
            seen.merge(seq, 1, Integer::sum);
          }
        }
      }
    }
    return seen;
  }

  private static List<Integer> seqs(ExportMetricsServiceRequest request) {
    List<Integer> out = new ArrayList<>();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
            for (KeyValue kv : p.getAttributesList()) {
              if (kv.getKey().equals(SEQ)) {
                out.add((int) kv.getValue().getIntValue());
              }
            }
          }
        }
      }
    }
    return out;
  }
}
