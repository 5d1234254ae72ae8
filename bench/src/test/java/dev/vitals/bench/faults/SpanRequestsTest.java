package dev.vitals.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SpanRequestsTest {

  @Test
  void everySpanCarriesTheLedgerIdOfItsRequest() {
    ExportTraceServiceRequest request = SpanRequests.build(123_456_789L, 3, 1_700_000_000_000L, 10);

    assertThat(request.getResourceSpans(0).getScopeSpans(0).getSpansList())
        .hasSize(10)
        .allSatisfy(
            span -> {
              long spanId = ByteBuffer.wrap(span.getSpanId().toByteArray()).getLong();
              assertThat(SpanRequests.attemptOf(spanId)).isEqualTo(123_456_789L);
            });
  }

  @Test
  void aRequestIsOneServiceOfServerSpansEndingTogether() {
    ExportTraceServiceRequest request = SpanRequests.build(1, 0, 1_700_000_000_123L, 3);

    assertThat(request.getResourceSpansCount()).isEqualTo(1);
    assertThat(
            request.getResourceSpans(0).getResource().getAttributes(0).getValue().getStringValue())
        .isEqualTo(SpanRequests.FAILING_SERVICE);
    assertThat(request.getResourceSpans(0).getScopeSpans(0).getSpansList())
        .allSatisfy(
            span -> {
              assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
              assertThat(span.getEndTimeUnixNano()).isEqualTo(1_700_000_000_123_000_000L);
            });
  }
}
