package dev.vitals.sinks.delivery;

import dev.vitals.common.retry.Backoff;
import dev.vitals.sinks.metrics.SinkMetrics;
import dev.vitals.sinks.series.SeriesSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends samples until the store has them or refuses them: shards go out concurrently, each shard's
 * requests one after the other (a series stays in order), retryable failures are retried with
 * backoff while the sink keeps its consumer group membership through {@link Waiter}.
 */
final class ShardedSender {

  private static final Logger log = LoggerFactory.getLogger(ShardedSender.class);

  /** How a send ended. */
  enum Status {
    ACCEPTED,
    REJECTED,
    ABANDONED
  }

  /** The end of a send; {@code reason} is the store's answer when rejected. */
  record Result(Status status, String reason) {}

  /** Waits between retries; false when the batch must be abandoned (closing, rebalance). */
  interface Waiter {
    boolean await(Duration delay);
  }

  private final String sink;
  private final StoreWriter writer;
  private final Backoff backoff;
  private final SinkMetrics.Sink metrics;
  private final int shards;
  private final int maxRequestSamples;
  private final Waiter waiter;

  ShardedSender(
      String sink,
      StoreWriter writer,
      Backoff backoff,
      SinkMetrics.Sink metrics,
      int shards,
      int maxRequestSamples,
      Waiter waiter) {
    this.sink = sink;
    this.writer = writer;
    this.backoff = backoff;
    this.metrics = metrics;
    this.shards = shards;
    this.maxRequestSamples = maxRequestSamples;
    this.waiter = waiter;
  }

  /** Sends {@code samples} split into shards by series. */
  Result sendSharded(List<SeriesSample> samples, String tenant) {
    List<Lane> lanes = new ArrayList<>();
    for (List<SeriesSample> shard : Shards.split(samples, shards)) {
      lanes.add(new Lane(Shards.chunks(shard, maxRequestSamples)));
    }
    return send(lanes, tenant);
  }

  /** Sends {@code samples} as one lane: used to find which record of a batch is refused. */
  Result sendInOrder(List<SeriesSample> samples, String tenant) {
    return send(List.of(new Lane(Shards.chunks(samples, maxRequestSamples))), tenant);
  }

  private Result send(List<Lane> lanes, String tenant) {
    List<Lane> pending = new ArrayList<>(lanes);
    for (int attempt = 0; ; attempt++) {
      CompletableFuture.allOf(
              pending.stream().map(l -> l.run(tenant)).toArray(CompletableFuture[]::new))
          .join();
      pending.removeIf(Lane::done);
      if (pending.isEmpty()) {
        return new Result(Status.ACCEPTED, "");
      }
      for (Lane lane : pending) {
        if (lane.last.outcome() == WriteResult.Outcome.REJECTED) {
          return new Result(Status.REJECTED, lane.last.reason());
        }
      }
      if (!retryLater(pending, attempt)) {
        return new Result(Status.ABANDONED, "");
      }
    }
  }

  private boolean retryLater(List<Lane> pending, int attempt) {
    Duration retryAfter = null;
    long samples = 0;
    for (Lane lane : pending) {
      samples += lane.remainingSamples();
      Duration asked = lane.last.retryAfter();
      if (asked != null && (retryAfter == null || asked.compareTo(retryAfter) > 0)) {
        retryAfter = asked;
      }
    }
    Duration delay = backoff.delay(attempt, retryAfter);
    WriteResult last = pending.get(0).last;
    if (attempt == 0 || Integer.bitCount(attempt) == 1) {
      log.warn(
          "sink {}: write failed ({} {}), retry {} in {} ms",
          sink,
          last.status() == 0 ? "error" : last.status(),
          abbreviate(last.reason()),
          attempt + 1,
          delay.toMillis());
    }
    metrics.retried(samples);
    return waiter.await(delay);
  }

  private static String abbreviate(String s) {
    String oneLine = s.replace('\n', ' ');
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
  }

  /** One shard's requests, sent in order; a retry resumes at the first unacknowledged one. */
  private final class Lane {
    private final List<List<SeriesSample>> requests;
    private int next;
    private WriteResult last;

    Lane(List<List<SeriesSample>> requests) {
      this.requests = requests;
    }

    boolean done() {
      return next == requests.size();
    }

    long remainingSamples() {
      long n = 0;
      for (int i = next; i < requests.size(); i++) {
        n += requests.get(i).size();
      }
      return n;
    }

    CompletableFuture<Void> run(String tenant) {
      if (done()) {
        return CompletableFuture.completedFuture(null);
      }
      List<SeriesSample> request = requests.get(next);
      return writer
          .write(request, tenant)
          .exceptionally(WriteResult::error)
          .thenCompose(
              result -> {
                last = result;
                metrics.attempt(result.statusClass());
                if (result.outcome() != WriteResult.Outcome.ACCEPTED) {
                  return CompletableFuture.completedFuture(null);
                }
                metrics.sent(request.size() - result.rejectedSamples());
                metrics.rejectedInAcceptedWrite(result.rejectedSamples());
                next++;
                return run(tenant);
              });
    }
  }
}
