package io.pgha.core.dcs;

import io.pgha.core.config.EtcdSettings.SrvDiscovery;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Patroni's etcd discovery through DNS SRV records ({@code etcd3.srv}, {@code srv_suffix}): the
 * record sets are tried in Patroni's order and the first one that names anything gives the
 * endpoints. Client records ({@code _etcd-client-ssl}, {@code _etcd-client}, {@code _etcd-ssl},
 * {@code _etcd}) name client ports; server records ({@code _etcd-server-ssl}, {@code _etcd-server})
 * name peer ports, whose {@code /members} lists the members' client URLs.
 *
 * <p>Lookups go through JNDI's DNS provider with an environment of their own (the DNS server, short
 * timeouts), so nothing JVM-wide changes.
 */
final class EtcdSrvDiscovery {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdSrvDiscovery.class);

  /** Patroni's order; {@code -ssl} means https, {@code -server} peer ports. */
  static final List<String> KINDS =
      List.of("-client-ssl", "-client", "-ssl", "", "-server-ssl", "-server");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private EtcdSrvDiscovery() {}

  /** The record names tried, in order. */
  static List<String> recordNames(SrvDiscovery srv) {
    List<String> names = new ArrayList<>();
    for (String kind : KINDS) {
      String k = srv.suffix() == null ? kind : kind + "-" + srv.suffix();
      names.add("_etcd" + k + "._tcp." + stripDot(srv.domain()));
    }
    return names;
  }

  /**
   * The endpoints the first record set with targets names; empty when none does (or DNS does not
   * answer within about {@code timeout}).
   *
   * @param member for log lines
   */
  static List<URI> endpoints(SrvDiscovery srv, String member, Duration timeout) {
    List<String> names = recordNames(srv);
    for (int i = 0; i < KINDS.size(); i++) {
      String kind = KINDS.get(i);
      String protocol = kind.contains("-ssl") ? "https" : "http";
      List<Target> targets = lookup(srv, names.get(i), member, timeout);
      if (targets.isEmpty()) {
        continue;
      }
      Set<URI> found = new LinkedHashSet<>();
      if (kind.startsWith("-server")) {
        for (Target t : targets) {
          List<URI> clients = membersClientUrls(protocol, t, member, timeout);
          if (!clients.isEmpty()) {
            found.addAll(clients);
            break;
          }
        }
      } else {
        targets.forEach(t -> found.add(URI.create(protocol + "://" + t.host() + ":" + t.port())));
      }
      if (!found.isEmpty()) {
        LOG.info("[{}] etcd endpoints from the SRV records {}: {}", member, names.get(i), found);
        return List.copyOf(found);
      }
    }
    LOG.warn("[{}] no SRV record names an etcd endpoint: {}", member, names);
    return List.of();
  }

  private record Target(int priority, int weight, String host, int port) {}

  private static List<Target> lookup(SrvDiscovery srv, String name, String member, Duration t) {
    Hashtable<String, String> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    env.put(Context.PROVIDER_URL, srv.dnsServer() == null ? "dns:" : srv.dnsServer().toString());
    // One try of a third of the bound, one retry of twice that: within the bound per name.
    env.put("com.sun.jndi.dns.timeout.initial", Long.toString(Math.max(100, t.toMillis() / 3)));
    env.put("com.sun.jndi.dns.timeout.retries", "2");
    DirContext context = null;
    try {
      context = new InitialDirContext(env);
      Attribute records = context.getAttributes(name + ".", new String[] {"SRV"}).get("SRV");
      List<Target> targets = new ArrayList<>();
      if (records != null) {
        NamingEnumeration<?> all = records.getAll();
        while (all.hasMore()) {
          Target target = parse(String.valueOf(all.next()));
          if (target != null) {
            targets.add(target);
          }
        }
      }
      targets.sort(
          Comparator.comparingInt(Target::priority)
              .thenComparing(Comparator.comparingInt(Target::weight).reversed()));
      return targets;
    } catch (NameNotFoundException e) {
      return List.of();
    } catch (NamingException e) {
      LOG.warn("[{}] SRV lookup of {} failed: {}", member, name, e.toString());
      return List.of();
    } finally {
      if (context != null) {
        try {
          context.close();
        } catch (NamingException e) {
          // Nothing held open worth reporting.
        }
      }
    }
  }

  /** {@code priority weight port target.}; null when malformed. */
  private static Target parse(String record) {
    String[] f = record.trim().split("\\s+");
    if (f.length != 4) {
      return null;
    }
    try {
      String host = stripDot(f[3]);
      int port = Integer.parseInt(f[2]);
      if (host.isEmpty() || port <= 0 || port > 65535) {
        return null;
      }
      return new Target(Integer.parseInt(f[0]), Integer.parseInt(f[1]), host, port);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A peer port's {@code /members}: every member's {@code clientURLs}. */
  private static List<URI> membersClientUrls(
      String protocol, Target peer, String member, Duration timeout) {
    URI url = URI.create(protocol + "://" + peer.host() + ":" + peer.port() + "/members");
    // Once per start: the client's thread ends with it (Java 17 has no close()).
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 400) {
        LOG.warn("[{}] GET {}: {}", member, url, r.statusCode());
        return List.of();
      }
      List<URI> urls = new ArrayList<>();
      JsonNode members = JSON.readTree(r.body());
      for (JsonNode m : members.isArray() ? members : members.path("members")) {
        for (JsonNode u : m.path("clientURLs")) {
          urls.add(URI.create(u.asString()));
        }
      }
      return urls;
    } catch (IOException | RuntimeException e) {
      LOG.warn("[{}] GET {} failed: {}", member, url, e.toString());
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
