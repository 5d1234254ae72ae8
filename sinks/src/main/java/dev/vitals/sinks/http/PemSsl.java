package dev.vitals.sinks.http;

import dev.vitals.common.tls.PemFiles;
import dev.vitals.sinks.SinkSettings.Tls;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Client SSL contexts from PEM files: a CA bundle, and a certificate with its PKCS#8 key. */
final class PemSsl {

  private PemSsl() {}

  static SSLContext clientContext(Tls tls) throws GeneralSecurityException, IOException {
    if (!tls.insecureSkipVerify()) {
      return PemFiles.sslContext(tls.certFile(), tls.keyFile(), tls.caFile());
    }
    KeyManager[] keys =
        tls.certFile() == null ? null : PemFiles.keyManagers(tls.certFile(), tls.keyFile());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, new TrustManager[] {new TrustAll()}, new SecureRandom());
    return context;
  }

  /** For {@code insecureSkipVerify}: trusts any server. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
