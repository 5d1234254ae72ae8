package dev.vitals.sinks.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.remotewrite.Label;
import dev.vitals.schemas.remotewrite.RemoteWriteCodec;
import dev.vitals.schemas.remotewrite.Sample;
import dev.vitals.schemas.remotewrite.TimeSeries;
import dev.vitals.schemas.remotewrite.WriteRequest;
import dev.vitals.sinks.series.SeriesSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class RemoteWriteWriterTest {

  /** The request as message objects: what the body must encode. */
  private static WriteRequest expected(List<SeriesSample> samples) {
    List<TimeSeries> out = new ArrayList<>();
    for (SeriesSample s : samples) {
      TreeMap<String, String> sorted = new TreeMap<>(s.labels());
      sorted.put("__name__", s.name());
      List<Label> labels = new ArrayList<>();
      sorted.forEach((k, v) -> labels.add(new Label(k, v)));
      out.add(new TimeSeries(labels, List.of(new Sample(s.value(), s.timestampMs()))));
    }
    return new WriteRequest(out);
  }

  @Test
  void theBodyIsASnappyBlockOfAWriteRequestWithSortedLabelsAndNameInItsPlace() throws Exception {
    Map<String, String> labels =
        Map.of("tenant", "acme", "service", "checkout", "namespace", "shop", "Zone", "z");
    List<SeriesSample> samples =
        List.of(
            SeriesSample.of("vitals_window_requests", labels, 42, 1_700_000_000_000L),
            SeriesSample.of("vitals_window_requests", labels, 43, 1_700_000_060_000L),
            SeriesSample.of(
                "vitals_health_status", Map.of("tenant", "acme"), 1, 1_700_000_000_000L));

    byte[] body = RemoteWriteWriter.body(samples);
    assertThat(Snappy.isValidCompressedBuffer(body)).isTrue();
    WriteRequest request = RemoteWriteCodec.decode(Snappy.uncompress(body));

    assertThat(request.timeseries()).hasSize(3);
    TimeSeries first = request.timeseries().get(0);
    assertThat(first.labels())
        .containsExactly(
            new Label("Zone", "z"),
            new Label("__name__", "vitals_window_requests"),
            new Label("namespace", "shop"),
            new Label("service", "checkout"),
            new Label("tenant", "acme"));
    assertThat(first.samples()).containsExactly(new Sample(42, 1_700_000_000_000L));
    assertThat(request.timeseries().get(1).samples())
        .containsExactly(new Sample(43, 1_700_000_060_000L));
    assertThat(request.timeseries().get(2).labels())
        .containsExactly(
            new Label("__name__", "vitals_health_status"), new Label("tenant", "acme"));
  }

  @Test
  void theBytesAreExactlyThoseOfTheReferenceEncoderForEdgeValues() throws Exception {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("tenant", "ténant-ü-🚀");
    labels.put("a", "");
    labels.put("operation", "x".repeat(300));
    List<SeriesSample> samples = new ArrayList<>();
    for (double v :
        new double[] {0.0, -0.0, 1.5, -2e300, Double.NaN, Double.POSITIVE_INFINITY, 1e-9}) {
      for (long ts : new long[] {0, 1, -1, 1_700_000_000_000L, Long.MAX_VALUE}) {
        samples.add(SeriesSample.of("vitals_m", labels, v, ts));
      }
    }
    samples.add(SeriesSample.of("vitals_no_labels", Map.of(), 3, 3));
    byte[] raw = Snappy.uncompress(RemoteWriteWriter.body(samples));
    assertThat(raw).isEqualTo(RemoteWriteCodec.encode(expected(samples)));
    assertThat(RemoteWriteCodec.decode(raw).timeseries()).hasSize(samples.size());
  }

  @Test
  void theBodyIsNotTheFramedOrStreamFormat() throws Exception {
    byte[] body = RemoteWriteWriter.body(List.of(SeriesSample.of("m", Map.of(), 1, 1)));
    // the framing format starts with a stream identifier chunk (0xff), snappy-java's stream with
    // its magic header (0x82 'S' 'N' 'A' 'P' 'P' 'Y')
    assertThat(body[0] & 0xff).isNotEqualTo(0xff).isNotEqualTo(0x82);
  }
}
