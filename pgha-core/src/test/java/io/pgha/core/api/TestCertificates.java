package io.pgha.core.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Self-signed certificates made with the JDK's {@code keytool}, for the TLS tests. */
public final class TestCertificates {
  private TestCertificates() {}

  /**
   * A new EC key and self-signed certificate in a PKCS#12 key store, valid two days.
   *
   * @param san the subject alternative names ({@code ip:127.0.0.1,dns:localhost}), or null
   */
  public static void selfSigned(
      Path keyStore, String alias, String subject, String san, char[] password) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                subject,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                new String(password)));
    if (san != null) {
      args.addAll(List.of("-ext", "san=" + san));
    }
    keytool(args);
  }

  /** Writes the certificate of {@code alias} as PEM. */
  public static void exportPem(Path keyStore, String alias, char[] password, Path pem) {
    keytool(
        List.of(
            "-exportcert",
            "-rfc",
            "-alias",
            alias,
            "-keystore",
            keyStore.toString(),
            "-storepass",
            new String(password),
            "-file",
            pem.toString()));
  }

  private static void keytool(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(args);
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool did not finish: " + command);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("keytool failed (" + p.exitValue() + "): " + out);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
