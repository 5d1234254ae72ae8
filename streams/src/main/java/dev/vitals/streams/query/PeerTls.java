package dev.vitals.streams.query;

import dev.vitals.common.tls.PemFiles;
import dev.vitals.common.tls.ServerTls;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/**
 * The client side of calls to other instances, from the query server's PEM files: the key is
 * presented when they ask for a client certificate, and the CA file, when set, is what their server
 * certificates are checked against (else the JDK's default trust). Problems name the file.
 */
final class PeerTls {

  private PeerTls() {}

  /** Presents this instance's certificate; trusts the CA file when set, else the JDK default. */
  static SSLContext peerClient(ServerTls tls) throws IOException {
    try {
      return PemFiles.sslContext(tls.certFile(), tls.keyFile(), tls.clientCaFile());
    } catch (GeneralSecurityException e) {
      throw new IOException("query TLS (peer client): " + e.getMessage(), e);
    }
  }
}
