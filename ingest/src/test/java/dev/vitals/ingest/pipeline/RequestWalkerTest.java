package dev.vitals.ingest.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.vitals.ingest.OtlpExamples;
import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.schemas.otlp.OtlpResources;
import dev.vitals.schemas.testing.Mutations;
import dev.vitals.schemas.testing.Mutations.Mutation;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The walked path (no message tree) against the parsed path it replaces: for every body, the same
 * records (bytes, resources and so keys), the same item counts, or the same error message.
 */
class RequestWalkerTest {

  private static final String TENANT = "t1";

  /** A record limit that splits the large seed's resources, and one that slices them all. */
  private static final RecordSplitter SMALL = new RecordSplitter(1024);

  private static final RecordSplitter LARGE = new RecordSplitter(1 << 20);

  @Property(tries = 3000)
  void mutatedBodiesGiveTheSameRecordsOrTheSameErrorAsTheParsedTree(
      @ForAll("seeds") byte[] seed, @ForAll("mutations") List<Mutation> mutations) {
    byte[] body = Mutations.apply(seed, mutations);
    for (OtlpSignal signal : OtlpSignal.values()) {
      assertSameOutcome(signal, body, SMALL);
      assertSameOutcome(signal, body, LARGE);
    }
  }

  @Property(tries = 500)
  void garbageGivesTheSameErrorAsTheParsedTree(
      @ForAll byte[] body, @ForAll @IntRange(min = 0, max = 2) int signal) {
    assertSameOutcome(OtlpSignal.values()[signal], body, LARGE);
  }

  @Example
  void wellFormedRequestsOfEverySignalAreWalkedNotParsed() {
    for (OtlpSignal signal : OtlpSignal.values()) {
      byte[] body = OtlpExamples.of(signal).toByteArray();
      assertThat(RequestWalker.of(signal).walk(body)).as(signal.name()).isNotNull();
      assertSameOutcome(signal, body, LARGE);
    }
    byte[] rich = rich().toByteArray();
    RequestWalker.Walk walk = RequestWalker.of(OtlpSignal.METRICS).walk(rich);
    assertThat(walk).isNotNull();
    assertThat(walk.items()).isEqualTo(OtlpSignal.METRICS.countItems(rich()));
    assertThat(walk.entries()).hasSize(3);
  }

  @Example
  void unusualButValidEncodingsGiveTheSameRecordsAsTheParsedTree() throws IOException {
    byte[] rich = rich().toByteArray();
    ResourceMetrics entry = rich().getResourceMetrics(0);
    List<byte[]> bodies =
        List.of(
            new byte[0],
            // unknown fields at every level the walker sees
            rich().toBuilder()
                .setUnknownFields(
                    UnknownFieldSet.newBuilder()
                        .addField(
                            99,
                            UnknownFieldSet.Field.newBuilder()
                                .addVarint(7)
                                .addFixed64(1)
                                .addFixed32(2)
                                .addLengthDelimited(ByteString.copyFromUtf8("x"))
                                .build())
                        .build())
                .build()
                .toByteArray(),
            // a group in an unknown field, which protobuf keeps
            concat(rich, field(98, 3), field(98, 4)),
            // the resource given twice in one entry: protobuf merges them
            concat(
                rich,
                entryBytes(
                    concat(
                        message(1, entry.getResource().toByteArray()),
                        message(1, Resource.newBuilder().setDroppedAttributesCount(3).build())))),
            // a metric whose data is given twice (a oneof): protobuf keeps the last
            concat(rich, entryBytes(message(2, message(2, twoDataFields())))),
            // the request's resource entries field with the wrong wire type
            concat(rich, field(1, 0), new byte[] {5}),
            // a packed fixed64 field whose length is not a multiple of 8
            concat(rich, entryBytes(message(2, message(2, badPackedHistogram())))),
            // strings that are not UTF-8: short, and long with the bad byte past the first eight
            concat(
                rich, entryBytes(message(1, message(1, stringKeyValue(new byte[] {(byte) 0xC0}))))),
            concat(
                rich,
                entryBytes(
                    message(
                        1,
                        message(
                            1,
                            stringKeyValue(
                                concat(
                                    "service.name.is.long".getBytes(UTF_8),
                                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                                    "tail".getBytes(UTF_8))))))),
            // a long string, valid UTF-8, non-ASCII past the first eight bytes
            concat(
                rich,
                entryBytes(
                    message(
                        1, message(1, stringKeyValue("service.namespace:日本".getBytes(UTF_8)))))),
            // AnyValue nested beyond protobuf's recursion limit, and just within the walker's
            concat(rich, entryBytes(message(1, message(1, nestedKeyValue(120))))),
            concat(rich, entryBytes(message(1, message(1, nestedKeyValue(20))))));
    for (byte[] body : bodies) {
      assertSameOutcome(OtlpSignal.METRICS, body, SMALL);
      assertSameOutcome(OtlpSignal.METRICS, body, LARGE);
    }
  }

  /** The walked path and the parsed path agree on everything a client or a consumer sees. */
  private static void assertSameOutcome(OtlpSignal signal, byte[] body, RecordSplitter splitter) {
    Object old = oldPath(signal, body, splitter);
    Object walked;
    try {
      walked = splitter.split(signal, ExportPipeline.Parsed.protobuf(signal, body));
    } catch (ExportPipeline.MalformedException e) {
      walked = e.getMessage();
    }
    if (old instanceof String message) {
      assertThat(walked).isEqualTo(message);
      return;
    }
    assertThat(walked).isInstanceOf(RecordSplitter.Split.class);
    RecordSplitter.Split expected = (RecordSplitter.Split) old;
    RecordSplitter.Split actual = (RecordSplitter.Split) walked;
    assertThat(actual.items()).isEqualTo(expected.items());
    assertThat(actual.rejectedItems()).isEqualTo(expected.rejectedItems());
    assertThat(actual.parts()).hasSameSizeAs(expected.parts());
    for (int i = 0; i < expected.parts().size(); i++) {
      RecordSplitter.Part want = expected.parts().get(i);
      RecordSplitter.Part got = actual.parts().get(i);
      assertThat(got.value()).isEqualTo(want.value());
      assertThat(got.resource()).isEqualTo(want.resource());
      assertThat(OtlpResources.serviceKey(TENANT, got.resource()).toBytes())
          .isEqualTo(OtlpResources.serviceKey(TENANT, want.resource()).toBytes());
    }
  }

  /** What ingest did before the walker: parse the tree, count its items, slice or split it. */
  private static Object oldPath(OtlpSignal signal, byte[] body, RecordSplitter splitter) {
    Message request;
    try {
      request = signal.parse(body);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return "invalid protobuf "
          + signal.requestPrototype().getDescriptorForType().getName()
          + ": "
          + e.getMessage();
    }
    RecordSplitter.Split split = splitter.split(signal, request, body);
    assertThat(split.items()).isEqualTo(signal.countItems(request));
    return split;
  }

  @Provide
  Arbitrary<byte[]> seeds() {
    return Arbitraries.of(
        rich().toByteArray(),
        OtlpExamples.of(OtlpSignal.METRICS).toByteArray(),
        OtlpExamples.of(OtlpSignal.LOGS).toByteArray(),
        OtlpExamples.of(OtlpSignal.TRACES).toByteArray());
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return Mutations.some(4);
  }

  /** Every metric type, exemplars, nested attribute values and non-ASCII strings. */
  private static ExportMetricsServiceRequest rich() {
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    for (int r = 0; r < 3; r++) {
      Resource resource =
          Resource.newBuilder()
              .addAttributes(OtlpResources.stringKeyValue("service.name", "svc-ü-" + r))
              .addAttributes(OtlpResources.stringKeyValue("service.namespace", "shop"))
              .addAttributes(
                  KeyValue.newBuilder()
                      .setKey("nested")
                      .setValue(
                          AnyValue.newBuilder()
                              .setKvlistValue(
                                  KeyValueList.newBuilder()
                                      .addValues(OtlpResources.stringKeyValue("a", "日本"))
                                      .addValues(
                                          KeyValue.newBuilder()
                                              .setKey("list")
                                              .setValue(
                                                  AnyValue.newBuilder()
                                                      .setArrayValue(
                                                          ArrayValue.newBuilder()
                                                              .addValues(
                                                                  AnyValue.newBuilder()
                                                                      .setIntValue(-5))
                                                              .addValues(
                                                                  AnyValue.newBuilder()
                                                                      .setBytesValue(
                                                                          ByteString.copyFrom(
                                                                              new byte[] {
                                                                                (byte) 0xFF
                                                                              })))))))))
              .build();
      ScopeMetrics.Builder scope =
          ScopeMetrics.newBuilder()
              .setScope(InstrumentationScope.newBuilder().setName("lib").setVersion("1.0"))
              .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0");
      for (int m = 0; m < 6; m++) {
        scope.addMetrics(metric(m, r));
      }
      request.addResourceMetrics(
          ResourceMetrics.newBuilder().setResource(resource).addScopeMetrics(scope));
    }
    return request.build();
  }

  private static Metric metric(int m, int r) {
    KeyValue route = OtlpResources.stringKeyValue("http.route", "/cart/" + m);
    Exemplar exemplar =
        Exemplar.newBuilder()
            .setAsDouble(0.25)
            .setTimeUnixNano(1_700_000_000_000_000_000L)
            .setTraceId(ByteString.copyFrom(new byte[16]))
            .setSpanId(ByteString.copyFrom(new byte[8]))
            .addFilteredAttributes(route)
            .build();
    Metric.Builder metric = Metric.newBuilder().setName("m" + m).setUnit("ms").setDescription("d");
    switch (m) {
      case 0 ->
          metric.setGauge(
              Gauge.newBuilder()
                  .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(r).addAttributes(route))
                  .addDataPoints(NumberDataPoint.newBuilder().setAsInt(-r).addExemplars(exemplar)));
      case 1 ->
          metric.setSum(
              Sum.newBuilder()
                  .setIsMonotonic(true)
                  .setAggregationTemporality(
                      AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                  .addDataPoints(NumberDataPoint.newBuilder().setAsInt(42).setFlags(1)));
      case 2 -> {
        Histogram.Builder h = Histogram.newBuilder();
        for (int p = 0; p < 20; p++) {
          h.addDataPoints(
              HistogramDataPoint.newBuilder()
                  .addAttributes(route)
                  .setCount(10)
                  .setSum(3.5)
                  .setMin(0.1)
                  .addAllExplicitBounds(List.of(0.1, 1.0, 10.0))
                  .addAllBucketCounts(List.of(1L, 2L, 3L, 4L))
                  .addExemplars(exemplar));
        }
        metric.setHistogram(h);
      }
      case 3 ->
          metric.setExponentialHistogram(
              ExponentialHistogram.newBuilder()
                  .addDataPoints(
                      ExponentialHistogramDataPoint.newBuilder()
                          .setScale(-3)
                          .setCount(4)
                          .setZeroCount(1)
                          .setPositive(
                              ExponentialHistogramDataPoint.Buckets.newBuilder()
                                  .setOffset(-2)
                                  .addAllBucketCounts(List.of(1L, 300L, 1L << 40)))
                          .setNegative(
                              ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(1))));
      case 4 ->
          metric.setSummary(
              Summary.newBuilder()
                  .addDataPoints(
                      SummaryDataPoint.newBuilder()
                          .setCount(3)
                          .addQuantileValues(
                              SummaryDataPoint.ValueAtQuantile.newBuilder()
                                  .setQuantile(0.99)
                                  .setValue(7))));
      default -> metric.addMetadata(OtlpResources.stringKeyValue("k", "v")); // no data at all
    }
    return metric.build();
  }

  private static byte[] twoDataFields() throws IOException {
    return concat(
        message(1, "m".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        message(5, Gauge.newBuilder().addDataPoints(NumberDataPoint.getDefaultInstance()).build()),
        message(
            7,
            Sum.newBuilder()
                .addDataPoints(NumberDataPoint.getDefaultInstance())
                .addDataPoints(NumberDataPoint.getDefaultInstance())
                .build()),
        message(5, Gauge.newBuilder().addDataPoints(NumberDataPoint.getDefaultInstance()).build()));
  }

  private static byte[] badPackedHistogram() throws IOException {
    byte[] point = concat(message(6, new byte[] {1, 2, 3}));
    return concat(
        message(1, "h".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        message(9, message(1, point)));
  }

  private static byte[] stringKeyValue(byte[] key) throws IOException {
    return message(1, key);
  }

  private static byte[] nestedKeyValue(int depth) throws IOException {
    byte[] value = message(1, "leaf".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (int i = 0; i < depth; i++) {
      // AnyValue.array_value (5) holding an ArrayValue whose values (1) hold the inner AnyValue
      value = message(5, message(1, value));
    }
    return concat(
        message(1, "k".getBytes(java.nio.charset.StandardCharsets.UTF_8)), message(2, value));
  }

  /** One more resource entry (field 1 of the request) holding {@code content}. */
  private static byte[] entryBytes(byte[] content) throws IOException {
    return message(1, content);
  }

  private static byte[] message(int number, Message m) throws IOException {
    return message(number, m.toByteArray());
  }

  private static byte[] message(int number, byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    coded.writeByteArray(number, content);
    coded.flush();
    return out.toByteArray();
  }

  private static byte[] field(int number, int wireType) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    coded.writeTag(number, wireType);
    coded.flush();
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
