package dev.vitals.app.admin;

import dev.vitals.ingest.IngestSettings.ClientAuth;
import dev.vitals.ingest.IngestSettings.Tls;
import dev.vitals.schemas.tls.PemFiles;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/** A server {@link SSLContext} from PEM files: certificate chain, PKCS#8 key, client CAs. */
final class ServerSsl {

  private ServerSsl() {}

  /** The context for {@code tls}; a problem with a file is reported with the file's name. */
  static SSLContext context(Tls tls) throws IOException {
    try {
      return PemFiles.sslContext(
          tls.certFile(),
          tls.keyFile(),
          tls.clientAuth() == ClientAuth.NONE ? null : tls.clientCaFile());
    } catch (GeneralSecurityException e) {
      throw new IOException("admin TLS: " + e.getMessage(), e);
    }
  }
}
