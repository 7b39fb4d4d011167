package io.pgha.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A throw-away certificate authority for tests, made with the {@code openssl} command: a CA and the
 * certificates it issues (RSA 2048, PEM, keys in unencrypted PKCS#8, valid two days), in a fresh
 * directory under {@link Testkit#baseDir()} owned by the PostgreSQL OS user, keys readable by their
 * owner only (as PostgreSQL and libpq require).
 *
 * <pre>{@code
 * assumeTrue(TestCa.isAvailable(), TestCa.UNAVAILABLE);
 * TestCa ca = TestCa.create();
 * TestCa.Issued server = ca.issue("server", List.of("127.0.0.1"), List.of("localhost"));
 * }</pre>
 */
public final class TestCa {

  /** Why tests that need a CA are skipped when {@code openssl} is missing. */
  public static final String UNAVAILABLE =
      "no 'openssl' on the PATH: the test CA needs it (apt-get install -y openssl)";

  private static final String DAYS = "2";

  private final Path dir;
  private final Path caCert;
  private final Path caKey;
  private final String name;

  /**
   * A certificate and its key.
   *
   * @param cert PEM certificate
   * @param key PEM PKCS#8 private key, mode 0600
   */
  public record Issued(Path cert, Path key) {}

  private TestCa(Path dir, String name) {
    this.dir = dir;
    this.name = name;
    this.caCert = dir.resolve(name + ".crt");
    this.caKey = dir.resolve(name + ".key");
  }

  /** Whether {@code openssl} is installed. */
  public static boolean isAvailable() {
    return Binaries.onPath("openssl").isPresent();
  }

  /**
   * A new CA in a new directory.
   *
   * @throws IllegalStateException when openssl is missing or fails
   */
  public static TestCa create() {
    return create("ca");
  }

  /** A new CA whose files are named {@code <name>.crt} and {@code <name>.key}. */
  public static TestCa create(String name) {
    Path openssl = Binaries.require("openssl", "apt-get install -y openssl");
    Path dir = OsUser.forPostgres().createOwnedDirectory(Testkit.newWorkDir("ca"));
    TestCa ca = new TestCa(dir, name);
    ca.newKey(ca.caKey);
    Command.run(
            List.of(
                openssl.toString(),
                "req",
                "-x509",
                "-new",
                "-key",
                ca.caKey.toString(),
                "-subj",
                "/CN=pgha test " + name,
                "-days",
                DAYS,
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
                "-out",
                ca.caCert.toString()))
        .requireSuccess();
    ca.own(ca.caCert);
    return ca;
  }

  /** The CA's certificate (PEM): what clients and servers trust. */
  public Path caCert() {
    return caCert;
  }

  /** The directory holding every file of this CA. */
  public Path dir() {
    return dir;
  }

  /**
   * Issues a certificate for servers and clients alike.
   *
   * @param commonName the subject's CN (a client certificate's role name)
   * @param ipAddresses IP subject alternative names
   * @param dnsNames DNS subject alternative names
   */
  public Issued issue(String commonName, List<String> ipAddresses, List<String> dnsNames) {
    if (!commonName.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException(
          "commonName (" + commonName + ") must be letters, digits, '_', '.', '-'");
    }
    Path key = dir.resolve(commonName + ".key");
    Path csr = dir.resolve(commonName + ".csr");
    Path cert = dir.resolve(commonName + ".crt");
    Path ext = dir.resolve(commonName + ".ext");
    newKey(key);
    String sans =
        java.util.stream.Stream.concat(
                ipAddresses.stream().map(ip -> "IP:" + ip),
                dnsNames.stream().map(dns -> "DNS:" + dns))
            .collect(Collectors.joining(","));
    try {
      Files.writeString(
          ext,
          (sans.isEmpty() ? "" : "subjectAltName=" + sans + "\n")
              + "basicConstraints=CA:FALSE\n"
              + "keyUsage=digitalSignature,keyEncipherment\n"
              + "extendedKeyUsage=serverAuth,clientAuth\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String openssl = Binaries.require("openssl", "apt-get install -y openssl").toString();
    Command.run(
            List.of(
                openssl,
                "req",
                "-new",
                "-key",
                key.toString(),
                "-subj",
                "/CN=" + commonName,
                "-out",
                csr.toString()))
        .requireSuccess();
    Command.run(
            List.of(
                openssl,
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                caCert.toString(),
                "-CAkey",
                caKey.toString(),
                "-CAcreateserial",
                "-days",
                DAYS,
                "-extfile",
                ext.toString(),
                "-out",
                cert.toString()))
        .requireSuccess();
    own(cert);
    return new Issued(cert, key);
  }

  private void newKey(Path key) {
    Command.run(
            List.of(
                Binaries.require("openssl", "apt-get install -y openssl").toString(),
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                key.toString()))
        .requireSuccess();
    try {
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    own(key);
  }

  private void own(Path file) {
    OsUser.forPostgres().chown(file);
  }

  @Override
  public String toString() {
    return "TestCa[" + name + " in " + dir + "]";
  }
}
