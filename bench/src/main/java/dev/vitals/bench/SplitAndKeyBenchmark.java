package dev.vitals.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.ingest.pipeline.ExportPipeline;
import dev.vitals.ingest.pipeline.RecordSplitter;
import dev.vitals.schemas.otlp.OtlpResources;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The CPU ingest spends per request before Kafka: parse an OTLP metrics export of {@value
 * MetricsPayload#POINTS} data points across {@value MetricsPayload#SERVICES} services, cut it into
 * one record per resource and key each record by service. One op is one request; ns per data point
 * is 1e9 / (ops/s) / {@value MetricsPayload#POINTS}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class SplitAndKeyBenchmark {

  private byte[] body;
  private RecordSplitter splitter;

  @Setup
  public void setUp() {
    body = MetricsPayload.request().toByteArray();
    splitter = new RecordSplitter(1_000_000 - 1024);
  }

  /**
   * What ingest does: walk the body without a message tree (checking it as protobuf would), then
   * slice each resource's bytes out of it.
   */
  @Benchmark
  public void walkSplitAndKey(Blackhole blackhole) throws ExportPipeline.MalformedException {
    ExportPipeline.Parsed parsed = ExportPipeline.Parsed.protobuf(OtlpSignal.METRICS, body);
    for (RecordSplitter.Part part : splitter.split(OtlpSignal.METRICS, parsed).parts()) {
      blackhole.consume(OtlpResources.serviceKey("default", part.resource()));
      blackhole.consume(part.value());
    }
  }

  /**
   * What ingest did before: parse (validates), then slice each resource's bytes out of the body.
   */
  @Benchmark
  public void parseSplitAndKey(Blackhole blackhole) throws InvalidProtocolBufferException {
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
    for (RecordSplitter.Part part : splitter.split(OtlpSignal.METRICS, request, body).parts()) {
      blackhole.consume(OtlpResources.serviceKey("default", part.resource()));
      blackhole.consume(part.value());
    }
  }

  /**
   * The baseline: the same, but every resource serialized again (what JSON and remote-write
   * requests still take, having no protobuf bytes to slice).
   */
  @Benchmark
  public void parseSplitAndKeyReserialized(Blackhole blackhole)
      throws InvalidProtocolBufferException {
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
    for (RecordSplitter.Part part : splitter.split(OtlpSignal.METRICS, request).parts()) {
      blackhole.consume(OtlpResources.serviceKey("default", part.resource()));
      blackhole.consume(part.value());
    }
  }
}
