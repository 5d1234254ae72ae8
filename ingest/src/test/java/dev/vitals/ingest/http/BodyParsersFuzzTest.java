package dev.vitals.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.vitals.ingest.OtlpExamples;
import dev.vitals.ingest.metrics.IngestMetrics;
import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.ingest.pipeline.ExportPipeline;
import dev.vitals.ingest.pipeline.InFlightLimiter;
import dev.vitals.ingest.pipeline.RecordSplitter;
import dev.vitals.ingest.pipeline.Reservation;
import dev.vitals.schemas.otlp.OtlpResources;
import dev.vitals.schemas.remotewrite.Label;
import dev.vitals.schemas.remotewrite.RemoteWriteCodec;
import dev.vitals.schemas.remotewrite.Sample;
import dev.vitals.schemas.remotewrite.TimeSeries;
import dev.vitals.schemas.remotewrite.WriteRequest;
import dev.vitals.schemas.testing.Mutations;
import dev.vitals.schemas.testing.Mutations.Mutation;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.opentelemetry.proto.resource.v1.Resource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.Size;
import org.xerial.snappy.Snappy;

/**
 * Every body parser of the HTTP listener, fed mutated valid bodies and plain garbage: each input
 * parses (and then splits into records) or is refused with the pipeline's client error, {@link
 * ExportPipeline.MalformedException} or a subclass, whose message names no exception class; never
 * another exception, and never slowly. The listener turns these into 400, 413 or 429.
 */
@Tag("fuzz")
class BodyParsersFuzzTest {

  private static final long MAX_BYTES = 256 * 1024;
  private static final long SLOW_NANOS = Duration.ofSeconds(2).toNanos();
  private static final IngestMetrics METRICS =
      new IngestMetrics(new PrometheusRegistry(), () -> 0, 1);

  /** A qualified exception class name: what a client error message must never show. */
  private static final java.util.regex.Pattern CLASS_NAME =
      java.util.regex.Pattern.compile("\\b[a-z]+(\\.[a-z0-9]+)+\\.[A-Z]\\w*(Exception|Error)\\b");

  private static final RecordSplitter SPLITTER = new RecordSplitter(16 * 1024);

  @Property
  void otlpBodiesParseOrAreRefusedAsClientErrors(
      @ForAll OtlpSignal signal,
      @ForAll boolean json,
      @ForAll boolean gzip,
      @ForAll("names") String serviceName,
      @ForAll("names") String namespace,
      @ForAll("mutations") List<Mutation> mutations) {
    Message request = withService(OtlpExamples.of(signal), serviceName, namespace);
    byte[] plain = json ? OtlpExamples.json(request) : request.toByteArray();
    byte[] body = Mutations.apply(gzip ? gzip(plain) : plain, mutations);

    assertCleanOrClientError(signal, otlp(signal, body, json, gzip));
  }

  /** Unmutated seeds parse: otherwise the mutations would only ever explore refusals. */
  @Example
  void theSeedsThemselvesParse() throws ExportPipeline.MalformedException {
    for (OtlpSignal signal : OtlpSignal.values()) {
      for (boolean json : new boolean[] {false, true}) {
        Message request = withService(OtlpExamples.of(signal), "svc", "ns");
        byte[] body = json ? OtlpExamples.json(request) : request.toByteArray();
        assertThat(otlp(signal, gzip(body), json, true).parse().message(signal)).isEqualTo(request);
      }
    }
  }

  @Property
  void garbageIsRefusedAsAClientError(
      @ForAll OtlpSignal signal,
      @ForAll boolean json,
      @ForAll boolean gzip,
      @ForAll @Size(max = 2048) byte[] body) {
    assertCleanOrClientError(signal, otlp(signal, body, json, gzip));
  }

  @Property
  void remoteWriteBodiesParseOrAreRefusedAsClientErrors(
      @ForAll("series") List<TimeSeries> series,
      @ForAll boolean mutateBeforeSnappy,
      @ForAll("mutations") List<Mutation> mutations)
      throws IOException {
    byte[] protobuf = RemoteWriteCodec.encode(new WriteRequest(series));
    byte[] body =
        mutateBeforeSnappy
            ? Snappy.compress(Mutations.apply(protobuf, mutations))
            : Mutations.apply(Snappy.compress(protobuf), mutations);
    ExportPipeline.Parser parser =
        new RemoteWriteRoute(MAX_BYTES, Duration.ofSeconds(1), METRICS)
            .parser(body, new DefaultHttpHeaders(), reservation());

    assertCleanOrClientError(OtlpSignal.METRICS, parser);
  }

  private static ExportPipeline.Parser otlp(
      OtlpSignal signal, byte[] body, boolean json, boolean gzip) {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set(HttpHeaderNames.CONTENT_TYPE, json ? OtlpHttpRoute.JSON : OtlpHttpRoute.PROTOBUF);
    if (gzip) {
      headers.set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
    }
    return new OtlpHttpRoute(signal, MAX_BYTES, Duration.ofSeconds(1))
        .parser(body, headers, reservation());
  }

  /** The property: a clean parse that also splits, or a precise client error; fast either way. */
  private static void assertCleanOrClientError(OtlpSignal signal, ExportPipeline.Parser parser) {
    long started = System.nanoTime();
    try {
      ExportPipeline.Parsed parsed = parser.parse();
      SPLITTER.split(signal, parsed);
    } catch (ExportPipeline.MalformedException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContainPattern(CLASS_NAME);
    }
    assertThat(System.nanoTime() - started).isLessThan(SLOW_NANOS);
  }

  private static Reservation reservation() {
    return Reservation.tryAcquire(new InFlightLimiter(4 * MAX_BYTES), 0);
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return Mutations.some(6);
  }

  /** Names as clients send them, and as attackers do: empty, slashes, control and wide chars. */
  @Provide
  Arbitrary<String> names() {
    return Arbitraries.oneOf(
        Arbitraries.of("", "svc", "coll/ide", "a%2Fb", "..", "=cmd|' /C calc'!A0", "\u0000"),
        Arbitraries.strings().all().ofMaxLength(40));
  }

  @Provide
  Arbitrary<List<TimeSeries>> series() {
    Arbitrary<Label> labels =
        Combinators.combine(
                Arbitraries.oneOf(
                    Arbitraries.of("__name__", "job", "instance", "service_name", "le"), names()),
                names())
            .as(Label::new);
    Arbitrary<Sample> samples =
        Combinators.combine(
                Arbitraries.oneOf(
                    Arbitraries.doubles(),
                    Arbitraries.of(
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        Double.longBitsToDouble(Sample.STALE_NAN_BITS))),
                Arbitraries.oneOf(
                    Arbitraries.longs(), Arbitraries.longs().between(0, 4_000_000_000_000L)))
            .as(Sample::new);
    return Combinators.combine(labels.list().ofMaxSize(5), samples.list().ofMaxSize(3))
        .as(TimeSeries::new)
        .list()
        .ofMaxSize(4);
  }

  /** The request with every resource replaced by one naming the given service. */
  private static Message withService(Message request, String name, String namespace) {
    Message.Builder b = request.toBuilder();
    var resources = b.getDescriptorForType().getFields().get(0);
    Resource resource =
        Resource.newBuilder()
            .addAttributes(OtlpResources.stringKeyValue("service.name", name))
            .addAttributes(OtlpResources.stringKeyValue("service.namespace", namespace))
            .build();
    for (int i = 0; i < b.getRepeatedFieldCount(resources); i++) {
      Message.Builder entry = ((Message) b.getRepeatedField(resources, i)).toBuilder();
      entry.setField(entry.getDescriptorForType().findFieldByName("resource"), resource);
      b.setRepeatedField(resources, i, entry.build());
    }
    return b.build();
  }

  static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
