package dev.vitals.ingest.pipeline;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.vitals.ingest.otlp.OtlpSignal;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks a binary protobuf export request without building its message tree, the way the
 * OpenTelemetry Collector's Kafka exporter avoids a second unmarshal: it checks the bytes as the
 * protobuf parser would (tags, lengths, varints, nesting, packed fields, UTF-8 of every string
 * field), counts the items (data points, log records, spans) and finds each resource entry's byte
 * range and its {@link Resource}.
 *
 * <p>It vouches only for input it fully understands. Anything unusual (a group, a known field with
 * an unexpected wire type, a resource or a oneof given twice in one message, very deep nesting, any
 * malformed byte) gives {@code null}, and the caller parses the request with protobuf, whose answer
 * (an error message included) is then the one given. So a request walked here is one protobuf would
 * have parsed, with the same item count and the same resource entries.
 */
final class RequestWalker {

  private static final Map<OtlpSignal, RequestWalker> WALKERS = new EnumMap<>(OtlpSignal.class);

  static {
    for (OtlpSignal signal : OtlpSignal.values()) {
      WALKERS.put(signal, new RequestWalker(signal));
    }
  }

  /** Wire types. */
  private static final int VARINT = 0;

  private static final int FIXED64 = 1;
  private static final int LENGTH = 2;
  private static final int FIXED32 = 5;

  /** Below protobuf's default recursion limit of 100, so that we never accept what it refuses. */
  private static final int MAX_DEPTH = 64;

  /** Eight bytes of the request at a time, to find non-ASCII bytes (their high bit set). */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ASCII_MASK = 0x8080808080808080L;

  /** Field 1, length-delimited: a request's resource entries and an entry's Resource alike. */
  private static final int FIELD_1_MESSAGE = (1 << 3) | LENGTH;

  /** One resource entry: its Resource and the byte range of its field in the request. */
  record Entry(Resource resource, int start, int end) {
    int size() {
      return end - start;
    }
  }

  /** What a walk found: the request's item count and its resource entries, in order. */
  record Walk(long items, List<Entry> entries) {}

  private final Layout request;

  private RequestWalker(OtlpSignal signal) {
    Set<Descriptor> itemHolders =
        switch (signal) {
          case METRICS ->
              Set.of(
                  Gauge.getDescriptor(),
                  Sum.getDescriptor(),
                  Histogram.getDescriptor(),
                  ExponentialHistogram.getDescriptor(),
                  Summary.getDescriptor());
          case LOGS -> Set.of(ScopeLogs.getDescriptor());
          case TRACES -> Set.of(ScopeSpans.getDescriptor());
        };
    // Data points are field 1 of a metric's data; log records and spans field 2 of their scope.
    int itemField = signal == OtlpSignal.METRICS ? 1 : 2;
    this.request =
        Layout.of(
            signal.requestPrototype().getDescriptorForType(),
            itemHolders,
            itemField,
            new HashMap<>());
  }

  static RequestWalker of(OtlpSignal signal) {
    return WALKERS.get(signal);
  }

  /** The request's items and entries, or null when only protobuf's own parser may judge it. */
  Walk walk(byte[] wire) {
    try {
      return new Cursor(wire).request(request);
    } catch (CannotVouch e) {
      return null;
    }
  }

  /** The walk met something it does not vouch for; stackless, as it is an answer, not a bug. */
  private static final class CannotVouch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CannotVouch() {
      super(null, null, false, false);
    }
  }

  /** How to check the fields of one message type, by field number. */
  private static final class Layout {
    static final byte UNKNOWN = 0;
    static final byte NUMBER_VARINT = 1;
    static final byte NUMBER_FIXED64 = 2;
    static final byte NUMBER_FIXED32 = 3;
    static final byte STRING = 4;
    static final byte BYTES = 5;
    static final byte MESSAGE = 6;
    static final byte REFUSED = 7;

    final byte[] kinds;
    final boolean[] repeated;
    final int[] oneofBits;
    final Layout[] messages;
    final int itemField;

    private Layout(int maxNumber, int itemField) {
      this.kinds = new byte[maxNumber + 1];
      this.repeated = new boolean[maxNumber + 1];
      this.oneofBits = new int[maxNumber + 1];
      this.messages = new Layout[maxNumber + 1];
      this.itemField = itemField;
    }

    static Layout of(
        Descriptor type, Set<Descriptor> itemHolders, int itemField, Map<Descriptor, Layout> done) {
      Layout known = done.get(type);
      if (known != null) {
        return known;
      }
      int max = type.getFields().stream().mapToInt(FieldDescriptor::getNumber).max().orElse(0);
      Layout layout = new Layout(max, itemHolders.contains(type) ? itemField : -1);
      done.put(type, layout);
      List<OneofDescriptor> oneofs = type.getOneofs();
      if (oneofs.size() > 31) {
        throw new IllegalStateException("more than 31 oneofs in " + type.getFullName());
      }
      for (FieldDescriptor field : type.getFields()) {
        int n = field.getNumber();
        layout.repeated[n] = field.isRepeated();
        OneofDescriptor oneof = field.getRealContainingOneof();
        layout.oneofBits[n] = oneof == null ? 0 : 1 << oneof.getIndex();
        layout.kinds[n] = kind(field);
        if (layout.kinds[n] == MESSAGE) {
          layout.messages[n] = of(field.getMessageType(), itemHolders, itemField, done);
        }
      }
      return layout;
    }

    private static byte kind(FieldDescriptor field) {
      return switch (field.getType()) {
        case INT32, INT64, UINT32, UINT64, SINT32, SINT64, BOOL, ENUM -> NUMBER_VARINT;
        case FIXED64, SFIXED64, DOUBLE -> NUMBER_FIXED64;
        case FIXED32, SFIXED32, FLOAT -> NUMBER_FIXED32;
        case STRING -> STRING;
        case BYTES -> BYTES;
        case MESSAGE -> field.isMapField() ? REFUSED : MESSAGE;
        case GROUP -> REFUSED;
      };
    }

    byte kind(int number) {
      return number < kinds.length ? kinds[number] : UNKNOWN;
    }
  }

  /** One walk's position and findings. */
  private static final class Cursor {
    private final byte[] buf;
    private int pos;
    private long items;

    Cursor(byte[] buf) {
      this.buf = buf;
    }

    Walk request(Layout request) {
      Layout entry = request.messages[1];
      List<Entry> entries = new ArrayList<>();
      int end = buf.length;
      while (pos < end) {
        int start = pos;
        int tag = tag(end);
        if (tag == FIELD_1_MESSAGE) {
          int stop = length(end);
          entries.add(new Entry(entry(entry, stop), start, stop));
        } else {
          field(request, tag, end, 0);
        }
      }
      return new Walk(items, entries);
    }

    /** A resource entry up to {@code stop}; returns its Resource. */
    private Resource entry(Layout entry, int stop) {
      Layout resource = entry.messages[1];
      int resourceStart = -1;
      int resourceEnd = -1;
      int oneofsSeen = 0;
      while (pos < stop) {
        int tag = tag(stop);
        if (tag == FIELD_1_MESSAGE) {
          if (resourceStart >= 0) {
            throw new CannotVouch(); // protobuf would merge the two
          }
          int end = length(stop);
          resourceStart = pos;
          resourceEnd = end;
          message(resource, end, 2);
        } else {
          oneofsSeen = field(entry, tag, stop, 1, oneofsSeen);
        }
      }
      if (resourceStart < 0) {
        return Resource.getDefaultInstance();
      }
      try {
        return Resource.parser()
            .parseFrom(
                UnsafeByteOperations.unsafeWrap(buf, resourceStart, resourceEnd - resourceStart));
      } catch (InvalidProtocolBufferException e) {
        throw new CannotVouch();
      }
    }

    /** The fields of a message of {@code layout}, up to {@code end}, nested {@code depth} deep. */
    private void message(Layout layout, int end, int depth) {
      if (depth > MAX_DEPTH) {
        throw new CannotVouch();
      }
      int oneofsSeen = 0;
      while (pos < end) {
        oneofsSeen = field(layout, tag(end), end, depth, oneofsSeen);
      }
    }

    private void field(Layout layout, int tag, int end, int depth) {
      field(layout, tag, end, depth, 0);
    }

    /** One field's value, its tag read; returns the oneofs of the message seen so far. */
    private int field(Layout layout, int tag, int end, int depth, int oneofsSeen) {
      int number = tag >>> 3;
      int wireType = tag & 7;
      byte kind = layout.kind(number);
      if (kind == Layout.UNKNOWN) {
        skipUnknown(wireType, end);
        return oneofsSeen;
      }
      int oneof = layout.oneofBits[number];
      if ((oneofsSeen & oneof) != 0) {
        throw new CannotVouch(); // protobuf keeps the last, or merges: leave it to protobuf
      }
      boolean packed = wireType == LENGTH && layout.repeated[number];
      switch (kind) {
        case Layout.NUMBER_VARINT -> {
          if (wireType == VARINT) {
            varint(end);
          } else if (packed) {
            int stop = length(end);
            while (pos < stop) {
              varint(stop);
            }
          } else {
            throw new CannotVouch();
          }
        }
        case Layout.NUMBER_FIXED64 -> fixed(wireType, FIXED64, 8, packed, end);
        case Layout.NUMBER_FIXED32 -> fixed(wireType, FIXED32, 4, packed, end);
        case Layout.STRING -> {
          expect(wireType, LENGTH);
          int stop = length(end);
          utf8(pos, stop);
          pos = stop;
        }
        case Layout.BYTES -> {
          expect(wireType, LENGTH);
          pos = length(end);
        }
        case Layout.MESSAGE -> {
          expect(wireType, LENGTH);
          int stop = length(end);
          if (number == layout.itemField) {
            items++;
          }
          message(layout.messages[number], stop, depth + 1);
        }
        default -> throw new CannotVouch();
      }
      return oneofsSeen | oneof;
    }

    private void fixed(int wireType, int expected, int width, boolean packed, int end) {
      if (wireType == expected) {
        skip(width, end);
      } else if (packed) {
        int stop = length(end);
        if ((stop - pos) % width != 0) {
          throw new CannotVouch();
        }
        pos = stop;
      } else {
        throw new CannotVouch();
      }
    }

    private void skipUnknown(int wireType, int end) {
      switch (wireType) {
        case VARINT -> varint(end);
        case FIXED64 -> skip(8, end);
        case LENGTH -> pos = length(end);
        case FIXED32 -> skip(4, end);
        default -> throw new CannotVouch(); // groups and invalid wire types
      }
    }

    private static void expect(int wireType, int expected) {
      if (wireType != expected) {
        throw new CannotVouch();
      }
    }

    private void skip(int n, int end) {
      if (end - pos < n) {
        throw new CannotVouch();
      }
      pos += n;
    }

    /** A tag: a varint of at most 32 bits with a field number of at least 1. */
    private int tag(int end) {
      long tag = varint(end);
      if (tag >>> 32 != 0 || (tag >>> 3) == 0) {
        throw new CannotVouch();
      }
      return (int) tag;
    }

    /** A length and its bytes' bounds: returns where they end. */
    private int length(int end) {
      int start = pos;
      long n = varint(end);
      if (pos - start > 5 || n < 0 || n > end - pos) {
        throw new CannotVouch();
      }
      return pos + (int) n;
    }

    private long varint(int end) {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new CannotVouch();
        }
        byte b = buf[pos++];
        value |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new CannotVouch();
    }

    /** Checks UTF-8 as protobuf does for proto3 strings; ASCII, the usual case, eight at a time. */
    private void utf8(int from, int to) {
      int i = from;
      for (; i + 8 <= to; i += 8) {
        if (((long) LONGS.get(buf, i) & ASCII_MASK) != 0) {
          break;
        }
      }
      for (; i < to; i++) {
        if (buf[i] < 0) {
          ByteString bytes = UnsafeByteOperations.unsafeWrap(buf, from, to - from);
          if (!bytes.isValidUtf8()) {
            throw new CannotVouch();
          }
          return;
        }
      }
    }
  }
}
