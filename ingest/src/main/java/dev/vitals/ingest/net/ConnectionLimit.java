package dev.vitals.ingest.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the open connections of one listener. Its server channels accept as usual, but close a
 * connection at once, before any handler sees it, when the listener already holds {@code max}; each
 * such connection is reported to {@code onRefused}. Works for any Netty listener, including
 * grpc-java's ({@code NettyServerBuilder.channelFactory}).
 */
public final class ConnectionLimit {

  private final int max;
  private final Runnable onRefused;
  private final AtomicInteger open = new AtomicInteger();

  public ConnectionLimit(int max, Runnable onRefused) {
    if (max <= 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: > 0)");
    }
    this.max = max;
    this.onRefused = onRefused;
  }

  /** Makes server channels that keep this limit. */
  public ChannelFactory<ServerChannel> serverChannels() {
    return Limited::new;
  }

  /** Connections open now. */
  public int open() {
    return open.get();
  }

  /** Admits a new connection, or closes it and returns false when the limit is reached. */
  private boolean admit(Channel child) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      // Counted before the close, so that a client that sees the close also sees the count.
      onRefused.run();
      child.unsafe().closeForcibly();
      return false;
    }
    child.closeFuture().addListener(f -> open.decrementAndGet());
    return true;
  }

  private final class Limited extends NioServerSocketChannel {
    @Override
    protected int doReadMessages(List<Object> buf) throws Exception {
      int from = buf.size();
      super.doReadMessages(buf);
      for (int i = buf.size() - 1; i >= from; i--) {
        if (!admit((Channel) buf.get(i))) {
          buf.remove(i);
        }
      }
      // 0 after a refusal ends this accept loop; the selector calls again for those waiting.
      return buf.size() - from;
    }
  }
}
