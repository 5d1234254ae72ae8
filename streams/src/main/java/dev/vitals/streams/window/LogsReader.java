package dev.vitals.streams.window;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;

/**
 * Log records into windows: counted by severity class (from the severity number, else from a
 * severity text that names a class); the string bodies of ERROR and FATAL records are kept as
 * sample error messages. Event time is the record's time, else its observed time.
 */
final class LogsReader {

  static final int MAX_MESSAGE_CHARS = 256;

  private LogsReader() {}

  static void read(ExportLogsServiceRequest request, RecordBatch batch) {
    int maxSamples = batch.settings().maxSampleErrors();
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          read(log, batch, maxSamples);
        }
      }
    }
  }

  private static void read(LogRecord log, RecordBatch batch, int maxSamples) {
    int severity = Semconv.severityClass(log.getSeverityNumberValue(), log.getSeverityText());
    String message = severity >= Semconv.ERROR_CLASS ? message(log.getBody()) : null;
    long nanos = log.getTimeUnixNano() != 0 ? log.getTimeUnixNano() : log.getObservedTimeUnixNano();
    batch.add(
        batch.eventMs(nanos),
        null,
        acc -> {
          if (severity >= 0) {
            acc.logs[severity]++;
          }
          if (message != null) {
            WindowAccumulator.addBounded(acc.sampleErrors, message, maxSamples);
          }
        });
  }

  private static String message(AnyValue body) {
    if (body.getValueCase() != AnyValue.ValueCase.STRING_VALUE) {
      return null;
    }
    String text = body.getStringValue();
    if (text.length() <= MAX_MESSAGE_CHARS) {
      return text;
    }
    int end = MAX_MESSAGE_CHARS;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }
}
