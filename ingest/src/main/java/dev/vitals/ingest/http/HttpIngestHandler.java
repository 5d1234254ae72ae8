package dev.vitals.ingest.http;

import dev.vitals.ingest.auth.TenantRateLimiter;
import dev.vitals.ingest.auth.TenantResolver;
import dev.vitals.ingest.http.HttpRoute.Refusal;
import dev.vitals.ingest.metrics.IngestMetrics;
import dev.vitals.ingest.metrics.IngestMetrics.Reason;
import dev.vitals.ingest.pipeline.ExportOutcome;
import dev.vitals.ingest.pipeline.ExportPipeline;
import dev.vitals.ingest.pipeline.InFlightLimiter;
import dev.vitals.ingest.pipeline.Reservation;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of the HTTP listener. Headers are checked (route, tenant, content type, declared
 * length, in-flight room) before any body byte is kept; the body is then gathered up to the size
 * limit, handed to the export pipeline, and answered. Refused bodies are read and dropped so the
 * connection stays usable. Reading pauses while a request is being exported, so responses keep the
 * order of requests.
 */
final class HttpIngestHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(HttpIngestHandler.class);

  private final Map<String, HttpRoute> routes;
  private final TenantResolver tenants;
  private final TenantRateLimiter rates;
  private final ExportPipeline pipeline;
  private final InFlightLimiter inFlight;
  private final IngestMetrics metrics;
  private final long maxRequestBytes;
  private final java.time.Duration bodyTimeout;

  private HttpRequest request;
  private HttpRoute route;
  private String tenant;
  private Reservation reservation;
  private boolean reserveAsRead;
  private CompositeByteBuf body;
  private boolean discarding;
  private java.util.concurrent.ScheduledFuture<?> bodyTimer;

  HttpIngestHandler(
      Map<String, HttpRoute> routes,
      TenantResolver tenants,
      TenantRateLimiter rates,
      ExportPipeline pipeline,
      InFlightLimiter inFlight,
      IngestMetrics metrics,
      long maxRequestBytes,
      java.time.Duration bodyTimeout) {
    this.routes = routes;
    this.tenants = tenants;
    this.rates = rates;
    this.pipeline = pipeline;
    this.inFlight = inFlight;
    this.metrics = metrics;
    this.maxRequestBytes = maxRequestBytes;
    this.bodyTimeout = bodyTimeout;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest r) {
        onRequest(ctx, r);
      }
      if (msg instanceof HttpContent content) {
        onContent(ctx, content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest r) {
    reset();
    request = r;
    if (!r.decoderResult().isSuccess()) {
      undecodable(ctx, r.decoderResult().cause());
      return;
    }
    String path = r.uri();
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    route = routes.get(path);
    if (route == null) {
      metrics.rejected("none", "http", Reason.NOT_FOUND);
      refuseRaw(ctx, HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path, false);
      return;
    }
    if (!HttpMethod.POST.equals(r.method())) {
      metrics.rejected(
          route.signal().signal().label(), route.transport(), Reason.METHOD_NOT_ALLOWED);
      FullHttpResponse response =
          HttpRoutes.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST on " + path);
      response.headers().set(HttpHeaderNames.ALLOW, "POST");
      respondEarly(ctx, response, false);
      return;
    }
    HttpHeaders headers = r.headers();
    TenantResolver.Result who =
        tenants.resolve(headers.get(HttpHeaderNames.AUTHORIZATION), headers.get("X-Scope-OrgID"));
    if (who instanceof TenantResolver.Denied denied) {
      refuse(
          ctx,
          new Refusal(HttpResponseStatus.UNAUTHORIZED, Reason.UNAUTHENTICATED, denied.message()),
          false);
      return;
    }
    tenant = ((TenantResolver.Tenant) who).id();
    Refusal refusal = route.checkHeaders(headers);
    if (refusal != null) {
      refuse(ctx, refusal, false);
      return;
    }
    long declared = HttpUtil.getContentLength(r, -1L);
    if (declared > maxRequestBytes) {
      refuse(
          ctx,
          new Refusal(
              HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              Reason.TOO_LARGE,
              "the body is " + declared + " bytes, over the " + maxRequestBytes + "-byte limit"),
          true);
      return;
    }
    if (declared >= 0 && overRate(ctx, declared)) {
      return;
    }
    reserveAsRead = declared < 0;
    reservation = Reservation.tryAcquire(inFlight, Math.max(declared, 0));
    if (reservation == null) {
      refuse(ctx, HttpRoutes.refusal(new ExportOutcome.Throttled(throttledMessage())), false);
      return;
    }
    body = ctx.alloc().compositeBuffer(1024);
    bodyTimer =
        ctx.executor()
            .schedule(() -> bodyTooSlow(ctx), bodyTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent content) {
    if (!discarding && body != null) {
      int n = content.content().readableBytes();
      if (body.readableBytes() + (long) n > maxRequestBytes) {
        refuse(
            ctx,
            new Refusal(
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Reason.TOO_LARGE,
                "the body is over the " + maxRequestBytes + "-byte limit"),
            false);
      } else if (reserveAsRead && !reservation.tryGrow(n)) {
        refuse(ctx, HttpRoutes.refusal(new ExportOutcome.Throttled(throttledMessage())), false);
      } else if (n > 0) {
        body.addComponent(true, content.content().retain());
      }
    }
    if (content instanceof LastHttpContent) {
      if (discarding || body == null) {
        reset();
      } else {
        dispatch(ctx);
      }
    }
  }

  @SuppressWarnings("FutureReturnValueIgnored") // the callback answers the request itself
  private void dispatch(ChannelHandlerContext ctx) {
    if (reserveAsRead && overRate(ctx, body.readableBytes())) {
      reset();
      return;
    }
    long started = System.nanoTime();
    byte[] bytes = ByteBufUtil.getBytes(body);
    body.release();
    body = null;
    if (bodyTimer != null) {
      bodyTimer.cancel(false);
      bodyTimer = null;
    }
    HttpRoute r = route;
    HttpRequest req = request;
    Reservation held = reservation;
    reservation = null;
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    String requestId = Long.toHexString(ThreadLocalRandom.current().nextLong());
    ExportPipeline.Context context =
        new ExportPipeline.Context(r.signal(), r.transport(), tenant, requestId, pipeline.nowMs());
    ctx.channel().config().setAutoRead(false);
    pipeline
        .export(context, held, r.parser(bytes, req.headers(), held))
        .whenComplete(
            (outcome, error) -> {
              try {
                if (error != null) {
                  throw error;
                }
                record(r, outcome, started);
                write(ctx, r.answer(outcome, req.headers()), keepAlive);
              } catch (Throwable t) {
                log.error("request {}: cannot answer", requestId, t);
                write(
                    ctx,
                    HttpRoutes.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"),
                    false);
              } finally {
                ctx.channel().config().setAutoRead(true);
              }
            });
    reset();
  }

  /** Refuses the request (429, with when to retry) when its tenant is over its byte rate. */
  private boolean overRate(ChannelHandlerContext ctx, long bytes) {
    java.time.Duration wait = rates.tryAcquire(tenant, bytes);
    if (wait == null) {
      return false;
    }
    refuse(
        ctx,
        new Refusal(
            HttpResponseStatus.TOO_MANY_REQUESTS,
            Reason.RATE_LIMITED,
            "tenant " + tenant + " is over its rate limit; retry in " + wait.toMillis() + " ms",
            wait),
        false);
    return true;
  }

  private void record(HttpRoute r, ExportOutcome outcome, long startedNanos) {
    metrics.outcome(
        r.signal().signal().label(),
        r.transport(),
        outcome,
        (System.nanoTime() - startedNanos) / 1e9);
  }

  private void refuse(ChannelHandlerContext ctx, Refusal refusal, boolean close) {
    metrics.rejected(route.signal().signal().label(), route.transport(), refusal.reason());
    metrics.answered(route.signal().signal().label(), route.transport(), "rejected", 0);
    respondEarly(ctx, route.refuse(refusal, request.headers()), close);
  }

  /**
   * A request the decoder gave up on: headers over the budget are 431, a request line over it or
   * anything else malformed is 400; either way the connection closes, as the rest of its bytes
   * cannot be framed.
   */
  private void undecodable(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongHttpHeaderException) {
      metrics.rejected("none", "http", Reason.HEADERS_TOO_LARGE);
      refuseRaw(
          ctx,
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "the request headers are over the listener's maxHeaderBytes",
          true);
    } else {
      metrics.rejected("none", "http", Reason.MALFORMED);
      String what =
          cause instanceof TooLongHttpLineException
              ? "the request line is too long"
              : "malformed HTTP request";
      refuseRaw(ctx, HttpResponseStatus.BAD_REQUEST, what, true);
    }
  }

  private void refuseRaw(
      ChannelHandlerContext ctx, HttpResponseStatus status, String message, boolean close) {
    respondEarly(ctx, HttpRoutes.text(status, message), close);
  }

  /**
   * Answers before the body is in. The rest of the body is read and dropped, unless {@code close}
   * (a body too large to be worth reading), when the connection closes after the answer.
   */
  private void respondEarly(ChannelHandlerContext ctx, FullHttpResponse response, boolean close) {
    releaseBody();
    discarding = true;
    boolean keepAlive = !close && request != null && HttpUtil.isKeepAlive(request);
    write(ctx, response, keepAlive);
  }

  private static void write(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    forbidBrowsers(response);
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      var unused = ctx.writeAndFlush(response);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Nothing ingest answers is a page: a browser may neither sniff, run nor frame it. */
  static void forbidBrowsers(FullHttpResponse response) {
    response.headers().set("X-Content-Type-Options", "nosniff");
    response.headers().set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }

  private String throttledMessage() {
    return "ingest is at its in-flight limit of " + inFlight.limit() + " bytes; retry later";
  }

  /**
   * A body that has not arrived within the body timeout holds in-flight room others could use:
   * answer 408 and close, so a slow sender cannot starve the rest.
   */
  private void bodyTooSlow(ChannelHandlerContext ctx) {
    if (body == null || discarding) {
      return;
    }
    metrics.rejected(route.signal().signal().label(), route.transport(), Reason.SLOW_BODY);
    respondEarly(
        ctx,
        HttpRoutes.text(
            HttpResponseStatus.REQUEST_TIMEOUT,
            "the body did not arrive within " + bodyTimeout.toMillis() + " ms"),
        true);
  }

  private void releaseBody() {
    if (bodyTimer != null) {
      bodyTimer.cancel(false);
      bodyTimer = null;
    }
    if (body != null) {
      body.release();
      body = null;
    }
    if (reservation != null) {
      reservation.release();
      reservation = null;
    }
  }

  private void reset() {
    releaseBody();
    discarding = false;
    reserveAsRead = false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseBody();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    releaseBody();
    var unused = ctx.close();
  }
}
