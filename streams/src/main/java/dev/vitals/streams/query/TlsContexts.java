package dev.vitals.streams.query;

import dev.vitals.schemas.tls.PemFiles;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** SSL contexts from the query server's PEM files; problems name the file. */
final class TlsContexts {

  private TlsContexts() {}

  static SSLContext server(QueryTls tls) throws IOException {
    try {
      TrustManager[] trust =
          tls.clientAuth() == QueryTls.ClientAuth.NONE
              ? null
              : PemFiles.trustManagers(tls.clientCaFile());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(PemFiles.keyManagers(tls.certFile(), tls.keyFile()), trust, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("query TLS: " + e.getMessage(), e);
    }
  }

  /** Presents this instance's certificate; trusts the CA file when set, else the JDK default. */
  static SSLContext peerClient(QueryTls tls) throws IOException {
    try {
      TrustManager[] trust =
          tls.clientCaFile() == null ? null : PemFiles.trustManagers(tls.clientCaFile());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(PemFiles.keyManagers(tls.certFile(), tls.keyFile()), trust, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("query TLS (peer client): " + e.getMessage(), e);
    }
  }
}
