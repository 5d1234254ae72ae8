package dev.vitals.streams.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metrics reader reads a record from its bytes: whatever it reads must be what the protobuf
 * parser reads, down to the stream identities that key the state.
 */
class MetricsRecordTest {

  private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  @Test
  void readingTheBytesGivesWhatTheParsedRequestGives() throws IOException {
    for (ExportMetricsServiceRequest request : requests()) {
      byte[] bytes = request.toByteArray();

      MetricsRecord decoded = MetricsRecord.decode(bytes);

      assertThat(describe(decoded)).isEqualTo(describe(MetricsRecord.of(request)));
    }
  }

  @Test
  void bytesWrittenOtherwiseThanProtobufWritesThemReadTheSame() throws IOException {
    ExportMetricsServiceRequest request =
        OtlpFixtures.metrics(
            "api",
            OtlpFixtures.explicit(
                true, 1_000, 2_000, BOUNDS, counts(11), OtlpFixtures.str("http.route", "/a")));
    byte[] canonical = request.toByteArray();
    List<byte[]> variants =
        List.of(
            unpackedAndReordered(),
            boundsInSeveralRuns(),
            withNonMinimalAttributeLength(),
            withUnknownFields());
    for (byte[] bytes : variants) {
      ExportMetricsServiceRequest parsed = ExportMetricsServiceRequest.parseFrom(bytes);

      assertThat(describe(MetricsRecord.read(bytes)))
          .isEqualTo(describe(MetricsRecord.of(parsed)))
          .isEqualTo(describe(MetricsRecord.of(ExportMetricsServiceRequest.parseFrom(canonical))));
    }
    // read in place, not left to the parser: bounds in runs are valid protobuf
    assertThat(describe(MetricsRecord.decode(boundsInSeveralRuns())))
        .isEqualTo(describe(MetricsRecord.of(ExportMetricsServiceRequest.parseFrom(canonical))));
  }

  @Test
  void attributesThatShareAMemoSlotAreEachReadAsWritten() {
    // two routes whose attribute bytes fall into the same slot of the record's attribute memo
    String first = "/a0";
    String second = null;
    int slot = slot(first);
    for (int i = 1; second == null; i++) {
      if (slot("/a" + i) == slot) {
        second = "/a" + i;
      }
    }
    List<Metric> metrics = new java.util.ArrayList<>();
    for (String route : List.of(first, second, first, first, second)) {
      metrics.add(
          OtlpFixtures.explicit(
              true, 1_000, 2_000, BOUNDS, counts(11), OtlpFixtures.str("http.route", route)));
    }
    ExportMetricsServiceRequest request =
        OtlpFixtures.metrics("api", metrics.toArray(new Metric[0]));

    String decoded = describe(MetricsRecord.decode(request.toByteArray()));

    assertThat(decoded).isEqualTo(describe(MetricsRecord.of(request)));
    assertThat(decoded).contains(first).contains(second);
  }

  private static int slot(String route) {
    byte[] kv = OtlpFixtures.str("http.route", route).toByteArray();
    return PointAttributes.Memo.slot(kv, 0, kv.length);
  }

  @Test
  void bytesThatAreNotAMetricsRequestFailAsTheParserFails() throws IOException {
    byte[] poison = {0x0a, 0x7f, 0x01};
    byte[] badUtf8 =
        OtlpFixtures.metrics(
                "api",
                OtlpFixtures.explicit(true, 1_000, 2_000, BOUNDS, counts(11)).toBuilder()
                    .setDescription("#~#")
                    .build())
            .toByteArray();
    int at = indexOf(badUtf8, new byte[] {'#', '~', '#'});
    badUtf8[at] = (byte) 0xC3; // a lead byte, then '~': not UTF-8 (protobuf checks proto3 strings)

    // a point without a recorded value, whose packed bounds end inside a double
    byte[] truncatedBounds =
        wrap(
            message(
                out -> {
                  out.writeString(Metric.NAME_FIELD_NUMBER, "http.server.request.duration");
                  out.writeString(Metric.UNIT_FIELD_NUMBER, "s");
                  out.writeByteArray(
                      Metric.HISTOGRAM_FIELD_NUMBER,
                      message(
                          histogram ->
                              histogram.writeByteArray(
                                  1,
                                  message(
                                      point -> {
                                        point.writeUInt32(HistogramDataPoint.FLAGS_FIELD_NUMBER, 1);
                                        point.writeTag(
                                            HistogramDataPoint.EXPLICIT_BOUNDS_FIELD_NUMBER,
                                            com.google.protobuf.WireFormat
                                                .WIRETYPE_LENGTH_DELIMITED);
                                        point.writeUInt32NoTag(7);
                                        point.writeRawBytes(new byte[7]);
                                      }))));
                }));

    assertThatThrownBy(() -> MetricsRecord.read(poison))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> MetricsRecord.read(truncatedBounds))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> MetricsRecord.read(badUtf8))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  private static List<ExportMetricsServiceRequest> requests() {
    Metric explicitDelta =
        OtlpFixtures.explicit(
                false,
                1_000,
                2_000,
                BOUNDS,
                counts(11),
                OtlpFixtures.str("http.route", "/items/{id}"),
                OtlpFixtures.num("http.response.status_code", 503),
                OtlpFixtures.str("route", "/größe"),
                kv("flag", AnyValue.newBuilder().setBoolValue(true).build()),
                OtlpFixtures.str("http.route", "/second"))
            .toBuilder()
            .build();
    HistogramDataPoint withMinMax =
        explicitDelta.getHistogram().getDataPoints(0).toBuilder()
            .setMin(0.001)
            .setMax(4)
            .addExemplars(
                Exemplar.newBuilder().setTraceId(OtlpFixtures.traceId(7)).setAsDouble(0.2))
            .build();
    Metric millis =
        explicitDelta.toBuilder()
            .setName("http.server.duration")
            .setUnit("ms")
            .setHistogram(
                explicitDelta.getHistogram().toBuilder()
                    .clearDataPoints()
                    .addDataPoints(withMinMax))
            .build();
    HistogramDataPoint flagged =
        withMinMax.toBuilder()
            .setFlags(1)
            .clearAttributes()
            .addAttributes(OtlpFixtures.str("a", "b"))
            .build();
    HistogramDataPoint malformed =
        withMinMax.toBuilder().clearBucketCounts().addBucketCounts(3).addBucketCounts(4).build();
    HistogramDataPoint noBuckets =
        withMinMax.toBuilder().clearBucketCounts().clearExplicitBounds().setCount(9).build();
    // bounds that differ from the point before, then the first bounds again, then bounds of the
    // same length as the first with one value changed: each read as written, none as the last
    HistogramDataPoint otherBounds =
        withMinMax.toBuilder()
            .clearExplicitBounds()
            .addAllExplicitBounds(List.of(0.1, 1.0))
            .clearBucketCounts()
            .addAllBucketCounts(List.of(1L, 2L, 3L))
            .build();
    HistogramDataPoint oneBoundChanged = withMinMax.toBuilder().setExplicitBounds(3, 0.06).build();
    Metric several =
        millis.toBuilder()
            .setHistogram(
                millis.getHistogram().toBuilder()
                    .addDataPoints(flagged)
                    .addDataPoints(malformed)
                    .addDataPoints(noBuckets)
                    .addDataPoints(otherBounds)
                    .addDataPoints(withMinMax)
                    .addDataPoints(oneBoundChanged)
                    .addDataPoints(withMinMax))
            .build();
    Metric rpc =
        OtlpFixtures.exponential(
            true,
            1_000,
            2_000,
            3,
            new double[] {0.01, 0.02, 0.4, 3},
            OtlpFixtures.str("rpc.service", "Cart"),
            OtlpFixtures.str("rpc.method", "Add"),
            OtlpFixtures.str("rpc.grpc.status_code", " 2 "),
            OtlpFixtures.str("error.type", ""),
            OtlpFixtures.str("", "no key"),
            OtlpFixtures.num("negative", -5));
    Metric rpcCall = rpc.toBuilder().setName("rpc.server.call.duration").build();
    Metric gauge =
        Metric.newBuilder()
            .setName("jvm.memory.used")
            .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder().setAsInt(5)))
            .build();
    Metric redGauge = gauge.toBuilder().setName("http.server.request.duration").build();
    ExportMetricsServiceRequest one =
        OtlpFixtures.metrics("api", explicitDelta, several, gauge, redGauge);
    ExportMetricsServiceRequest two =
        OtlpFixtures.metrics("web", rpc, rpcCall).toBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(OtlpFixtures.resource("db"))
                    .addScopeMetrics(
                        OtlpFixtures.metrics("db", explicitDelta)
                            .getResourceMetrics(0)
                            .getScopeMetrics(0)))
            .build();
    return List.of(one, two, ExportMetricsServiceRequest.getDefaultInstance());
  }

  /** The request of the test above, written with unpacked repeated fields and fields reordered. */
  private static byte[] unpackedAndReordered() throws IOException {
    byte[] attribute = OtlpFixtures.str("http.route", "/a").toByteArray();
    byte[] point =
        message(
            out -> {
              for (long c : counts(11)) {
                out.writeFixed64(HistogramDataPoint.BUCKET_COUNTS_FIELD_NUMBER, c);
              }
              out.writeFixed64(
                  HistogramDataPoint.TIME_UNIX_NANO_FIELD_NUMBER, 2_000 * OtlpFixtures.MS);
              for (double b : BOUNDS) {
                out.writeDouble(HistogramDataPoint.EXPLICIT_BOUNDS_FIELD_NUMBER, b);
              }
              out.writeByteArray(HistogramDataPoint.ATTRIBUTES_FIELD_NUMBER, attribute);
              out.writeFixed64(HistogramDataPoint.COUNT_FIELD_NUMBER, 66);
              out.writeFixed64(
                  HistogramDataPoint.START_TIME_UNIX_NANO_FIELD_NUMBER, 1_000 * OtlpFixtures.MS);
            });
    byte[] histogram =
        message(
            out -> {
              out.writeEnum(2, 2); // cumulative, before the points
              out.writeByteArray(1, point);
            });
    byte[] metric =
        message(
            out -> {
              out.writeByteArray(Metric.HISTOGRAM_FIELD_NUMBER, histogram);
              out.writeString(Metric.UNIT_FIELD_NUMBER, "s");
              out.writeString(Metric.NAME_FIELD_NUMBER, "http.server.request.duration");
            });
    return wrap(metric);
  }

  /** The bounds as two packed runs, a single value, then another packed run (all valid). */
  private static byte[] boundsInSeveralRuns() throws IOException {
    byte[] attribute = OtlpFixtures.str("http.route", "/a").toByteArray();
    byte[] point =
        message(
            out -> {
              out.writeFixed64(
                  HistogramDataPoint.START_TIME_UNIX_NANO_FIELD_NUMBER, 1_000 * OtlpFixtures.MS);
              out.writeFixed64(
                  HistogramDataPoint.TIME_UNIX_NANO_FIELD_NUMBER, 2_000 * OtlpFixtures.MS);
              out.writeFixed64(HistogramDataPoint.COUNT_FIELD_NUMBER, 66);
              for (long c : counts(11)) {
                out.writeFixed64(HistogramDataPoint.BUCKET_COUNTS_FIELD_NUMBER, c);
              }
              int[][] runs = {{0, 3}, {3, 6}, {7, BOUNDS.length}};
              for (int r = 0; r < runs.length; r++) {
                out.writeTag(
                    HistogramDataPoint.EXPLICIT_BOUNDS_FIELD_NUMBER,
                    com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag((runs[r][1] - runs[r][0]) * 8);
                for (int i = runs[r][0]; i < runs[r][1]; i++) {
                  out.writeDoubleNoTag(BOUNDS[i]);
                }
                if (r == 1) {
                  out.writeDouble(HistogramDataPoint.EXPLICIT_BOUNDS_FIELD_NUMBER, BOUNDS[6]);
                }
              }
              out.writeByteArray(HistogramDataPoint.ATTRIBUTES_FIELD_NUMBER, attribute);
            });
    return cumulativeRequestDuration(point);
  }

  private static byte[] withNonMinimalAttributeLength() throws IOException {
    byte[] canonical =
        OtlpFixtures.metrics(
                "api",
                OtlpFixtures.explicit(
                    true, 1_000, 2_000, BOUNDS, counts(11), OtlpFixtures.str("http.route", "/a")))
            .getResourceMetrics(0)
            .getScopeMetrics(0)
            .getMetrics(0)
            .getHistogram()
            .getDataPoints(0)
            .toBuilder()
            .clearAttributes()
            .build()
            .toByteArray();
    // key "http.route" with its length written in two bytes (0x8A 0x00)
    byte[] attribute =
        concat(
            new byte[] {0x0A, (byte) 0x8A, 0x00},
            "http.route".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            new byte[] {0x12, 0x04, 0x0A, 0x02, '/', 'a'});
    byte[] point =
        message(
            out -> {
              out.writeRawBytes(canonical);
              out.writeByteArray(HistogramDataPoint.ATTRIBUTES_FIELD_NUMBER, attribute);
            });
    return cumulativeRequestDuration(point);
  }

  private static byte[] withUnknownFields() {
    Metric metric =
        OtlpFixtures.explicit(
            true, 1_000, 2_000, BOUNDS, counts(11), OtlpFixtures.str("http.route", "/a"));
    UnknownFieldSet unknown =
        UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(5).build())
            .build();
    HistogramDataPoint p =
        metric.getHistogram().getDataPoints(0).toBuilder().setUnknownFields(unknown).build();
    Metric withUnknown =
        metric.toBuilder()
            .setHistogram(metric.getHistogram().toBuilder().setDataPoints(0, p))
            .setUnknownFields(unknown)
            .build();
    return OtlpFixtures.metrics("api", withUnknown).toBuilder()
        .setUnknownFields(unknown)
        .build()
        .toByteArray();
  }

  /** A request of one cumulative http.server.request.duration histogram of {@code point}. */
  private static byte[] cumulativeRequestDuration(byte[] point) throws IOException {
    byte[] histogram =
        message(
            out -> {
              out.writeByteArray(1, point);
              out.writeEnum(2, 2);
            });
    byte[] metric =
        message(
            out -> {
              out.writeString(Metric.NAME_FIELD_NUMBER, "http.server.request.duration");
              out.writeString(Metric.UNIT_FIELD_NUMBER, "s");
              out.writeByteArray(Metric.HISTOGRAM_FIELD_NUMBER, histogram);
            });
    return wrap(metric);
  }

  private static byte[] wrap(byte[] metric) throws IOException {
    ExportMetricsServiceRequest shell = OtlpFixtures.metrics("api");
    ResourceMetrics rm = shell.getResourceMetrics(0);
    byte[] scope =
        concat(rm.getScopeMetrics(0).toByteArray(), message(out -> out.writeByteArray(2, metric)));
    byte[] resourceMetrics =
        message(
            out -> {
              out.writeByteArray(2, scope);
              out.writeByteArray(1, rm.getResource().toByteArray());
            });
    return message(out -> out.writeByteArray(1, resourceMetrics));
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Writer writer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    writer.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  private static long[] counts(int n) {
    long[] c = new long[n];
    for (int i = 0; i < n; i++) {
      c[i] = i + 1;
    }
    return c;
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static String describe(MetricsRecord r) {
    StringBuilder sb = new StringBuilder();
    for (MetricsRecord.ResourcePart p : r.resources) {
      sb.append("resource ").append(p.resource()).append(p.resourceHash()).append('\n');
    }
    for (MetricsRecord.Histogram h : r.histograms) {
      sb.append("histogram ")
          .append(hex(h.metricId()))
          .append(' ')
          .append(h.factor())
          .append(' ')
          .append(h.exponential())
          .append(' ')
          .append(h.cumulative())
          .append(' ')
          .append(h.resource().resourceHash())
          .append('\n');
      for (MetricsRecord.Point p : h.points()) {
        sb.append("  point ")
            .append(p.startNanos())
            .append(' ')
            .append(p.timeNanos())
            .append(' ')
            .append(buckets(p.buckets()))
            .append(' ')
            .append(p.min())
            .append(' ')
            .append(p.max())
            .append(" op=")
            .append(Semconv.operation(p.attributes()))
            .append(" failed=")
            .append(Semconv.failed(p.attributes()))
            .append(" id=")
            .append(hex(p.attributes().identity(new StreamIdentity())))
            .append(" exemplars=")
            .append(p.exemplars())
            .append('\n');
      }
    }
    return sb.toString();
  }

  private static String hex(StreamIdentity id) {
    return HexFormat.of().formatHex(id.toBytes());
  }

  private static String buckets(HistogramBuckets b) {
    if (b == null) {
      return "malformed";
    }
    if (b instanceof HistogramBuckets.Explicit) {
      HistogramBuckets.Explicit e = (HistogramBuckets.Explicit) b;
      return "explicit " + Arrays.toString(e.bounds()) + Arrays.toString(e.counts());
    }
    HistogramBuckets.Exponential x = (HistogramBuckets.Exponential) b;
    return "exponential "
        + x.scale()
        + ' '
        + x.zeroThreshold()
        + ' '
        + x.zeroCount()
        + ' '
        + x.offset()
        + Arrays.toString(x.counts());
  }
}
