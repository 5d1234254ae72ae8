package dev.vitals.loadgen;

/**
 * Delivers the load generator's export requests: {@link OtlpHttpSender} over the network, or a
 * lambda that keeps them in memory for a test. Called from several threads when the load generator
 * sends in parallel.
 */
@FunctionalInterface
public interface Sender {

  /**
   * Delivers one request, retrying as the sender sees fit; never throws.
   *
   * @return true when the receiver accepted it, false when it was given up on
   */
  boolean send(OtlpExport export);
}
