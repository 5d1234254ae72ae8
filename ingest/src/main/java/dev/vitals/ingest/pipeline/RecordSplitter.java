package dev.vitals.ingest.pipeline;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.vitals.ingest.otlp.OtlpSignal;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an export request into Kafka record values: one resource per record (docs/architecture.md,
 * "Stages and the Kafka contract"), each value itself a valid {@code Export*ServiceRequest}. A
 * resource larger than the record limit is split by scope, then by metric, log record or span, then
 * (for metrics) by data point; only a single item that alone exceeds the limit is rejected, and
 * counted.
 */
public final class RecordSplitter {

  /** Field 1 (the resource entries), length-delimited: the same in all three requests. */
  private static final int RESOURCE_ENTRY_TAG =
      (1 << 3) | com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED;

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
  // Carries encoded bytes between steps; never compared or hashed, so array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  public record Part(Resource resource, byte[] value) {}

  /** The parts of a request, its item count, and the items that could not fit into any record. */
  public record Split(List<Part> parts, long items, long rejectedItems) {}

  public Split split(OtlpSignal signal, Message request) {
    return split(signal, request, null);
  }

  /**
   * Splits a parsed request. A walked one (binary protobuf the {@link RequestWalker} vouched for)
   * is sliced without a message tree, unless a resource is over the limit: that one needs the tree
   * to be split piece by piece, so the request is parsed after all.
   */
  public Split split(OtlpSignal signal, ExportPipeline.Parsed parsed)
      throws ExportPipeline.MalformedException {
    RequestWalker.Walk walk = parsed.walk();
    if (walk != null) {
      Split sliced = slice(walk, parsed.wire());
      if (sliced != null) {
        return sliced;
      }
    }
    return split(signal, parsed.message(signal), parsed.wire());
  }

  /** Every entry of the walk as its own record value; null if one is over the limit. */
  private Split slice(RequestWalker.Walk walk, byte[] wire) {
    List<Part> parts = new ArrayList<>(walk.entries().size());
    for (RequestWalker.Entry entry : walk.entries()) {
      if (entry.size() > maxValueBytes) {
        return null;
      }
      parts.add(
          new Part(
              entry.resource(), java.util.Arrays.copyOfRange(wire, entry.start(), entry.end())));
    }
    return new Split(parts, walk.items(), 0);
  }

  /**
   * Splits a request that was parsed from {@code wire} (binary protobuf), or null. With the wire
   * bytes, a resource that fits is not serialized again: the record value is the slice of the
   * request that holds it (its field-1 tag, length and bytes form a valid single-resource request).
   * Only resources over the limit are rebuilt piece by piece.
   */
  public Split split(OtlpSignal signal, Message request, byte[] wire) {
    if (wire != null) {
      Split sliced = slice(signal, request, wire);
      if (sliced != null) {
        return sliced;
      }
    }
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
    return new Split(parts, signal.countItems(request), rejected[0]);
  }

  /** The wire-slicing path of {@link #split(OtlpSignal, Message, byte[])}; null if it cannot. */
  private Split slice(OtlpSignal signal, Message request, byte[] wire) {
    FieldDescriptor resources = signal.resourcesField();
    int count = request.getRepeatedFieldCount(resources);
    List<Part> parts = new ArrayList<>(count);
    long[] rejected = {0};
    CodedInputStream in = CodedInputStream.newInstance(wire);
    int index = 0;
    try {
      while (!in.isAtEnd()) {
        int start = in.getTotalBytesRead();
        int tag = in.readTag();
        if (tag != RESOURCE_ENTRY_TAG) {
          in.skipField(tag);
          continue;
        }
        in.skipRawBytes(in.readRawVarint32());
        int end = in.getTotalBytesRead();
        if (index >= count) {
          return null;
        }
        Message entry = (Message) request.getRepeatedField(resources, index++);
        Resource resource =
            (Resource) entry.getField(entry.getDescriptorForType().findFieldByNumber(1));
        if (end - start <= maxValueBytes) {
          parts.add(new Part(resource, java.util.Arrays.copyOfRange(wire, start, end)));
        } else {
          for (Message piece : fit(entry, maxValueBytes - NESTING_OVERHEAD, rejected)) {
            parts.add(new Part(resource, singleResource(signal, piece)));
          }
        }
      }
    } catch (java.io.IOException e) {
      return null; // the bytes parsed once already; should not happen, so take the slow path
    }
    return index == count ? new Split(parts, signal.countItems(request), rejected[0]) : null;
  }

  private static byte[] singleResource(OtlpSignal signal, Message entry) {
    return signal
        .requestPrototype()
        .newBuilderForType()
        .addRepeatedField(signal.resourcesField(), entry)
        .build()
        .toByteArray();
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
