package dev.vitals.sinks.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.remotewrite.Label;
import dev.vitals.schemas.remotewrite.RemoteWriteCodec;
import dev.vitals.schemas.remotewrite.TimeSeries;
import dev.vitals.schemas.remotewrite.WriteRequest;
import dev.vitals.sinks.series.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class RemoteWriteWriterTest {

  @Test
  void theBodyIsASnappyBlockOfAWriteRequestWithSortedLabelsAndNameFirst() throws Exception {
    List<Sample> samples =
        List.of(
            Sample.of(
                "vitals_window_requests",
                Map.of("tenant", "acme", "service", "checkout", "namespace", "shop", "Zone", "z"),
                42,
                1_700_000_000_000L),
            Sample.of(
                "vitals_window_requests",
                Map.of("tenant", "acme", "service", "checkout", "namespace", "shop", "Zone", "z"),
                43,
                1_700_000_060_000L),
            Sample.of("vitals_health_status", Map.of("tenant", "acme"), 1, 1_700_000_000_000L));

    byte[] body = RemoteWriteWriter.body(samples);
    assertThat(Snappy.isValidCompressedBuffer(body)).isTrue();
    WriteRequest request = RemoteWriteCodec.decode(Snappy.uncompress(body));

    assertThat(request.timeseries()).hasSize(2);
    TimeSeries first = request.timeseries().get(0);
    assertThat(first.labels())
        .containsExactly(
            new Label("Zone", "z"),
            new Label("__name__", "vitals_window_requests"),
            new Label("namespace", "shop"),
            new Label("service", "checkout"),
            new Label("tenant", "acme"));
    assertThat(first.samples())
        .containsExactly(
            new dev.vitals.schemas.remotewrite.Sample(42, 1_700_000_000_000L),
            new dev.vitals.schemas.remotewrite.Sample(43, 1_700_000_060_000L));
    assertThat(request.timeseries().get(1).labels())
        .containsExactly(
            new Label("__name__", "vitals_health_status"), new Label("tenant", "acme"));
  }

  @Test
  void theBodyIsNotTheFramedOrStreamFormat() throws Exception {
    byte[] body = RemoteWriteWriter.body(List.of(Sample.of("m", Map.of(), 1, 1)));
    // the framing format starts with a stream identifier chunk (0xff), snappy-java's stream with
    // its magic header (0x82 'S' 'N' 'A' 'P' 'P' 'Y')
    assertThat(body[0] & 0xff).isNotEqualTo(0xff).isNotEqualTo(0x82);
    assertThat(Snappy.uncompress(body))
        .isEqualTo(
            RemoteWriteCodec.encode(
                RemoteWriteWriter.request(List.of(Sample.of("m", Map.of(), 1, 1)))));
  }
}
