package dev.vitals.schemas.remotewrite;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;

/**
 * Prometheus's {@code prompb} messages as a descriptor built by hand, so that protobuf's own
 * DynamicMessage serves as the independent encoder the codec is checked against.
 */
final class PrometheusProto {

  static final Descriptor WRITE_REQUEST;
  static final Descriptor TIME_SERIES;
  static final Descriptor LABEL;
  static final Descriptor SAMPLE;
  static final Descriptor METRIC_METADATA;

  static {
    FileDescriptorProto file =
        FileDescriptorProto.newBuilder()
            .setName("prometheus/remote.proto")
            .setPackage("prometheus")
            .setSyntax("proto3")
            .addMessageType(
                message("WriteRequest")
                    .addField(field("timeseries", 1, Type.TYPE_MESSAGE, ".prometheus.TimeSeries"))
                    .addField(
                        field("metadata", 3, Type.TYPE_MESSAGE, ".prometheus.MetricMetadata")))
            .addMessageType(
                message("TimeSeries")
                    .addField(field("labels", 1, Type.TYPE_MESSAGE, ".prometheus.Label"))
                    .addField(field("samples", 2, Type.TYPE_MESSAGE, ".prometheus.Sample")))
            .addMessageType(
                message("Label")
                    .addField(single("name", 1, Type.TYPE_STRING))
                    .addField(single("value", 2, Type.TYPE_STRING)))
            .addMessageType(
                message("Sample")
                    .addField(single("value", 1, Type.TYPE_DOUBLE))
                    .addField(single("timestamp", 2, Type.TYPE_INT64)))
            .addMessageType(
                message("MetricMetadata")
                    .addEnumType(metricType())
                    .addField(
                        single("type", 1, Type.TYPE_ENUM)
                            .setTypeName(".prometheus.MetricMetadata.MetricType"))
                    .addField(single("metric_family_name", 2, Type.TYPE_STRING))
                    .addField(single("help", 4, Type.TYPE_STRING))
                    .addField(single("unit", 5, Type.TYPE_STRING)))
            .build();
    try {
      FileDescriptor descriptor = FileDescriptor.buildFrom(file, new FileDescriptor[0]);
      WRITE_REQUEST = descriptor.findMessageTypeByName("WriteRequest");
      TIME_SERIES = descriptor.findMessageTypeByName("TimeSeries");
      LABEL = descriptor.findMessageTypeByName("Label");
      SAMPLE = descriptor.findMessageTypeByName("Sample");
      METRIC_METADATA = descriptor.findMessageTypeByName("MetricMetadata");
    } catch (DescriptorValidationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private PrometheusProto() {}

  private static DescriptorProto.Builder message(String name) {
    return DescriptorProto.newBuilder().setName(name);
  }

  private static FieldDescriptorProto.Builder field(
      String name, int number, Type type, String typeName) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setNumber(number)
        .setType(type)
        .setTypeName(typeName)
        .setLabel(Label.LABEL_REPEATED);
  }

  private static FieldDescriptorProto.Builder single(String name, int number, Type type) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setNumber(number)
        .setType(type)
        .setLabel(Label.LABEL_OPTIONAL);
  }

  private static EnumDescriptorProto metricType() {
    EnumDescriptorProto.Builder type = EnumDescriptorProto.newBuilder().setName("MetricType");
    String[] names = {
      "UNKNOWN", "COUNTER", "GAUGE", "HISTOGRAM", "GAUGEHISTOGRAM", "SUMMARY", "INFO", "STATESET"
    };
    for (int i = 0; i < names.length; i++) {
      type.addValue(EnumValueDescriptorProto.newBuilder().setName(names[i]).setNumber(i));
    }
    return type.build();
  }
}
