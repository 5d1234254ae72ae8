package dev.vitals.common.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/**
 * TLS of a server from PEM files, the same for every listener (ingest, admin, the query API).
 *
 * @param certFile the server certificate chain (PEM)
 * @param keyFile the server private key (PKCS#8 PEM)
 * @param clientCaFile CA certificates that client certificates must chain to, or null
 * @param clientAuth whether clients must present a certificate (mTLS)
 */
public record ServerTls(Path certFile, Path keyFile, Path clientCaFile, ClientAuth clientAuth) {

  /** Whether client certificates are not asked for, asked for, or required. */
  public enum ClientAuth {
    NONE,
    OPTIONAL,
    REQUIRE
  }

  public ServerTls {
    requireNonNull(certFile, "certFile");
    requireNonNull(keyFile, "keyFile");
    requireNonNull(clientAuth, "clientAuth");
    if (clientAuth != ClientAuth.NONE && clientCaFile == null) {
      throw new IllegalArgumentException(
          "clientCaFile: null (expected: a CA file when clientAuth is " + clientAuth + ")");
    }
  }

  /**
   * The JDK server context; the client CAs are trusted only when client certificates are asked for.
   * A problem with a file is reported with the file's name, after {@code what}.
   */
  public SSLContext serverContext(String what) throws IOException {
    try {
      return PemFiles.sslContext(
          certFile, keyFile, clientAuth == ClientAuth.NONE ? null : clientCaFile);
    } catch (GeneralSecurityException e) {
      throw new IOException(what + ": " + e.getMessage(), e);
    }
  }
}
