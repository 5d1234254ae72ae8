package dev.vitals.schemas.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.UnknownFieldSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteWriteCodecTest {

  private static final WriteRequest REQUEST =
      new WriteRequest(
          List.of(
              new TimeSeries(
                  List.of(
                      new Label("__name__", "http_requests_total"),
                      new Label("job", "shop/checkout"),
                      new Label("path", "/päy")),
                  List.of(
                      new Sample(12.5, 1_700_000_000_000L), new Sample(13, 1_700_000_015_000L))),
              new TimeSeries(
                  List.of(new Label("__name__", "up")),
                  List.of(new Sample(0, 0), new Sample(Double.NaN, -5)))),
          List.of(
              new MetricMetadata(MetricType.COUNTER, "http_requests", "Requests served.", ""),
              new MetricMetadata(MetricType.STATESET, "feature", "", "bytes")));

  @Test
  void encodedRequestDecodesToAnEqualRequest() {
    assertThat(RemoteWriteCodec.decode(RemoteWriteCodec.encode(REQUEST))).isEqualTo(REQUEST);
  }

  @Test
  void encoderWritesTheSameBytesAsProtobuf() {
    assertThat(RemoteWriteCodec.encode(REQUEST)).isEqualTo(dynamic(REQUEST).toByteArray());
  }

  @Test
  void decoderReadsBytesWrittenByProtobuf() {
    assertThat(RemoteWriteCodec.decode(dynamic(REQUEST).toByteArray())).isEqualTo(REQUEST);
  }

  @Test
  void staleMarkerKeepsItsNanBits() {
    double stale = Double.longBitsToDouble(Sample.STALE_NAN_BITS);
    WriteRequest request =
        new WriteRequest(
            List.of(
                new TimeSeries(
                    List.of(new Label("__name__", "up")), List.of(new Sample(stale, 1)))));

    Sample decoded =
        RemoteWriteCodec.decode(RemoteWriteCodec.encode(request))
            .timeseries()
            .get(0)
            .samples()
            .get(0);

    assertThat(decoded.isStaleMarker()).isTrue();
  }

  @Test
  void emptyBytesAreAnEmptyRequest() {
    assertThat(RemoteWriteCodec.decode(new byte[0])).isEqualTo(new WriteRequest(List.of()));
  }

  @Test
  void unknownFieldsAreSkippedAtEveryLevel() {
    UnknownFieldSet unknown =
        UnknownFieldSet.newBuilder()
            .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
            .addField(10, UnknownFieldSet.Field.newBuilder().addFixed32(1).build())
            .addField(11, UnknownFieldSet.Field.newBuilder().addFixed64(2).build())
            .addField(
                12,
                UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(ByteString.copyFromUtf8("x"))
                    .build())
            .addField(
                13,
                UnknownFieldSet.Field.newBuilder()
                    .addGroup(UnknownFieldSet.getDefaultInstance())
                    .build())
            .build();
    DynamicMessage label = withUnknown(label(new Label("__name__", "up")), unknown);
    DynamicMessage sample = withUnknown(sample(new Sample(1, 2)), unknown);
    DynamicMessage series =
        DynamicMessage.newBuilder(PrometheusProto.TIME_SERIES)
            .addRepeatedField(field(PrometheusProto.TIME_SERIES, "labels"), label)
            .addRepeatedField(field(PrometheusProto.TIME_SERIES, "samples"), sample)
            .setUnknownFields(exemplarsAndHistograms())
            .build();
    DynamicMessage request =
        DynamicMessage.newBuilder(PrometheusProto.WRITE_REQUEST)
            .addRepeatedField(field(PrometheusProto.WRITE_REQUEST, "timeseries"), series)
            .setUnknownFields(unknown)
            .build();

    assertThat(RemoteWriteCodec.decode(request.toByteArray()))
        .isEqualTo(
            new WriteRequest(
                List.of(
                    new TimeSeries(
                        List.of(new Label("__name__", "up")), List.of(new Sample(1, 2))))));
  }

  @Test
  void truncatedInputIsRejectedNamingTheField() {
    byte[] bytes = RemoteWriteCodec.encode(REQUEST);

    assertThatThrownBy(() -> RemoteWriteCodec.decode(Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(RemoteWriteFormatException.class)
        .hasMessageContaining("truncated message")
        .hasMessageStartingWith("metadata[1]");
  }

  @Test
  void truncatedSampleValueIsRejectedNamingTheField() throws IOException {
    byte[] bytes =
        write(
            out -> {
              out.writeTag(1, 2);
              out.writeUInt32NoTag(6);
              out.writeTag(2, 2); // samples[0], 4 bytes long
              out.writeUInt32NoTag(4);
              out.writeTag(1, 1); // value: fixed64 with 3 of its 8 bytes
              out.writeRawBytes(new byte[] {0, 0, 0});
            });

    assertThatThrownBy(() -> RemoteWriteCodec.decode(bytes))
        .isInstanceOf(RemoteWriteFormatException.class)
        .hasMessage("timeseries[0].samples[0].value: truncated message");
  }

  @Test
  void wrongWireTypeIsRejectedNamingTheField() throws IOException {
    byte[] sample = write(out -> out.writeString(2, "1700000000000"));
    byte[] bytes =
        write(
            out -> {
              out.writeTag(1, 2);
              out.writeUInt32NoTag(CodedOutputStream.computeByteArraySize(2, sample));
              out.writeByteArray(2, sample);
            });

    assertThatThrownBy(() -> RemoteWriteCodec.decode(bytes))
        .isInstanceOf(RemoteWriteFormatException.class)
        .hasMessage("timeseries[0].samples[0].timestamp: wrong wire type 2 (expected: 0)");
  }

  @Test
  void lengthBeyondTheEnclosingMessageIsRejected() throws IOException {
    byte[] bytes =
        write(
            out -> {
              out.writeTag(1, 2);
              out.writeUInt32NoTag(1000);
              out.writeRawBytes(new byte[10]);
            });

    assertThatThrownBy(() -> RemoteWriteCodec.decode(bytes))
        .isInstanceOf(RemoteWriteFormatException.class)
        .hasMessage("timeseries[0]: truncated message (length 1000, 10 bytes left)");
  }

  @Test
  void invalidUtf8InALabelIsRejected() throws IOException {
    byte[] label = write(out -> out.writeByteArray(2, new byte[] {(byte) 0xc3, (byte) 0x28}));
    byte[] series = write(out -> out.writeByteArray(1, label));
    byte[] bytes = write(out -> out.writeByteArray(1, series));

    assertThatThrownBy(() -> RemoteWriteCodec.decode(bytes))
        .isInstanceOf(RemoteWriteFormatException.class)
        .hasMessageStartingWith("timeseries[0].labels[0].value: ")
        .hasMessageContaining("UTF-8");
  }

  @Test
  void unknownMetricTypeNumberReadsAsUnknown() throws IOException {
    byte[] metadata = write(out -> out.writeEnum(1, 42));
    byte[] bytes = write(out -> out.writeByteArray(3, metadata));

    assertThat(RemoteWriteCodec.decode(bytes).metadata())
        .containsExactly(new MetricMetadata(MetricType.UNKNOWN, "", "", ""));
  }

  private static DynamicMessage dynamic(WriteRequest request) {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(PrometheusProto.WRITE_REQUEST);
    for (TimeSeries series : request.timeseries()) {
      builder.addRepeatedField(field(PrometheusProto.WRITE_REQUEST, "timeseries"), series(series));
    }
    for (MetricMetadata metadata : request.metadata()) {
      builder.addRepeatedField(
          field(PrometheusProto.WRITE_REQUEST, "metadata"), metadata(metadata));
    }
    return builder.build();
  }

  private static DynamicMessage series(TimeSeries series) {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(PrometheusProto.TIME_SERIES);
    series
        .labels()
        .forEach(
            l -> builder.addRepeatedField(field(PrometheusProto.TIME_SERIES, "labels"), label(l)));
    series
        .samples()
        .forEach(
            s ->
                builder.addRepeatedField(field(PrometheusProto.TIME_SERIES, "samples"), sample(s)));
    return builder.build();
  }

  private static DynamicMessage label(Label label) {
    return DynamicMessage.newBuilder(PrometheusProto.LABEL)
        .setField(field(PrometheusProto.LABEL, "name"), label.name())
        .setField(field(PrometheusProto.LABEL, "value"), label.value())
        .build();
  }

  private static DynamicMessage sample(Sample sample) {
    return DynamicMessage.newBuilder(PrometheusProto.SAMPLE)
        .setField(field(PrometheusProto.SAMPLE, "value"), sample.value())
        .setField(field(PrometheusProto.SAMPLE, "timestamp"), sample.timestampMs())
        .build();
  }

  private static DynamicMessage metadata(MetricMetadata metadata) {
    Descriptor d = PrometheusProto.METRIC_METADATA;
    return DynamicMessage.newBuilder(d)
        .setField(
            field(d, "type"), d.getEnumTypes().get(0).findValueByNumber(metadata.type().number()))
        .setField(field(d, "metric_family_name"), metadata.metricFamilyName())
        .setField(field(d, "help"), metadata.help())
        .setField(field(d, "unit"), metadata.unit())
        .build();
  }

  private static UnknownFieldSet exemplarsAndHistograms() {
    ByteString exemplar =
        ByteString.copyFrom(new byte[] {0x11, 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f});
    return UnknownFieldSet.newBuilder()
        .addField(3, UnknownFieldSet.Field.newBuilder().addLengthDelimited(exemplar).build())
        .addField(
            4, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.EMPTY).build())
        .build();
  }

  private static DynamicMessage withUnknown(DynamicMessage message, UnknownFieldSet unknown) {
    return message.toBuilder().setUnknownFields(unknown).build();
  }

  private static com.google.protobuf.Descriptors.FieldDescriptor field(Descriptor d, String name) {
    return d.findFieldByName(name);
  }

  private static byte[] write(Writes writes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    writes.to(out);
    out.flush();
    return bytes.toByteArray();
  }

  @FunctionalInterface
  private interface Writes {
    void to(CodedOutputStream out) throws IOException;
  }
}
