package dev.vitals.ingest.tls;

import dev.vitals.common.tls.PemFiles;
import dev.vitals.common.tls.ServerTls;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLException;

/**
 * Server TLS contexts for the HTTP and the gRPC listener alike, from the keys and certificates
 * {@link PemFiles} loads, as every other listener's.
 */
public final class TlsContexts {

  private TlsContexts() {}

  public static SslContext forHttp(ServerTls tls) throws IOException {
    return builder(tls).build();
  }

  public static SslContext forGrpc(ServerTls tls) throws IOException {
    return GrpcSslContexts.configure(builder(tls)).build();
  }

  private static SslContextBuilder builder(ServerTls tls) throws SSLException {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forServer(
              PemFiles.privateKey(tls.keyFile()), PemFiles.certificates(tls.certFile()));
      if (tls.clientCaFile() != null) {
        builder.trustManager(PemFiles.certificates(tls.clientCaFile()));
      }
      builder.clientAuth(
          switch (tls.clientAuth()) {
            case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
            case OPTIONAL -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
            case REQUIRE -> io.netty.handler.ssl.ClientAuth.REQUIRE;
          });
      return builder;
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      throw new SSLException(
          "cannot read TLS files " + tls.certFile() + ", " + tls.keyFile() + ": " + e.getMessage(),
          e);
    }
  }
}
