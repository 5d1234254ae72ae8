package dev.vitals.schemas.remotewrite;

import static com.google.protobuf.CodedOutputStream.computeDoubleSize;
import static com.google.protobuf.CodedOutputStream.computeEnumSize;
import static com.google.protobuf.CodedOutputStream.computeInt64Size;
import static com.google.protobuf.CodedOutputStream.computeStringSize;
import static com.google.protobuf.CodedOutputStream.computeTagSize;
import static com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes one {@code WriteRequest} in the canonical proto3 form: fields in number order, default
 * values left out, so the bytes equal those of protobuf's own serializer.
 */
final class RemoteWriteEncoder {

  private final CodedOutputStream out;

  private RemoteWriteEncoder(byte[] buffer) {
    out = CodedOutputStream.newInstance(buffer);
  }

  static byte[] encode(WriteRequest request) {
    byte[] buffer = new byte[writeRequestSize(request)];
    try {
      new RemoteWriteEncoder(buffer).writeRequest(request);
    } catch (IOException e) {
      throw new UncheckedIOException("encoding into a sized array cannot fail", e);
    }
    return buffer;
  }

  private void writeRequest(WriteRequest request) throws IOException {
    for (TimeSeries series : request.timeseries()) {
      header(1, timeSeriesSize(series));
      timeSeries(series);
    }
    for (MetricMetadata metadata : request.metadata()) {
      header(3, metadataSize(metadata));
      metadata(metadata);
    }
    out.checkNoSpaceLeft();
  }

  private void timeSeries(TimeSeries series) throws IOException {
    for (Label label : series.labels()) {
      header(1, labelSize(label));
      string(1, label.name());
      string(2, label.value());
    }
    for (Sample sample : series.samples()) {
      header(2, sampleSize(sample));
      if (Double.doubleToRawLongBits(sample.value()) != 0) {
        out.writeDouble(1, sample.value());
      }
      if (sample.timestampMs() != 0) {
        out.writeInt64(2, sample.timestampMs());
      }
    }
  }

  private void metadata(MetricMetadata metadata) throws IOException {
    if (metadata.type().number() != 0) {
      out.writeEnum(1, metadata.type().number());
    }
    string(2, metadata.metricFamilyName());
    string(4, metadata.help());
    string(5, metadata.unit());
  }

  private void header(int fieldNumber, int size) throws IOException {
    out.writeTag(fieldNumber, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(size);
  }

  private void string(int fieldNumber, String value) throws IOException {
    if (!value.isEmpty()) {
      out.writeString(fieldNumber, value);
    }
  }

  private static int writeRequestSize(WriteRequest request) {
    int size = 0;
    for (TimeSeries series : request.timeseries()) {
      size += messageSize(1, timeSeriesSize(series));
    }
    for (MetricMetadata metadata : request.metadata()) {
      size += messageSize(3, metadataSize(metadata));
    }
    return size;
  }

  private static int timeSeriesSize(TimeSeries series) {
    int size = 0;
    for (Label label : series.labels()) {
      size += messageSize(1, labelSize(label));
    }
    for (Sample sample : series.samples()) {
      size += messageSize(2, sampleSize(sample));
    }
    return size;
  }

  private static int labelSize(Label label) {
    return stringSize(1, label.name()) + stringSize(2, label.value());
  }

  private static int sampleSize(Sample sample) {
    int size = Double.doubleToRawLongBits(sample.value()) == 0 ? 0 : computeDoubleSize(1, 0);
    return size + (sample.timestampMs() == 0 ? 0 : computeInt64Size(2, sample.timestampMs()));
  }

  private static int metadataSize(MetricMetadata metadata) {
    int number = metadata.type().number();
    return (number == 0 ? 0 : computeEnumSize(1, number))
        + stringSize(2, metadata.metricFamilyName())
        + stringSize(4, metadata.help())
        + stringSize(5, metadata.unit());
  }

  private static int messageSize(int fieldNumber, int size) {
    return computeTagSize(fieldNumber) + computeUInt32SizeNoTag(size) + size;
  }

  private static int stringSize(int fieldNumber, String value) {
    return value.isEmpty() ? 0 : computeStringSize(fieldNumber, value);
  }
}
