package io.pgha.core.config;

import io.netty.handler.ssl.CipherSuiteConverter;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Patroni's {@code restapi.ciphers} (an OpenSSL cipher list, handed to Python's {@code
 * SSLContext.set_ciphers}) as the JSSE cipher suite names this JVM supports. Only suites named one
 * by one are understood, in OpenSSL's names ({@code ECDHE-RSA-AES128-GCM-SHA256}) or JSSE's ({@code
 * TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}); OpenSSL's keywords and operators ({@code HIGH}, {@code
 * !aNULL}, {@code +RSA}, {@code @STRENGTH}) are refused rather than guessed at, since a cipher list
 * narrows what a client may use and a wrong expansion could widen it.
 */
final class OpenSslCipherNames {
  private static final Map<String, String> JAVA_BY_OPENSSL = openSslNames();

  private OpenSslCipherNames() {}

  /**
   * The JSSE names of {@code list}'s suites, in its order without repeats.
   *
   * @param key the configuration key, for the message
   * @return empty when {@code list} is null or blank (the JVM's defaults); null after adding a
   *     problem to {@code checks}
   */
  static List<String> toJava(String key, String list, ConfigChecks checks) {
    if (list == null || list.isBlank()) {
      return List.of();
    }
    Set<String> suites = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    for (String name : list.trim().split("[:,\\s]+")) {
      String java = javaName(name);
      if (java == null) {
        unknown.add(name);
      } else {
        suites.add(java);
      }
    }
    if (!unknown.isEmpty()) {
      checks.problem(
          key
              + " ("
              + String.join(":", unknown)
              + ") must name cipher suites this JVM supports, one by one, in OpenSSL's names (e.g."
              + " ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384) or JSSE's; OpenSSL's"
              + " keywords and operators (HIGH, !aNULL, +RSA, @STRENGTH) are not expanded");
      return null;
    }
    return List.copyOf(suites);
  }

  private static String javaName(String name) {
    if (JAVA_BY_OPENSSL.containsValue(name)) {
      return name;
    }
    return JAVA_BY_OPENSSL.get(name.toUpperCase(Locale.ROOT));
  }

  /** OpenSSL's name of every suite this JVM supports, to its JSSE name. */
  private static Map<String, String> openSslNames() {
    Map<String, String> names = new HashMap<>();
    String[] supported;
    try {
      supported = SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM offers no TLS", e);
    }
    for (String java : supported) {
      String openSsl = CipherSuiteConverter.toOpenSsl(java, false);
      names.put(openSsl == null ? java : openSsl.toUpperCase(Locale.ROOT), java);
      // TLS 1.3 suites have the same name in both.
      names.putIfAbsent(java, java);
    }
    return Map.copyOf(names);
  }
}
