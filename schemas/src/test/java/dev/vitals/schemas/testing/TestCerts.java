package dev.vitals.schemas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.common.tls.PemFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A test CA with a server certificate (SAN localhost, 127.0.0.1) and a client certificate, made
 * with the {@code openssl} command in {@code dir}, shared by the TLS tests of every stage: ca.pem,
 * server.pem/.key, client.pem/.key (EC P-256, PKCS#8).
 */
public final class TestCerts {

  public final Path dir;

  private TestCerts(Path dir) {
    this.dir = dir;
  }

  public static TestCerts create(Path dir) throws Exception {
    TestCerts certs = new TestCerts(dir);
    certs.openssl(
        "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
    certs.openssl(
        "req",
        "-x509",
        "-new",
        "-key",
        "ca.key",
        "-subj",
        "/CN=Vitals Admin Test CA",
        "-days",
        "2",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        "ca.pem");
    certs.issue(
        "server",
        "localhost",
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    certs.issue("client", "test-client", "extendedKeyUsage=clientAuth\n");
    return certs;
  }

  public Path file(String name) {
    return dir.resolve(name);
  }

  /** Trusts the test CA; presents the client certificate when {@code withClientCert}. */
  public SSLContext clientContext(boolean withClientCert) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        withClientCert ? PemFiles.keyManagers(file("client.pem"), file("client.key")) : null,
        PemFiles.trustManagers(file("ca.pem")),
        null);
    return context;
  }

  private void issue(String name, String cn, String extensions) throws Exception {
    openssl(
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        name + ".key");
    openssl("req", "-new", "-key", name + ".key", "-subj", "/CN=" + cn, "-out", name + ".csr");
    Files.writeString(file(name + ".ext"), "basicConstraints=CA:FALSE\n" + extensions);
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        name + ".ext",
        "-out",
        name + ".pem");
  }

  private void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("openssl %s: %s", command, output).isZero();
  }
}
