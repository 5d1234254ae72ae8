package dev.vitals.ingest.http;

import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.auth.TenantRateLimiter;
import dev.vitals.ingest.auth.TenantResolver;
import dev.vitals.ingest.metrics.IngestMetrics;
import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.ingest.pipeline.ExportPipeline;
import dev.vitals.ingest.pipeline.InFlightLimiter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
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

  private static final int IDLE_SECONDS = 300;

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
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast("idle", new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS))
                        .addLast("idle-close", new IdleCloser())
                        .addLast("http", new HttpServerCodec(4096, 16 * 1024, 64 * 1024))
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
    IngestSettings.Listener listener = settings.http();
    Channel channel =
        bootstrap.bind(new InetSocketAddress(listener.host(), listener.port())).sync().channel();
    return new HttpIngestServer(channel);
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

  /** Closes connections that sent nothing for {@value #IDLE_SECONDS} seconds. */
  private static final class IdleCloser extends io.netty.channel.ChannelDuplexHandler {
    @Override
    public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
        ctx.close();
      } else {
        ctx.fireUserEventTriggered(evt);
      }
    }
  }
}
