package dev.vitals.streams.query;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * HTTPS for the query server from PEM files: a certificate chain, its PKCS#8 key and, to check
 * client certificates, a CA bundle. The same files make the client side of calls to other
 * instances: the key is presented when they ask for a client certificate, and {@code clientCaFile},
 * when set, is what their server certificates are checked against (else the JDK's default trust).
 */
public record QueryTls(Path certFile, Path keyFile, Path clientCaFile, ClientAuth clientAuth) {

  /** Whether client certificates are not asked for, asked for, or required. */
  public enum ClientAuth {
    NONE,
    OPTIONAL,
    REQUIRE
  }

  public QueryTls {
    requireNonNull(certFile, "certFile");
    requireNonNull(keyFile, "keyFile");
    requireNonNull(clientAuth, "clientAuth");
    if (clientAuth != ClientAuth.NONE && clientCaFile == null) {
      throw new IllegalArgumentException(
          "clientCaFile: null (expected: a CA file when clientAuth is " + clientAuth + ")");
    }
  }
}
