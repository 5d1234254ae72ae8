package dev.vitals.ingest.pipeline;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.vitals.ingest.otlp.OtlpSignal;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an export request into Kafka record values: one resource per record (DESIGN §3), each value
 * itself a valid {@code Export*ServiceRequest}. A resource larger than the record limit is split by
 * scope, then by metric, log record or span, then (for metrics) by data point; only a single item
 * that alone exceeds the limit is rejected, and counted.
 */
public final class RecordSplitter {

  /** Room left in each value for the length prefixes of the enclosing messages. */
  private static final int NESTING_OVERHEAD = 16;

  private static final java.util.Set<String> CONTAINERS =
      java.util.Set.of(
          "ResourceMetrics",
          "ResourceLogs",
          "ResourceSpans",
          "ScopeMetrics",
          "ScopeLogs",
          "ScopeSpans");
  private static final java.util.Set<String> METRIC_DATA =
      java.util.Set.of("Gauge", "Sum", "Histogram", "ExponentialHistogram", "Summary");

  private final int maxValueBytes;

  /**
   * @param maxValueBytes the largest record value to produce
   */
  public RecordSplitter(int maxValueBytes) {
    if (maxValueBytes < 1024) {
      throw new IllegalArgumentException(
          "maxValueBytes: " + maxValueBytes + " (expected: >= 1024)");
    }
    this.maxValueBytes = maxValueBytes;
  }

  /** One record's worth: the resource it belongs to and the serialized single-resource request. */
  public record Part(Resource resource, byte[] value) {}

  /** The parts of a request, and what could not be fitted into any record. */
  public record Split(List<Part> parts, long rejectedItems) {}

  public Split split(OtlpSignal signal, Message request) {
    FieldDescriptor resources = signal.resourcesField();
    int count = request.getRepeatedFieldCount(resources);
    List<Part> parts = new ArrayList<>(count);
    long[] rejected = {0};
    for (int i = 0; i < count; i++) {
      Message entry = (Message) request.getRepeatedField(resources, i);
      Resource resource =
          (Resource) entry.getField(entry.getDescriptorForType().findFieldByNumber(1));
      for (Message piece : fit(entry, maxValueBytes - NESTING_OVERHEAD, rejected)) {
        byte[] value =
            signal
                .requestPrototype()
                .newBuilderForType()
                .addRepeatedField(resources, piece)
                .build()
                .toByteArray();
        parts.add(new Part(resource, value));
      }
    }
    return new Split(parts, rejected[0]);
  }

  /**
   * Splits {@code message} into messages of the same type, each at most {@code budget} bytes, that
   * together hold everything it held. Items that cannot fit alone are counted in {@code rejected}
   * and left out.
   */
  private static List<Message> fit(Message message, int budget, long[] rejected) {
    if (message.getSerializedSize() <= budget) {
      return List.of(message);
    }
    if (message instanceof Metric metric) {
      return fitMetric(metric, budget, rejected);
    }
    FieldDescriptor items = splitField(message);
    if (items == null || message.getRepeatedFieldCount(items) == 0) {
      rejected[0] += 1;
      return List.of();
    }
    Message base = message.toBuilder().clearField(items).build();
    int baseSize = base.getSerializedSize();
    int childBudget = budget - baseSize - NESTING_OVERHEAD;
    List<Message> out = new ArrayList<>();
    Message.Builder current = base.toBuilder();
    int currentSize = baseSize;
    int currentCount = 0;
    int n = message.getRepeatedFieldCount(items);
    for (int i = 0; i < n; i++) {
      Message item = (Message) message.getRepeatedField(items, i);
      for (Message piece : fit(item, childBudget, rejected)) {
        int size = CodedOutputStream.computeMessageSize(items.getNumber(), piece);
        if (currentCount > 0 && currentSize + size > budget) {
          out.add(current.build());
          current = base.toBuilder();
          currentSize = baseSize;
          currentCount = 0;
        }
        current.addRepeatedField(items, piece);
        currentSize += size;
        currentCount++;
      }
    }
    if (currentCount > 0) {
      out.add(current.build());
    }
    return out;
  }

  /** A metric splits by data point, keeping its name, unit and type in every piece. */
  private static List<Message> fitMetric(Metric metric, int budget, long[] rejected) {
    FieldDescriptor dataField =
        metric.getDescriptorForType().findFieldByNumber(dataFieldNumber(metric));
    if (dataField == null) {
      rejected[0] += 1;
      return List.of();
    }
    Message data = (Message) metric.getField(dataField);
    int envelope = metric.getSerializedSize() - data.getSerializedSize();
    List<Message> out = new ArrayList<>();
    for (Message piece : fit(data, budget - envelope - NESTING_OVERHEAD, rejected)) {
      out.add(metric.toBuilder().setField(dataField, piece).build());
    }
    return out;
  }

  private static int dataFieldNumber(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> Metric.GAUGE_FIELD_NUMBER;
      case SUM -> Metric.SUM_FIELD_NUMBER;
      case HISTOGRAM -> Metric.HISTOGRAM_FIELD_NUMBER;
      case EXPONENTIAL_HISTOGRAM -> Metric.EXPONENTIAL_HISTOGRAM_FIELD_NUMBER;
      case SUMMARY -> Metric.SUMMARY_FIELD_NUMBER;
      case DATA_NOT_SET -> -1;
    };
  }

  /**
   * The repeated field a message splits along: scopes of a resource entry, items of a scope (both
   * field 2), data points of a metric's data (field 1). Leaves (a data point, a log record, a span)
   * have none.
   */
  private static FieldDescriptor splitField(Message message) {
    String name = message.getDescriptorForType().getName();
    int number;
    if (CONTAINERS.contains(name)) {
      number = 2;
    } else if (METRIC_DATA.contains(name)) {
      number = 1;
    } else {
      return null;
    }
    FieldDescriptor field = message.getDescriptorForType().findFieldByNumber(number);
    return field != null && field.isRepeated() ? field : null;
  }
}
