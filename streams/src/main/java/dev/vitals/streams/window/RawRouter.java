package dev.vitals.streams.window;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.otlp.OtlpResources;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads a raw record of any of the three topics and decides its way: ingest-shaped records (keyed
 * by the service of their only resource) go straight on with their parsed request; foreign records
 * (no key, several resources, a key that does not match) are split per resource and re-keyed by
 * service; unparseable records become dead letters.
 */
final class RawRouter implements Processor<byte[], byte[], byte[], Routed> {

  static final String DEFAULT_TENANT = "default";

  private final Map<String, Signal> signalByTopic = new HashMap<>();
  private final WindowMetrics metrics;
  private final Map<Signal, io.prometheus.metrics.core.datapoints.CounterDataPoint> recordsIn =
      new EnumMap<>(Signal.class);
  private ProcessorContext<byte[], Routed> context;

  RawRouter(Topics topics, WindowMetrics metrics) {
    for (Signal s : Signal.values()) {
      signalByTopic.put(topics.raw(s), s);
      recordsIn.put(s, metrics.recordsIn(s));
    }
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    Signal signal =
        signalByTopic.get(context.recordMetadata().map(RecordMetadata::topic).orElse(""));
    recordsIn.get(signal).inc();
    try {
      if (record.value() == null) {
        throw new IllegalArgumentException("record has no value");
      }
      route(record, signal, OtlpRequests.read(signal, record.value()));
    } catch (Exception e) {
      metrics.deadLetter();
      context.forward(DeadLetters.of(context, record, signal, record.value(), e));
    }
  }

  private void route(Record<byte[], byte[]> record, Signal signal, Object request)
      throws InvalidProtocolBufferException {
    int resources = OtlpRequests.resourceCount(request);
    ServiceKey key = keyOf(record.key());
    if (resources == 1 && key != null && isKeyOf(record.key(), key, request)) {
      context.forward(
          record.withValue(new Routed(Routed.Route.DIRECT, signal, record.value(), request)));
      return;
    }
    String tenant = tenant(record, key);
    Message parsed =
        request instanceof Message
            ? (Message) request
            : OtlpRequests.parse(signal, record.value()); // to split it
    for (int i = 0; i < resources; i++) {
      Resource resource = OtlpRequests.resource(parsed, i);
      byte[] serviceKey = OtlpResources.serviceKey(tenant, resource).toBytes();
      byte[] bytes = OtlpRequests.only(parsed, i).toByteArray();
      context.forward(
          record
              .withKey(serviceKey)
              .withValue(new Routed(Routed.Route.REKEY, signal, bytes, null)));
    }
  }

  /**
   * True when the key is, byte for byte, the one ingest writes for the only resource. A key that
   * names the same service in another form (a '/' in a name left unescaped by an older version) is
   * re-keyed too, so that one service is always one key and one partition.
   */
  private static boolean isKeyOf(byte[] keyBytes, ServiceKey key, Object request) {
    ServiceKey actual = OtlpResources.serviceKey(key.tenant(), OtlpRequests.resource(request, 0));
    return actual.equals(key) && Arrays.equals(actual.toBytes(), keyBytes);
  }

  private static String tenant(Record<byte[], byte[]> record, ServiceKey key) {
    Header h = record.headers().lastHeader(Topics.HEADER_TENANT);
    if (h != null && h.value() != null && h.value().length > 0) {
      String t = new String(h.value(), StandardCharsets.UTF_8);
      if (t.indexOf('/') < 0) {
        return t;
      }
    }
    return key != null ? key.tenant() : DEFAULT_TENANT;
  }

  static ServiceKey keyOf(byte[] key) {
    if (key == null || key.length == 0) {
      return null;
    }
    try {
      return ServiceKey.parse(new String(key, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
