package dev.vitals.ingest.http;

import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.auth.TenantRateLimiter;
import dev.vitals.ingest.auth.TenantResolver;
import dev.vitals.ingest.metrics.IngestMetrics;
import dev.vitals.ingest.net.ConnectionLimit;
import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.ingest.pipeline.ExportPipeline;
import dev.vitals.ingest.pipeline.InFlightLimiter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The OTLP/HTTP listener (4318), which also takes Prometheus remote write. */
public final class HttpIngestServer implements AutoCloseable {

  /** Longest request line: the longest path and query a client needs are far shorter. */
  private static final int MAX_REQUEST_LINE = 8192;

  private final Channel channel;

  private HttpIngestServer(Channel channel) {
    this.channel = channel;
  }

  /** Binds the listener on the given event loops; {@code tls} may be null. */
  public static HttpIngestServer start(
      IngestSettings settings,
      SslContext tls,
      EventLoopGroup boss,
      EventLoopGroup workers,
      ExportPipeline pipeline,
      InFlightLimiter inFlight,
      TenantRateLimiter rates,
      IngestMetrics metrics)
      throws InterruptedException {
    Map<String, HttpRoute> routes = routes(settings, metrics);
    TenantResolver tenants = new TenantResolver(settings.auth());
    long maxRequestBytes = settings.limits().maxRequestBytes();
    IngestSettings.Listener listener = settings.http();
    ConnectionLimit connections =
        new ConnectionLimit(listener.maxConnections(), () -> metrics.refusedConnection("http"));
    metrics.openConnections("http", connections::open);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channelFactory(connections.serverChannels())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                    }
                    HeaderTimeout headers =
                        new HeaderTimeout(
                            listener.headerTimeout(), c -> headersTooSlow(c, listener, metrics));
                    ch.pipeline()
                        .addLast(
                            "idle",
                            new IdleStateHandler(
                                0, 0, listener.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                        .addLast("idle-close", new IdleCloser())
                        .addLast("header-timeout", headers)
                        .addLast("http", codec(listener))
                        .addLast("header-timeout-end", headers.decoded())
                        .addLast("continue", new HttpServerExpectContinueHandler())
                        .addLast(
                            "ingest",
                            new HttpIngestHandler(
                                routes,
                                tenants,
                                rates,
                                pipeline,
                                inFlight,
                                metrics,
                                maxRequestBytes,
                                settings.limits().bodyTimeout()));
                  }
                });
    Channel channel =
        bootstrap.bind(new InetSocketAddress(listener.host(), listener.port())).sync().channel();
    return new HttpIngestServer(channel);
  }

  /**
   * Request line and headers share the header budget: a line over it, or headers over it, make the
   * decoder fail the request, which the handler answers 400 or 431.
   */
  private static HttpServerCodec codec(IngestSettings.Listener listener) {
    return new HttpServerCodec(
        Math.min(listener.maxHeaderBytes(), MAX_REQUEST_LINE),
        listener.maxHeaderBytes(),
        64 * 1024);
  }

  private static void headersTooSlow(
      ChannelHandlerContext ctx, IngestSettings.Listener listener, IngestMetrics metrics) {
    metrics.rejected("none", "http", IngestMetrics.Reason.SLOW_HEADERS);
    FullHttpResponse response =
        HttpRoutes.text(
            HttpResponseStatus.REQUEST_TIMEOUT,
            "the request headers did not arrive within "
                + listener.headerTimeout().toMillis()
                + " ms");
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    HttpIngestHandler.forbidBrowsers(response);
    // From the pipeline's tail, so the response goes through the encoder after this handler.
    ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private static Map<String, HttpRoute> routes(IngestSettings settings, IngestMetrics metrics) {
    Map<String, HttpRoute> routes = new HashMap<>();
    for (OtlpSignal signal : OtlpSignal.values()) {
      routes.put(
          signal.signal().httpPath(),
          new OtlpHttpRoute(
              signal, settings.limits().maxRequestBytes(), settings.limits().retryAfter()));
    }
    routes.put(
        RemoteWriteRoute.PATH,
        new RemoteWriteRoute(
            settings.limits().maxRequestBytes(), settings.limits().retryAfter(), metrics));
    return Map.copyOf(routes);
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Stops accepting connections; open connections finish their current request. */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  /** Closes connections without traffic either way for the listener's idle timeout. */
  private static final class IdleCloser extends io.netty.channel.ChannelDuplexHandler {
    @Override
    public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
        var unused = ctx.close();
      } else {
        ctx.fireUserEventTriggered(evt);
      }
    }
  }
}
