package dev.vitals.common.tls;

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
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key and trust managers from PEM files — a certificate chain with its PKCS#8 key, and CA bundles —
 * for the JDK's TLS (the admin and query servers, the sinks' HTTP client) and for ingest's Netty
 * TLS, which takes the keys and certificates loaded here: one loader for every listener. Problems
 * name the file.
 */
public final class PemFiles {

  private PemFiles() {}

  /** Key managers presenting the chain in {@code certFile} with the key in {@code keyFile}. */
  public static KeyManager[] keyManagers(Path certFile, Path keyFile)
      throws GeneralSecurityException, IOException {
    Certificate[] chain = certificates(certFile);
    KeyStore store = emptyStore();
    char[] none = new char[0];
    store.setKeyEntry("key", privateKey(keyFile), none, chain);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, none);
    return kmf.getKeyManagers();
  }

  /**
   * A TLS context presenting the chain in {@code certFile} with the key in {@code keyFile} (none
   * when {@code certFile} is null) and trusting exactly the CAs in {@code caFile} (the JDK's
   * default trust when null): servers pass their client CAs, clients their server CAs.
   */
  public static SSLContext sslContext(Path certFile, Path keyFile, Path caFile)
      throws GeneralSecurityException, IOException {
    KeyManager[] keys = certFile == null ? null : keyManagers(certFile, keyFile);
    TrustManager[] trust = caFile == null ? null : trustManagers(caFile);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, trust, new SecureRandom());
    return context;
  }

  /** Trust managers trusting exactly the CA certificates in {@code caFile}. */
  public static TrustManager[] trustManagers(Path caFile)
      throws GeneralSecurityException, IOException {
    KeyStore store = emptyStore();
    int i = 0;
    for (Certificate ca : certificates(caFile)) {
      store.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf.getTrustManagers();
  }

  /** The certificates of a PEM file, in file order; at least one. */
  public static X509Certificate[] certificates(Path file)
      throws GeneralSecurityException, IOException {
    X509Certificate[] certs;
    try (InputStream in = Files.newInputStream(file)) {
      certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
              .map(X509Certificate.class::cast)
              .toArray(X509Certificate[]::new);
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(
          file + ": not PEM certificates (" + e.getMessage() + ")", e);
    }
    if (certs.length == 0) {
      throw new GeneralSecurityException(file + ": no certificate in the file");
    }
    return certs;
  }

  /** A PKCS#8 ({@code BEGIN PRIVATE KEY}) RSA, EC or Ed25519 key. */
  public static PrivateKey privateKey(Path file) throws GeneralSecurityException, IOException {
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
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException(file + ": not an RSA, EC or Ed25519 private key");
  }

  private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }
}
