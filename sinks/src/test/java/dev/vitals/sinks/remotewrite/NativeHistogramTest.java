package dev.vitals.sinks.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.sinks.series.SeriesSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeHistogramTest {

  /** The fields of a decoded {@code prompb.Histogram}. */
  private record Decoded(
      long count,
      double sum,
      int schema,
      long zeroCount,
      List<int[]> spans,
      List<Long> deltas,
      long timestamp) {}

  private static Decoded decode(byte[] bytes) throws Exception {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    long count = 0;
    double sum = 0;
    int schema = 0;
    long zero = 0;
    long ts = 0;
    List<int[]> spans = new ArrayList<>();
    List<Long> deltas = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag >>> 3) {
        case 1 -> count = in.readUInt64();
        case 3 -> sum = in.readDouble();
        case 4 -> schema = in.readSInt32();
        case 6 -> zero = in.readUInt64();
        case 11 -> {
          CodedInputStream span = CodedInputStream.newInstance(in.readByteArray());
          int offset = 0;
          int length = 0;
          for (int t = span.readTag(); t != 0; t = span.readTag()) {
            if (t >>> 3 == 1) {
              offset = span.readSInt32();
            } else {
              length = span.readUInt32();
            }
          }
          spans.add(new int[] {offset, length});
        }
        case 12 -> {
          CodedInputStream packed = CodedInputStream.newInstance(in.readByteArray());
          while (!packed.isAtEnd()) {
            deltas.add(packed.readSInt64());
          }
        }
        case 15 -> ts = in.readInt64();
        default -> throw new AssertionError("unexpected field " + (tag >>> 3));
      }
    }
    return new Decoded(count, sum, schema, zero, spans, deltas, ts);
  }

  @Test
  void theSketchsBucketsBecomeOneSpanShiftedByOneWithDeltaCounts() throws Exception {
    ServiceWindow.Histogram h =
        new ServiceWindow.Histogram(6, 12, 3.25, 2, -213, List.of(4L, 0L, 1L, 5L));

    Decoded d =
        decode(
            NativeHistogram.encode(
                SeriesSample.histogram("d", Map.of("tenant", "a"), h, 1_800_000_000_123L, 0)));

    assertThat(d.count()).isEqualTo(12);
    assertThat(d.sum()).isEqualTo(3.25);
    assertThat(d.schema()).isEqualTo(6);
    assertThat(d.zeroCount()).isEqualTo(2);
    // OTel bucket -213 covers (2^(-213/64), 2^(-212/64)]: Prometheus indexes it by its upper end
    assertThat(d.spans()).containsExactly(new int[] {-212, 4});
    assertThat(d.deltas()).containsExactly(4L, -4L, 1L, 4L);
    assertThat(d.timestamp()).isEqualTo(1_800_000_000_123L);
  }

  @Test
  void aScaleCoarserThanPrometheusTakesPutsEachCountInTheBucketSharingItsUpperEnd()
      throws Exception {
    // scale -6: bucket i covers (2^(64 i), 2^(64 (i + 1))], 4 buckets of schema -4 (16 powers each)
    ServiceWindow.Histogram h = new ServiceWindow.Histogram(-6, 3, 1, 0, -1, List.of(1L, 2L));

    Decoded d = decode(NativeHistogram.encode(SeriesSample.histogram("d", Map.of(), h, 1, 0)));

    assertThat(d.schema()).isEqualTo(-4);
    // bucket -1, (2^-64, 1], ends where schema -4's OTel bucket -1 ends: Prometheus index 0;
    // bucket 0, (1, 2^64], where its bucket 3 ends: Prometheus index 4
    assertThat(d.spans()).containsExactly(new int[] {0, 5});
    assertThat(d.deltas()).containsExactly(1L, -1L, 0L, 0L, 2L);
  }

  @Test
  void aScaleFinerThanPrometheusTakesIsMergedExactly() throws Exception {
    // scale 9: two buckets of it are one of schema 8
    ServiceWindow.Histogram h = new ServiceWindow.Histogram(9, 6, 1, 0, 4, List.of(1L, 2L, 3L));

    Decoded d = decode(NativeHistogram.encode(SeriesSample.histogram("d", Map.of(), h, 1, 0)));

    assertThat(d.schema()).isEqualTo(8);
    // scale-9 buckets 4, 5 are schema-8 bucket 2 (Prometheus 3); bucket 6 is bucket 3 (4)
    assertThat(d.spans()).containsExactly(new int[] {3, 2});
    assertThat(d.deltas()).containsExactly(3L, 0L);
  }
}
