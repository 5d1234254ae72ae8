package dev.vitals.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.otlp.OtlpResources;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class RawRouterTest {

  private final MockProcessorContext<byte[], Routed> context = new MockProcessorContext<>();
  private final RawRouter router =
      new RawRouter(Topics.DEFAULT, new WindowMetrics(new PrometheusRegistry()));

  private MockProcessorContext.CapturedForward<? extends byte[], ? extends Routed> route(
      String key, String namespace, String name) {
    context.setRecordMetadata(Topics.DEFAULT.raw(dev.vitals.schemas.Signal.TRACES), 0, 0);
    router.init(context);
    byte[] value =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(
                                OtlpResources.stringKeyValue(
                                    OtlpResources.SERVICE_NAMESPACE, namespace))
                            .addAttributes(
                                OtlpResources.stringKeyValue(OtlpResources.SERVICE_NAME, name))))
            .build()
            .toByteArray();
    router.process(new Record<>(key.getBytes(StandardCharsets.UTF_8), value, 0L));
    assertThat(context.forwarded()).hasSize(1);
    return context.forwarded().get(0);
  }

  @Test
  void aRecordKeyedAsIngestKeysItGoesStraightOn() {
    var out = route("acme/coll/ide%2Fsvc", "coll", "ide/svc");

    assertThat(out.record().value().route()).isEqualTo(Routed.Route.DIRECT);
    assertThat(new String(out.record().key(), StandardCharsets.UTF_8))
        .isEqualTo("acme/coll/ide%2Fsvc");
  }

  @Test
  void aKeyWithAnUnescapedSlashIsReKeyedToTheEscapedKeySoOneServiceIsOnePartition() {
    var out = route("acme/coll/ide/svc", "coll", "ide/svc");

    assertThat(out.record().value().route()).isEqualTo(Routed.Route.REKEY);
    assertThat(out.record().key()).isEqualTo(new ServiceKey("acme", "coll", "ide/svc").toBytes());
  }

  @Test
  void theOtherServiceOfACollidingKeyIsReKeyedToItsOwnKey() {
    var out = route("acme/coll/ide/svc", "coll/ide", "svc");

    assertThat(out.record().value().route()).isEqualTo(Routed.Route.REKEY);
    assertThat(new String(out.record().key(), StandardCharsets.UTF_8))
        .isEqualTo("acme/coll%2Fide/svc");
  }
}
