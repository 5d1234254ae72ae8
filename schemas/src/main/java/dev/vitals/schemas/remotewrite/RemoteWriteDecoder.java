package dev.vitals.schemas.remotewrite;

import static com.google.protobuf.WireFormat.WIRETYPE_FIXED64;
import static com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED;
import static com.google.protobuf.WireFormat.WIRETYPE_VARINT;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads one {@code WriteRequest}; not thread-safe, one instance per message. */
final class RemoteWriteDecoder {

  private final CodedInputStream in;
  private final FieldPath path = new FieldPath();

  private RemoteWriteDecoder(byte[] bytes) {
    in = CodedInputStream.newInstance(bytes);
  }

  static WriteRequest decode(byte[] bytes) {
    RemoteWriteDecoder decoder = new RemoteWriteDecoder(bytes);
    try {
      decoder.in.pushLimit(bytes.length);
      return decoder.writeRequest();
    } catch (IOException e) {
      throw decoder.failure(describe(e), e);
    }
  }

  private WriteRequest writeRequest() throws IOException {
    List<TimeSeries> series = new ArrayList<>();
    List<MetricMetadata> metadata = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> series.add(message(tag, "timeseries", series.size(), this::timeSeries));
        case 3 -> metadata.add(message(tag, "metadata", metadata.size(), this::metricMetadata));
        default -> skip(tag);
      }
    }
    return new WriteRequest(series, metadata);
  }

  private TimeSeries timeSeries() throws IOException {
    List<Label> labels = new ArrayList<>();
    List<Sample> samples = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> labels.add(message(tag, "labels", labels.size(), this::label));
        case 2 -> samples.add(message(tag, "samples", samples.size(), this::sample));
        default -> skip(tag); // exemplars = 3 and histograms = 4 are not carried
      }
    }
    return new TimeSeries(labels, samples);
  }

  private Label label() throws IOException {
    String name = "";
    String value = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> name = string(tag, "name");
        case 2 -> value = string(tag, "value");
        default -> skip(tag);
      }
    }
    return new Label(name, value);
  }

  private Sample sample() throws IOException {
    double value = 0;
    long timestampMs = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> value = doubleValue(tag, "value");
        case 2 -> timestampMs = int64(tag, "timestamp");
        default -> skip(tag);
      }
    }
    return new Sample(value, timestampMs);
  }

  private MetricMetadata metricMetadata() throws IOException {
    MetricType type = MetricType.UNKNOWN;
    String family = "";
    String help = "";
    String unit = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> type = MetricType.forNumber((int) int64(tag, "type"));
        case 2 -> family = string(tag, "metric_family_name");
        case 4 -> help = string(tag, "help");
        case 5 -> unit = string(tag, "unit");
        default -> skip(tag);
      }
    }
    return new MetricMetadata(type, family, help, unit);
  }

  private <T> T message(int tag, String name, int index, Body<T> body) throws IOException {
    path.enter(name, index);
    expectWireType(tag, WIRETYPE_LENGTH_DELIMITED);
    int length = in.readRawVarint32();
    int left = in.getBytesUntilLimit();
    if (length < 0 || length > left) {
      throw failure("truncated message (length " + length + ", " + left + " bytes left)", null);
    }
    int outerLimit = in.pushLimit(length);
    T value = body.read();
    in.popLimit(outerLimit);
    path.exit();
    return value;
  }

  private String string(int tag, String name) throws IOException {
    path.enter(name);
    expectWireType(tag, WIRETYPE_LENGTH_DELIMITED);
    String value = in.readStringRequireUtf8();
    path.exit();
    return value;
  }

  private double doubleValue(int tag, String name) throws IOException {
    path.enter(name);
    expectWireType(tag, WIRETYPE_FIXED64);
    double value = in.readDouble();
    path.exit();
    return value;
  }

  private long int64(int tag, String name) throws IOException {
    path.enter(name);
    expectWireType(tag, WIRETYPE_VARINT);
    long value = in.readInt64();
    path.exit();
    return value;
  }

  private void skip(int tag) throws IOException {
    path.enterUnknown(WireFormat.getTagFieldNumber(tag));
    in.skipField(tag);
    path.exit();
  }

  private void expectWireType(int tag, int expected) {
    int actual = WireFormat.getTagWireType(tag);
    if (actual != expected) {
      throw failure("wrong wire type " + actual + " (expected: " + expected + ")", null);
    }
  }

  private RemoteWriteFormatException failure(String what, Throwable cause) {
    return new RemoteWriteFormatException(path + ": " + what, cause);
  }

  private static String describe(IOException e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof InvalidProtocolBufferException && message.contains("truncated")) {
      return "truncated message";
    }
    return message;
  }

  @FunctionalInterface
  private interface Body<T> {
    T read() throws IOException;
  }
}
