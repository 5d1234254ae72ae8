package dev.vitals.streams.window;

import dev.vitals.schemas.Signal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Dead letters of the window topology: the original key, value and headers, plus the same {@code
 * vitals.dlq.*} headers the sinks write (reason, source {@code topic-partition@offset}, time) and
 * {@code vitals.dlq.stage=streams}.
 */
final class DeadLetters {

  static final String HEADER_REASON = "vitals.dlq.reason";
  static final String HEADER_SOURCE = "vitals.dlq.source";
  static final String HEADER_TIME = "vitals.dlq.time";
  static final String HEADER_STAGE = "vitals.dlq.stage";
  static final int MAX_REASON_CHARS = 1024;

  private DeadLetters() {}

  /** The dead letter of {@code in}, to be forwarded by {@code context}. */
  static Record<byte[], Routed> of(
      ProcessorContext<?, ?> context,
      Record<byte[], ?> in,
      Signal signal,
      byte[] value,
      Exception e) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : in.headers()) {
      headers.add(h);
    }
    String source =
        context
            .recordMetadata()
            .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
            .orElse("punctuation");
    long now = context.currentSystemTimeMs();
    headers
        .add(HEADER_REASON, utf8(reason(e)))
        .add(HEADER_SOURCE, utf8(source))
        .add(HEADER_TIME, utf8(Instant.ofEpochMilli(now).toString()))
        .add(HEADER_STAGE, utf8("streams"));
    Routed out =
        new Routed(Routed.Route.DEAD_LETTER, signal, value == null ? new byte[0] : value, null);
    return new Record<>(in.key(), out, now, headers);
  }

  private static String reason(Exception e) {
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    return text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS) : text;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
