package io.pgha.core.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the API's {@link SSLContext}s, the server's and the one for calling peers, from a PKCS#12
 * key store or PEM files and the {@code restapi.cafile} authorities.
 */
final class TlsContexts {
  private static final Pattern PEM_KEY =
      Pattern.compile(
          "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");
  private static final char[] NO_PASSWORD = new char[0];

  private TlsContexts() {}

  /**
   * The server context.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it (never a password)
   */
  static SSLContext server(ApiConfig config) {
    return context(keyManagers(config.tls().orElseThrow()), trustManagers(config.clientCaFile()));
  }

  /**
   * The context this member calls its peers' APIs with, as Patroni's: it trusts {@code
   * restapi.cafile} (the JDK's trusted authorities when there is none) and presents this member's
   * own certificate, for peers that require client certificates.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it (never a password)
   */
  static SSLContext client(ApiConfig config) {
    return context(
        config.tls().map(TlsContexts::keyManagers).orElse(null),
        trustManagers(config.clientCaFile()));
  }

  private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("restapi TLS cannot be set up: " + e.getMessage(), e);
    }
  }

  private static KeyManager[] keyManagers(ApiConfig.Tls tls) {
    try {
      KeyStore keys;
      char[] password;
      if (tls.keyStore() != null) {
        password = tls.keyStorePassword() == null ? NO_PASSWORD : tls.keyStorePassword();
        keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.keyStore())) {
          keys.load(in, password);
        } catch (IOException | GeneralSecurityException e) {
          throw new IllegalArgumentException(
              "restapi keystore "
                  + tls.keyStore()
                  + " cannot be read as PKCS#12 with the given password: "
                  + e.getMessage(),
              e);
        }
      } else {
        password = NO_PASSWORD;
        keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        List<Certificate> chain = certificates(tls.certFile(), "restapi certfile");
        keys.setKeyEntry(
            "api", privateKey(tls.keyFile()), password, chain.toArray(Certificate[]::new));
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      return kmf.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("restapi TLS cannot be set up: " + e.getMessage(), e);
    }
  }

  /** The authorities in {@code caFile}; null (the JDK's defaults) without one. */
  private static TrustManager[] trustManagers(Optional<Path> caFile) {
    if (caFile.isEmpty()) {
      return null;
    }
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      int i = 0;
      for (Certificate c : certificates(caFile.get(), "restapi cafile")) {
        trusted.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("restapi TLS cannot be set up: " + e.getMessage(), e);
    }
  }

  private static List<Certificate> certificates(Path file, String setting) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(setting + " " + file + " holds no certificate");
      }
      return new ArrayList<>(certs);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          setting + " " + file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("restapi keyfile " + file + " cannot be read", e);
    }
    Matcher m = PEM_KEY.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "restapi keyfile " + file + " holds no PEM private key (BEGIN PRIVATE KEY)");
    }
    if (!m.group(1).isEmpty()) {
      throw new IllegalArgumentException(
          "restapi keyfile "
              + file
              + " holds a '"
              + m.group(1).trim()
              + "' key; use an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt)");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Try the next algorithm: PKCS#8 names it inside, but KeyFactory wants it up front.
      }
    }
    throw new IllegalArgumentException(
        "restapi keyfile " + file + " holds a private key of an unsupported algorithm");
  }
}
