package dev.vitals.streams.window;

import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link MetricsReader} takes from a metrics record: its resources, and the points of its RED
 * histograms ({@link Semconv#secondsPerUnit}), in the record's order. {@link #decode} walks the
 * protobuf bytes without building the message tree; {@link #of} takes an already parsed request.
 * Both give the same view.
 */
final class MetricsRecord {

  /** A resource of the record: its attributes and service key source. */
  record ResourcePart(Resource resource, long resourceHash) {}

  /** One RED histogram metric of a resource and scope. */
  record Histogram(
      ResourcePart resource,
      StreamIdentity metricId,
      double factor,
      boolean exponential,
      boolean cumulative,
      List<Point> points) {}

  /**
   * One point not flagged "no recorded value".
   *
   * @param buckets its buckets; null when its bucket and bound counts do not match (malformed)
   * @param min the minimum, NaN when absent
   * @param max the maximum, NaN when absent
   */
  record Point(
      long startNanos,
      long timeNanos,
      HistogramBuckets buckets,
      double min,
      double max,
      PointAttributes attributes,
      List<Exemplar> exemplars) {}

  private static final int NO_RECORDED_VALUE = 1;

  final List<ResourcePart> resources = new ArrayList<>(1);
  final List<Histogram> histograms = new ArrayList<>(1);

  private MetricsRecord() {}

  // ---- from a parsed request ----

  static MetricsRecord of(ExportMetricsServiceRequest request) {
    MetricsRecord out = new MetricsRecord();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      ResourcePart resource = out.resource(rm.getResource());
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric metric : sm.getMetricsList()) {
          out.add(resource, sm.getScope(), metric);
        }
      }
    }
    return out;
  }

  private ResourcePart resource(Resource resource) {
    ResourcePart part =
        new ResourcePart(
            resource, new StreamIdentity().attributes(resource.getAttributesList()).resourceHash());
    resources.add(part);
    return part;
  }

  private static StreamIdentity scopeId(Resource resource, InstrumentationScope scope) {
    return new StreamIdentity(new StreamIdentity().attributes(resource.getAttributesList()))
        .text(scope.getName())
        .text(scope.getVersion());
  }

  private void add(ResourcePart resource, InstrumentationScope scope, Metric metric) {
    double factor = Semconv.secondsPerUnit(metric.getName(), metric.getUnit());
    if (factor == 0) {
      return;
    }
    StreamIdentity id =
        new StreamIdentity(scopeId(resource.resource(), scope))
            .text(metric.getName())
            .text(metric.getUnit());
    List<Point> points = new ArrayList<>();
    switch (metric.getDataCase()) {
      case HISTOGRAM:
        for (HistogramDataPoint p : metric.getHistogram().getDataPointsList()) {
          if ((p.getFlags() & NO_RECORDED_VALUE) == 0) {
            points.add(point(p));
          }
        }
        histograms.add(
            new Histogram(
                resource,
                id,
                factor,
                false,
                cumulative(metric.getHistogram().getAggregationTemporality()),
                points));
        break;
      case EXPONENTIAL_HISTOGRAM:
        for (ExponentialHistogramDataPoint p :
            metric.getExponentialHistogram().getDataPointsList()) {
          if ((p.getFlags() & NO_RECORDED_VALUE) == 0) {
            points.add(point(p));
          }
        }
        histograms.add(
            new Histogram(
                resource,
                id,
                factor,
                true,
                cumulative(metric.getExponentialHistogram().getAggregationTemporality()),
                points));
        break;
      default:
        break;
    }
  }

  private static boolean cumulative(AggregationTemporality t) {
    return t == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
  }

  private static Point point(HistogramDataPoint p) {
    long[] counts = new long[p.getBucketCountsCount()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = p.getBucketCounts(i);
    }
    double[] bounds = new double[p.getExplicitBoundsCount()];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = p.getExplicitBounds(i);
    }
    return new Point(
        p.getStartTimeUnixNano(),
        p.getTimeUnixNano(),
        explicit(bounds, counts, p.getCount()),
        p.hasMin() ? p.getMin() : Double.NaN,
        p.hasMax() ? p.getMax() : Double.NaN,
        PointAttributes.of(p.getAttributesList()),
        p.getExemplarsList());
  }

  private static Point point(ExponentialHistogramDataPoint p) {
    ExponentialHistogramDataPoint.Buckets positive = p.getPositive();
    long[] counts = new long[positive.getBucketCountsCount()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = positive.getBucketCounts(i);
    }
    return new Point(
        p.getStartTimeUnixNano(),
        p.getTimeUnixNano(),
        new HistogramBuckets.Exponential(
            p.getScale(), p.getZeroThreshold(), p.getZeroCount(), positive.getOffset(), counts),
        Double.NaN,
        Double.NaN,
        PointAttributes.of(p.getAttributesList()),
        p.getExemplarsList());
  }

  /** Explicit buckets; the count alone when there are no buckets; null when malformed. */
  private static HistogramBuckets explicit(double[] bounds, long[] counts, long count) {
    if (counts.length == 0) {
      return new HistogramBuckets.Explicit(new double[0], new long[] {count});
    }
    if (counts.length != bounds.length + 1) {
      return null;
    }
    return new HistogramBuckets.Explicit(bounds, counts);
  }

  // ---- from the bytes ----

  /**
   * The record read by {@link #decode}, or, when that does not read it, by the full protobuf parser
   * (which throws for bytes that are not a metrics request).
   */
  static MetricsRecord read(byte[] bytes) throws InvalidProtocolBufferException {
    try {
      return decode(bytes);
    } catch (RuntimeException e) {
      return of(ExportMetricsServiceRequest.parseFrom(bytes));
    }
  }

  /**
   * Reads a metrics record from its protobuf bytes. Throws {@link WireReader.Malformed} for
   * anything it does not read as protobuf would (damaged bytes, a singular message written twice,
   * groups, a RED metric with two kinds of data); the caller then parses the record in full.
   */
  static MetricsRecord decode(byte[] bytes) {
    MetricsRecord out = new MetricsRecord();
    WireReader in = new WireReader(bytes, 0, bytes.length);
    while (in.more()) {
      int tag = in.tag();
      if (tag == (ExportMetricsServiceRequest.RESOURCE_METRICS_FIELD_NUMBER << 3 | 2)) {
        out.resourceMetrics(in.sub(in.length()));
      } else {
        in.skip(tag & 7);
      }
    }
    return out;
  }

  /**
   * The fields of a {@code ResourceMetrics} or {@code ScopeMetrics}: where its one singular message
   * (resource, scope) is, and where each of its repeated messages (scopes, metrics).
   */
  // Positions in a buffer read once; never compared or hashed, so array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  private record Parts(byte[] buf, int singularAt, int singularLength, List<int[]> repeated) {

    /** The singular message, its default instance when absent. */
    <T> T singular(Parser<T> parser, T absent) {
      return singularAt < 0 ? absent : parse(parser, buf, singularAt, singularLength);
    }

    /**
     * Reads a message whose field 1 is the singular message, 2 the repeated one and 3 a schema URL
     * (both types alike); another field known to {@code type} goes to the full parser.
     */
    static Parts read(WireReader in, Descriptors.Descriptor type) {
      int singularAt = -1;
      int singularLength = 0;
      List<int[]> repeated = new ArrayList<>(1);
      while (in.more()) {
        int tag = in.tag();
        switch (tag) {
          case 1 << 3 | 2:
            if (singularAt >= 0) {
              throw new WireReader.Malformed("field 1 written twice");
            }
            singularLength = in.length();
            singularAt = in.position();
            in.sub(singularLength);
            break;
          case 2 << 3 | 2:
            int n = in.length();
            repeated.add(new int[] {in.position(), n});
            in.sub(n);
            break;
          case 3 << 3 | 2:
            in.string();
            break;
          default:
            known(tag, type.findFieldByNumber(tag >>> 3) != null);
            in.skip(tag & 7);
        }
      }
      return new Parts(in.buf, singularAt, singularLength, repeated);
    }
  }

  private void resourceMetrics(WireReader in) {
    Parts parts = Parts.read(in, ResourceMetrics.getDescriptor());
    Resource resource = parts.singular(Resource.parser(), Resource.getDefaultInstance());
    ResourcePart part = resource(resource);
    StreamIdentity resourceId = new StreamIdentity().attributes(resource.getAttributesList());
    for (int[] scope : parts.repeated()) {
      scopeMetrics(part, resourceId, new WireReader(in.buf, scope[0], scope[1]));
    }
  }

  private void scopeMetrics(ResourcePart resource, StreamIdentity resourceId, WireReader in) {
    Parts parts = Parts.read(in, ScopeMetrics.getDescriptor());
    InstrumentationScope scope =
        parts.singular(InstrumentationScope.parser(), InstrumentationScope.getDefaultInstance());
    StreamIdentity scopeId =
        new StreamIdentity(resourceId).text(scope.getName()).text(scope.getVersion());
    for (int[] metric : parts.repeated()) {
      metric(resource, scope, scopeId, in.buf, metric[0], metric[1]);
    }
  }

  /** A field number the reader does not read but protobuf knows: left to the full parser. */
  private static void known(int tag, boolean known) {
    if (known) {
      throw new WireReader.Malformed("field " + (tag >>> 3) + " with wire type " + (tag & 7));
    }
  }

  private void metric(
      ResourcePart resource,
      InstrumentationScope scope,
      StreamIdentity scopeId,
      byte[] buf,
      int offset,
      int length) {
    WireReader in = new WireReader(buf, offset, length);
    String name = "";
    String unit = "";
    int dataTag = 0;
    int dataAt = -1;
    int dataLength = 0;
    while (in.more()) {
      int tag = in.tag();
      switch (tag) {
        case Metric.NAME_FIELD_NUMBER << 3 | 2:
          name = in.string();
          break;
        case Metric.DESCRIPTION_FIELD_NUMBER << 3 | 2:
          in.string();
          break;
        case Metric.METADATA_FIELD_NUMBER << 3 | 2:
          int m = in.length();
          parse(KeyValue.parser(), buf, in.position(), m);
          in.sub(m);
          break;
        case Metric.UNIT_FIELD_NUMBER << 3 | 2:
          unit = in.string();
          break;
        case Metric.GAUGE_FIELD_NUMBER << 3 | 2:
        case Metric.SUM_FIELD_NUMBER << 3 | 2:
        case Metric.HISTOGRAM_FIELD_NUMBER << 3 | 2:
        case Metric.EXPONENTIAL_HISTOGRAM_FIELD_NUMBER << 3 | 2:
        case Metric.SUMMARY_FIELD_NUMBER << 3 | 2:
          if (dataAt >= 0) {
            dataTag = -1; // several data fields: protobuf merges or replaces them
          } else {
            dataTag = tag;
          }
          dataLength = in.length();
          dataAt = in.position();
          in.sub(dataLength);
          break;
        default:
          in.skip(tag & 7);
      }
    }
    double factor = Semconv.secondsPerUnit(name, unit);
    boolean red = factor != 0;
    boolean histogram =
        dataTag == (Metric.HISTOGRAM_FIELD_NUMBER << 3 | 2)
            || dataTag == (Metric.EXPONENTIAL_HISTOGRAM_FIELD_NUMBER << 3 | 2);
    if (!red || !histogram) {
      // Not read, or not as a histogram: parsed in full, as the damaged bytes of a metric that
      // is not read still make the record a dead letter.
      add(resource, scope, parse(Metric.parser(), buf, offset, length));
      return;
    }
    StreamIdentity id = new StreamIdentity(scopeId).text(name).text(unit);
    boolean exponential = dataTag == (Metric.EXPONENTIAL_HISTOGRAM_FIELD_NUMBER << 3 | 2);
    WireReader data = new WireReader(buf, dataAt, dataLength);
    List<Point> points = new ArrayList<>();
    int temporality = 0;
    while (data.more()) {
      int tag = data.tag();
      if (tag == (1 << 3 | 2)) { // data_points of both kinds
        WireReader p = data.sub(data.length());
        Point point = exponential ? exponentialPoint(p) : explicitPoint(p);
        if (point != null) {
          points.add(point);
        }
      } else if (tag == (2 << 3)) { // aggregation_temporality
        temporality = (int) data.varint();
      } else {
        known(tag, (tag >>> 3) <= 2);
        data.skip(tag & 7);
      }
    }
    boolean cumulative =
        temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE_VALUE;
    histograms.add(new Histogram(resource, id, factor, exponential, cumulative, points));
  }

  /**
   * The bounds of the points of one request: the points of a metric, and most metrics of a request,
   * share them, so a point whose packed bounds are the same bytes as the last ones read gets the
   * same array, without decoding or allocating it again (and later equality checks of the bounds,
   * in delta conversion and in the windows, find the same array at once).
   */
  private static final class BoundsMemo {
    private byte[] buf;
    private int at = -1;
    private int length;
    private double[] values;

    /** The doubles packed in {@code length} bytes of {@code b} from {@code at}. */
    double[] bounds(byte[] b, int at, int length) {
      if (b == buf
          && length == this.length
          && Arrays.equals(b, at, at + length, buf, this.at, this.at + length)) {
        return values;
      }
      DoubleList read = new DoubleList();
      readDoubles(new WireReader(b, at, length), read);
      buf = b;
      this.at = at;
      this.length = length;
      values = read.toArray();
      return values;
    }
  }

  /** Reads a pending packed bounds field into {@code bounds}; returns -1: none pending. */
  private static int flushBounds(byte[] buf, int at, int length, DoubleList bounds) {
    if (at >= 0) {
      readDoubles(new WireReader(buf, at, length), bounds);
    }
    return -1;
  }

  /** Reads packed doubles to the end of {@code packed}. */
  private static void readDoubles(WireReader packed, DoubleList out) {
    out.reserve(packed.remaining() / 8);
    while (packed.more()) {
      out.add(packed.double64());
    }
  }

  private final BoundsMemo memo = new BoundsMemo();

  /** The attributes of this record's points, read once per distinct attribute. */
  private final PointAttributes.Memo attributeMemo = new PointAttributes.Memo();

  /** An explicit point, or null when flagged "no recorded value". */
  private Point explicitPoint(WireReader in) {
    long start = 0;
    long time = 0;
    long count = 0;
    int flags = 0;
    double min = Double.NaN;
    double max = Double.NaN;
    LongList counts = new LongList();
    DoubleList bounds = new DoubleList();
    // a packed bounds field not read yet, while it is the only bounds field of the point
    int boundsAt = -1;
    int boundsLength = 0;
    PointAttributes attributes = new PointAttributes(attributeMemo);
    List<Exemplar> exemplars = List.of();
    while (in.more()) {
      int tag = in.tag();
      switch (tag) {
        case HistogramDataPoint.ATTRIBUTES_FIELD_NUMBER << 3 | 2:
          int n = in.length();
          attributes.add(in.buf, in.position(), n);
          in.sub(n);
          break;
        case HistogramDataPoint.START_TIME_UNIX_NANO_FIELD_NUMBER << 3 | 1:
          start = in.fixed64();
          break;
        case HistogramDataPoint.TIME_UNIX_NANO_FIELD_NUMBER << 3 | 1:
          time = in.fixed64();
          break;
        case HistogramDataPoint.COUNT_FIELD_NUMBER << 3 | 1:
          count = in.fixed64();
          break;
        case HistogramDataPoint.SUM_FIELD_NUMBER << 3 | 1:
          in.fixed64();
          break;
        case HistogramDataPoint.BUCKET_COUNTS_FIELD_NUMBER << 3 | 2:
          WireReader packed = in.sub(in.length());
          counts.reserve(packed.remaining() / 8);
          while (packed.more()) {
            counts.add(packed.fixed64());
          }
          break;
        case HistogramDataPoint.BUCKET_COUNTS_FIELD_NUMBER << 3 | 1:
          counts.add(in.fixed64());
          break;
        case HistogramDataPoint.EXPLICIT_BOUNDS_FIELD_NUMBER << 3 | 2:
          int length = in.length();
          if (length % 8 != 0) {
            throw new WireReader.Malformed("packed doubles of " + length + " bytes");
          }
          if (boundsAt < 0 && bounds.size == 0) {
            // read after the loop, from the memo when the same bytes came before
            boundsAt = in.position();
            boundsLength = length;
            in.sub(length);
          } else {
            boundsAt = flushBounds(in.buf, boundsAt, boundsLength, bounds);
            readDoubles(in.sub(length), bounds);
          }
          break;
        case HistogramDataPoint.EXPLICIT_BOUNDS_FIELD_NUMBER << 3 | 1:
          boundsAt = flushBounds(in.buf, boundsAt, boundsLength, bounds);
          bounds.add(in.double64());
          break;
        case HistogramDataPoint.EXEMPLARS_FIELD_NUMBER << 3 | 2:
          exemplars = exemplar(in, exemplars);
          break;
        case HistogramDataPoint.FLAGS_FIELD_NUMBER << 3:
          flags = (int) in.varint();
          break;
        case HistogramDataPoint.MIN_FIELD_NUMBER << 3 | 1:
          min = in.double64();
          break;
        case HistogramDataPoint.MAX_FIELD_NUMBER << 3 | 1:
          max = in.double64();
          break;
        default:
          known(tag, HistogramDataPoint.getDescriptor().findFieldByNumber(tag >>> 3) != null);
          in.skip(tag & 7);
      }
    }
    if ((flags & NO_RECORDED_VALUE) != 0) {
      return null;
    }
    double[] boundValues =
        boundsAt >= 0 ? memo.bounds(in.buf, boundsAt, boundsLength) : bounds.toArray();
    return new Point(
        start,
        time,
        explicit(boundValues, counts.toArray(), count),
        min,
        max,
        attributes,
        exemplars);
  }

  /** An exponential point, or null when flagged "no recorded value". */
  private Point exponentialPoint(WireReader in) {
    long start = 0;
    long time = 0;
    int scale = 0;
    long zeroCount = 0;
    double zeroThreshold = 0;
    int flags = 0;
    int offset = 0;
    LongList counts = new LongList();
    boolean positiveSeen = false;
    PointAttributes attributes = new PointAttributes(attributeMemo);
    List<Exemplar> exemplars = List.of();
    while (in.more()) {
      int tag = in.tag();
      switch (tag) {
        case ExponentialHistogramDataPoint.ATTRIBUTES_FIELD_NUMBER << 3 | 2:
          int n = in.length();
          attributes.add(in.buf, in.position(), n);
          in.sub(n);
          break;
        case ExponentialHistogramDataPoint.START_TIME_UNIX_NANO_FIELD_NUMBER << 3 | 1:
          start = in.fixed64();
          break;
        case ExponentialHistogramDataPoint.TIME_UNIX_NANO_FIELD_NUMBER << 3 | 1:
          time = in.fixed64();
          break;
        case ExponentialHistogramDataPoint.COUNT_FIELD_NUMBER << 3 | 1:
        case ExponentialHistogramDataPoint.SUM_FIELD_NUMBER << 3 | 1:
        case ExponentialHistogramDataPoint.MIN_FIELD_NUMBER << 3 | 1:
        case ExponentialHistogramDataPoint.MAX_FIELD_NUMBER << 3 | 1:
          in.fixed64();
          break;
        case ExponentialHistogramDataPoint.SCALE_FIELD_NUMBER << 3:
          scale = decodeZigZag32((int) in.varint());
          break;
        case ExponentialHistogramDataPoint.ZERO_COUNT_FIELD_NUMBER << 3 | 1:
          zeroCount = in.fixed64();
          break;
        case ExponentialHistogramDataPoint.POSITIVE_FIELD_NUMBER << 3 | 2:
          if (positiveSeen) {
            throw new WireReader.Malformed("positive buckets written twice");
          }
          positiveSeen = true;
          offset = buckets(in.sub(in.length()), counts);
          break;
        case ExponentialHistogramDataPoint.NEGATIVE_FIELD_NUMBER << 3 | 2:
          buckets(in.sub(in.length()), new LongList());
          break;
        case ExponentialHistogramDataPoint.FLAGS_FIELD_NUMBER << 3:
          flags = (int) in.varint();
          break;
        case ExponentialHistogramDataPoint.EXEMPLARS_FIELD_NUMBER << 3 | 2:
          exemplars = exemplar(in, exemplars);
          break;
        case ExponentialHistogramDataPoint.ZERO_THRESHOLD_FIELD_NUMBER << 3 | 1:
          zeroThreshold = in.double64();
          break;
        default:
          known(
              tag,
              ExponentialHistogramDataPoint.getDescriptor().findFieldByNumber(tag >>> 3) != null);
          in.skip(tag & 7);
      }
    }
    if ((flags & NO_RECORDED_VALUE) != 0) {
      return null;
    }
    return new Point(
        start,
        time,
        new HistogramBuckets.Exponential(scale, zeroThreshold, zeroCount, offset, counts.toArray()),
        Double.NaN,
        Double.NaN,
        attributes,
        exemplars);
  }

  /** Reads a {@code Buckets} message into {@code counts}; returns its offset. */
  private static int buckets(WireReader in, LongList counts) {
    int offset = 0;
    while (in.more()) {
      int tag = in.tag();
      switch (tag) {
        case ExponentialHistogramDataPoint.Buckets.OFFSET_FIELD_NUMBER << 3:
          offset = decodeZigZag32((int) in.varint());
          break;
        case ExponentialHistogramDataPoint.Buckets.BUCKET_COUNTS_FIELD_NUMBER << 3 | 2:
          WireReader packed = in.sub(in.length());
          counts.reserve(packed.remaining()); // at least a byte per count
          while (packed.more()) {
            counts.add(packed.varint());
          }
          break;
        case ExponentialHistogramDataPoint.Buckets.BUCKET_COUNTS_FIELD_NUMBER << 3:
          counts.add(in.varint());
          break;
        default:
          known(tag, (tag >>> 3) <= 2);
          in.skip(tag & 7);
      }
    }
    return offset;
  }

  private static List<Exemplar> exemplar(WireReader in, List<Exemplar> exemplars) {
    int n = in.length();
    Exemplar e = parse(Exemplar.parser(), in.buf, in.position(), n);
    in.sub(n);
    List<Exemplar> out = exemplars.isEmpty() ? new ArrayList<>(2) : exemplars;
    out.add(e);
    return out;
  }

  private static int decodeZigZag32(int n) {
    return (n >>> 1) ^ -(n & 1);
  }

  private static <T> T parse(Parser<T> parser, byte[] buf, int offset, int length) {
    try {
      return parser.parseFrom(ByteBuffer.wrap(buf, offset, length));
    } catch (InvalidProtocolBufferException e) {
      throw new WireReader.Malformed(e.getMessage());
    }
  }

  /** A growable array of longs. */
  private static final class LongList {
    private static final long[] NONE = new long[0];
    private long[] values = NONE;
    private int size;

    /** Makes room for {@code n} more values. */
    void reserve(int n) {
      if (values.length - size < n) {
        values = Arrays.copyOf(values, size + n);
      }
    }

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, Math.max(16, size * 2));
      }
      values[size++] = v;
    }

    /** The values; the array itself when it holds exactly them. */
    long[] toArray() {
      return size == values.length ? values : Arrays.copyOf(values, size);
    }
  }

  /** A growable array of doubles. */
  private static final class DoubleList {
    private static final double[] NONE = new double[0];
    private double[] values = NONE;
    private int size;

    /** Makes room for {@code n} more values. */
    void reserve(int n) {
      if (values.length - size < n) {
        values = Arrays.copyOf(values, size + n);
      }
    }

    void add(double v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, Math.max(16, size * 2));
      }
      values[size++] = v;
    }

    /** The values; the array itself when it holds exactly them. */
    double[] toArray() {
      return size == values.length ? values : Arrays.copyOf(values, size);
    }
  }
}
