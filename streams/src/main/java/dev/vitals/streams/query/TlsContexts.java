package dev.vitals.streams.query;

import dev.vitals.schemas.tls.PemFiles;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/** SSL contexts from the query server's PEM files; problems name the file. */
final class TlsContexts {

  private TlsContexts() {}

  static SSLContext server(QueryTls tls) throws IOException {
    try {
      return PemFiles.sslContext(
          tls.certFile(),
          tls.keyFile(),
          tls.clientAuth() == QueryTls.ClientAuth.NONE ? null : tls.clientCaFile());
    } catch (GeneralSecurityException e) {
      throw new IOException("query TLS: " + e.getMessage(), e);
    }
  }

  /** Presents this instance's certificate; trusts the CA file when set, else the JDK default. */
  static SSLContext peerClient(QueryTls tls) throws IOException {
    try {
      return PemFiles.sslContext(tls.certFile(), tls.keyFile(), tls.clientCaFile());
    } catch (GeneralSecurityException e) {
      throw new IOException("query TLS (peer client): " + e.getMessage(), e);
    }
  }
}
