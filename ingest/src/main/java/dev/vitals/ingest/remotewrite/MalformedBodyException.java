package dev.vitals.ingest.remotewrite;

/**
 * The body is not a snappy block holding a remote-write protobuf; HTTP answers 400 with the
 * message, which starts with the layer at fault ({@code snappy:} or {@code protobuf:}).
 */
public final class MalformedBodyException extends Exception {

  private static final long serialVersionUID = 1L;

  public MalformedBodyException(String message, Throwable cause) {
    super(message, cause);
  }
}
