package dev.vitals.app.admin;

import dev.vitals.ingest.IngestSettings.ClientAuth;
import dev.vitals.ingest.IngestSettings.Tls;
import dev.vitals.schemas.tls.PemFiles;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** A server {@link SSLContext} from PEM files: certificate chain, PKCS#8 key, client CAs. */
final class ServerSsl {

  private ServerSsl() {}

  /** The context for {@code tls}; a problem with a file is reported with the file's name. */
  static SSLContext context(Tls tls) throws IOException {
    try {
      TrustManager[] trust =
          tls.clientAuth() == ClientAuth.NONE ? null : PemFiles.trustManagers(tls.clientCaFile());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(PemFiles.keyManagers(tls.certFile(), tls.keyFile()), trust, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("admin TLS: " + e.getMessage(), e);
    }
  }
}
