package dev.vitals.app.admin;

import dev.vitals.ingest.IngestSettings.ClientAuth;
import dev.vitals.ingest.IngestSettings.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** A server {@link SSLContext} from PEM files: certificate chain, PKCS#8 key, client CAs. */
final class ServerSsl {

  private ServerSsl() {}

  /** The context for {@code tls}; a problem with a file is reported with the file's name. */
  static SSLContext context(Tls tls) throws IOException {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] none = new char[0];
      Certificate[] chain = certificates(tls.certFile()).toArray(Certificate[]::new);
      if (chain.length == 0) {
        throw new IOException(tls.certFile() + ": no certificate in the file");
      }
      keys.setKeyEntry("server", privateKey(tls.keyFile()), none, chain);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, none);
      TrustManager[] trust = null;
      if (tls.clientAuth() != ClientAuth.NONE) {
        KeyStore cas = KeyStore.getInstance("PKCS12");
        cas.load(null, null);
        int i = 0;
        for (Certificate ca : certificates(tls.clientCaFile())) {
          cas.setCertificateEntry("client-ca-" + i++, ca);
        }
        if (i == 0) {
          throw new IOException(tls.clientCaFile() + ": no certificate in the file");
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(cas);
        trust = tmf.getTrustManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), trust, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("admin TLS: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(Path file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(
          file + ": not PEM certificates (" + e.getMessage() + ")", e);
    }
  }

  /** A PKCS#8 ({@code BEGIN PRIVATE KEY}) RSA or EC key. */
  private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new GeneralSecurityException(file + ": expected a PKCS#8 key (BEGIN PRIVATE KEY)");
    }
    String body =
        pem.replaceAll("(?s).*-----BEGIN PRIVATE KEY-----", "")
            .replaceAll("(?s)-----END PRIVATE KEY-----.*", "")
            .replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec;
    try {
      spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException(file + ": the key is not valid base64", e);
    }
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException(file + ": not an RSA or EC private key");
  }
}
