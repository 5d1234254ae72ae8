package dev.vitals.ingest.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadGateTest {

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void callsBeyondTheReadSlotsDoNotReadTheirBodyUntilASlotIsFree() {
    ReadGate gate = gate(2, Duration.ofSeconds(30));
    FakeCall first = new FakeCall();
    FakeCall second = new FakeCall();
    FakeCall third = new FakeCall();
    ServerCall.Listener<byte[]> firstListener = start(gate, first);
    start(gate, second);
    start(gate, third);

    assertThat(first.requested).isEqualTo(1);
    assertThat(second.requested).isEqualTo(1);
    assertThat(third.requested).as("held back: no slot").isZero();

    firstListener.onMessage(new byte[10]);

    assertThat(third.requested).as("the freed slot goes to the waiting call").isEqualTo(1);
    assertThat(gate.used()).isEqualTo(2);
  }

  @Test
  void aCallWaitingTooLongIsToldToRetry() {
    ReadGate gate = gate(1, Duration.ofMillis(50));
    start(gate, new FakeCall());
    FakeCall waiting = new FakeCall();
    start(gate, waiting);

    await().atMost(Duration.ofSeconds(5)).until(() -> waiting.closed != null);
    assertThat(waiting.closed.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(waiting.requested).isZero();
  }

  @Test
  void aCallWhoseBodyDoesNotArriveLosesItsSlotToTheNext() {
    ReadGate gate =
        new ReadGate(
            1,
            Duration.ofSeconds(30),
            Duration.ofMillis(50),
            timer,
            (call, message) -> Status.UNAVAILABLE.withDescription(message).asRuntimeException());
    FakeCall slow = new FakeCall();
    start(gate, slow);
    FakeCall next = new FakeCall();
    start(gate, next);

    await().atMost(Duration.ofSeconds(5)).until(() -> slow.closed != null);
    assertThat(slow.closed.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(next.requested).isEqualTo(1);
  }

  @Test
  void aCancelledCallGivesItsSlotBack() {
    ReadGate gate = gate(1, Duration.ofSeconds(30));
    ServerCall.Listener<byte[]> cancelled = start(gate, new FakeCall());
    FakeCall next = new FakeCall();
    start(gate, next);

    cancelled.onCancel();

    assertThat(next.requested).isEqualTo(1);
  }

  private ReadGate gate(int slots, Duration maxWait) {
    return new ReadGate(
        slots,
        maxWait,
        Duration.ofSeconds(30),
        timer,
        (call, message) -> Status.UNAVAILABLE.withDescription(message).asRuntimeException());
  }

  /** Starts a call the way a unary handler does: it asks for its message at once. */
  private static ServerCall.Listener<byte[]> start(ReadGate gate, FakeCall call) {
    ServerCallHandler<byte[], byte[]> handler =
        (c, headers) -> {
          c.request(1);
          return new ServerCall.Listener<>() {};
        };
    return gate.interceptCall(call, new Metadata(), handler);
  }

  private static final class FakeCall extends ServerCall<byte[], byte[]> {
    volatile int requested;
    volatile Status closed;

    @Override
    public void request(int numMessages) {
      requested += numMessages;
    }

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(byte[] message) {}

    @Override
    public void close(Status status, Metadata trailers) {
      closed = status;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public MethodDescriptor<byte[], byte[]> getMethodDescriptor() {
      MethodDescriptor.Marshaller<byte[]> bytes =
          new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
              return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
              return new byte[0];
            }
          };
      return MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test/Export")
          .setRequestMarshaller(bytes)
          .setResponseMarshaller(bytes)
          .build();
    }
  }
}
