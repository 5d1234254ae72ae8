package dev.vitals.ingest.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cuts off a client whose request headers trickle in (slowloris): from a request's first byte, its
 * headers must be complete within the timeout. It sits before the HTTP decoder to see bytes arrive
 * and {@link #decoded()} sits after it to see the headers complete; an idle keep-alive connection
 * between requests is not timed (the idle timeout handles it).
 */
final class HeaderTimeout extends ChannelInboundHandlerAdapter {

  private final Duration timeout;
  private final java.util.function.Consumer<ChannelHandlerContext> onTimeout;
  private boolean inRequest;
  private ScheduledFuture<?> timer;

  /**
   * @param onTimeout answers and closes the connection; runs on its event loop
   */
  HeaderTimeout(Duration timeout, java.util.function.Consumer<ChannelHandlerContext> onTimeout) {
    this.timeout = timeout;
    this.onTimeout = onTimeout;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!inRequest && timer == null && msg instanceof ByteBuf b && b.isReadable()) {
      timer =
          ctx.executor().schedule(() -> expired(ctx), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    ctx.fireChannelRead(msg);
  }

  /** The handler that goes after the decoder. */
  ChannelInboundHandlerAdapter decoded() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
          inRequest = true;
          cancel();
        }
        if (msg instanceof LastHttpContent) {
          inRequest = false;
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  private void expired(ChannelHandlerContext ctx) {
    timer = null;
    if (!inRequest && ctx.channel().isActive()) {
      onTimeout.accept(ctx);
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }
}
