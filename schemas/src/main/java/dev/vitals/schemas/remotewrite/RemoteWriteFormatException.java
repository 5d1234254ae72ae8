package dev.vitals.schemas.remotewrite;

/**
 * The bytes are not a remote-write protobuf message. The message names the field and the fault,
 * e.g. {@code timeseries[2].samples[0].timestamp: wrong wire type 2 (expected: 0)}.
 */
public final class RemoteWriteFormatException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public RemoteWriteFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
