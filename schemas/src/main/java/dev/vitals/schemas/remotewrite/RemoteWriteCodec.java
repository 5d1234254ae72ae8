package dev.vitals.schemas.remotewrite;

/**
 * The protobuf form of Prometheus remote write 1.0, written by hand over protobuf's coded streams
 * so that no generated code is needed. Decoding keeps {@code WriteRequest.metadata} (3) and skips
 * exemplars, native histograms and every field it does not know. Compression is not done here: the
 * snappy block format belongs to the receiver and sender.
 */
public final class RemoteWriteCodec {

  private RemoteWriteCodec() {}

  /**
   * Reads a serialized {@code WriteRequest}.
   *
   * @throws RemoteWriteFormatException naming the field and the fault when the bytes are not one
   */
  public static WriteRequest decode(byte[] protobuf) {
    return RemoteWriteDecoder.decode(protobuf);
  }

  /** Serializes a request; the bytes equal those protobuf's generated code would write. */
  public static byte[] encode(WriteRequest request) {
    return RemoteWriteEncoder.encode(request);
  }
}
