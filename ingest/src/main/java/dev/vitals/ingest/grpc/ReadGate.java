package dev.vitals.ingest.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Bounds the memory of gRPC bodies being read. grpc-java gathers a whole message before any handler
 * sees it, so the in-flight reservation (made once the bytes are in hand) cannot cover the reading
 * itself. This gate holds back a call's {@code request()} — and so its reading: until a call asks
 * for its message, HTTP/2 flow control keeps the client's unread bytes within one window — until
 * one of {@code slots} read slots is free, and frees the slot when the message has arrived. With
 * {@code slots = maxInFlightBytes / maxRequestBytes}, bodies being read never hold more than the
 * in-flight bound. A call that waits longer than {@code maxWait} is answered with the retryable
 * {@code UNAVAILABLE} that {@code busy} makes for it.
 */
final class ReadGate implements ServerInterceptor {

  private final int slots;
  private final Duration maxWait;
  private final Duration maxHold;
  private final ScheduledExecutorService timer;
  private final BiFunction<ServerCall<?, ?>, String, StatusRuntimeException> busy;
  private final Queue<Waiter> waiting = new ArrayDeque<>();
  private int used;

  ReadGate(
      int slots,
      Duration maxWait,
      Duration maxHold,
      ScheduledExecutorService timer,
      BiFunction<ServerCall<?, ?>, String, StatusRuntimeException> busy) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots: " + slots + " (expected: > 0)");
    }
    this.slots = slots;
    this.maxWait = maxWait;
    this.maxHold = maxHold;
    this.timer = timer;
    this.busy = busy;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    GatedCall<Q, A> gated = new GatedCall<>(call);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        next.startCall(gated, headers)) {
      @Override
      public void onMessage(Q message) {
        gated.done();
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        gated.done();
        super.onHalfClose();
      }

      @Override
      public void onCancel() {
        gated.done();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        gated.done();
        super.onComplete();
      }
    };
  }

  /** Slots in use now (for tests). */
  synchronized int used() {
    return used;
  }

  private synchronized boolean tryTake(Waiter waiter) {
    if (used < slots) {
      used++;
      return true;
    }
    waiting.add(waiter);
    return false;
  }

  /** Frees a slot, handing it straight to the next waiter if there is one. */
  private void free() {
    Waiter next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        used--;
        return;
      }
    }
    next.granted();
  }

  private synchronized boolean withdraw(Waiter waiter) {
    return waiting.remove(waiter);
  }

  private interface Waiter {
    void granted();
  }

  /** A call whose {@code request()} waits for a read slot. */
  private final class GatedCall<Q, A> extends ForwardingServerCall.SimpleForwardingServerCall<Q, A>
      implements Waiter {
    private int requested;
    private boolean holding;
    private boolean finished;
    private boolean asked;

    GatedCall(ServerCall<Q, A> delegate) {
      super(delegate);
    }

    @Override
    public void request(int numMessages) {
      boolean passNow;
      synchronized (this) {
        if (holding || finished) {
          passNow = true;
        } else {
          requested += numMessages;
          passNow = false;
          if (asked) {
            return;
          }
          asked = true;
        }
      }
      if (passNow) {
        super.request(numMessages);
        return;
      }
      if (tryTake(this)) {
        granted();
      } else {
        var unused = timer.schedule(this::timeout, maxWait.toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void granted() {
      int n;
      synchronized (this) {
        if (finished) {
          n = -1;
        } else {
          holding = true;
          n = requested;
          requested = 0;
        }
      }
      if (n < 0) {
        free();
        return;
      }
      var unused = timer.schedule(this::holdTimeout, maxHold.toMillis(), TimeUnit.MILLISECONDS);
      if (n > 0) {
        super.request(n);
      }
    }

    /** The body did not arrive in time: free the slot for others and tell the client to retry. */
    private void holdTimeout() {
      synchronized (this) {
        if (!holding) {
          return;
        }
        holding = false;
        finished = true;
      }
      free();
      StatusRuntimeException e =
          busy.apply(delegate(), "the body did not arrive within " + maxHold.toSeconds() + " s");
      Metadata trailers = e.getTrailers();
      delegate().close(e.getStatus(), trailers == null ? new Metadata() : trailers);
    }

    private void timeout() {
      if (withdraw(this)) {
        synchronized (this) {
          finished = true;
        }
        StatusRuntimeException e =
            busy.apply(
                delegate(),
                "ingest is reading as many gRPC bodies as its in-flight bound allows; retry later");
        Metadata trailers = e.getTrailers();
        delegate().close(e.getStatus(), trailers == null ? new Metadata() : trailers);
      }
    }

    /** The message arrived or the call ended: give the slot back. */
    void done() {
      boolean release;
      synchronized (this) {
        release = holding;
        holding = false;
        finished = true;
      }
      if (release) {
        free();
      } else {
        withdraw(this);
      }
    }
  }
}
