package dev.vitals.ingest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the process logged while it was open: SLF4J's simple logger (which writes to the current
 * {@code System.err}) and java.util.logging (gRPC's and Netty's fallback), stack traces included.
 */
final class LogCapture implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final StringBuffer jul = new StringBuffer();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          jul.append(record.getLevel()).append(' ').append(record.getMessage()).append('\n');
          if (record.getThrown() != null) {
            for (StackTraceElement e : record.getThrown().getStackTrace()) {
              jul.append("\tat ").append(e).append('\n');
            }
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private LogCapture() {}

  static LogCapture start() {
    LogCapture capture = new LogCapture();
    System.setErr(new PrintStream(capture.bytes, true, StandardCharsets.UTF_8));
    Logger.getLogger("").addHandler(capture.handler);
    return capture;
  }

  /** Everything logged so far. */
  String text() {
    return bytes.toString(StandardCharsets.UTF_8) + jul;
  }

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(handler);
    System.setErr(original);
    System.err.print(text());
  }
}
