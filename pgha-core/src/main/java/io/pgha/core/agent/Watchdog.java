package io.pgha.core.agent;

import io.pgha.core.config.FencingSettings;
import io.pgha.core.config.WatchdogDriver;
import io.pgha.core.config.WatchdogMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux watchdog device (Patroni's {@code watchdog} section): armed before this member promotes
 * and by the HA loop while PostgreSQL runs read-write, kept alive by {@link WatchdogKeeper} while
 * this member's leadership is confirmed, and disarmed with the magic close ({@code 'V'}) when it
 * stops being primary cleanly. If the agent freezes or loses its leadership while PostgreSQL
 * accepts writes, the keep-alives stop and the kernel resets the host.
 *
 * <p>Java cannot issue the watchdog ioctls (set timeout, keep-alive) without native code, so the
 * device timeout is not set here: it must be configured on the driver (softdog's {@code
 * soft_margin}) to at most {@code ttl - safety_margin}. When the timeout is readable from {@code
 * /sys/class/watchdog/<device>/timeout}, a longer one refuses the watchdog ({@code required}: no
 * promotion; {@code automatic}: promotion without it, with a warning). A keep-alive is any write.
 * Patroni's test driver ({@link WatchdogDriver#TESTING}) is told the timeout in writing instead,
 * when it is armed and again when {@code ttl} changes.
 *
 * <p>As in Patroni, the watchdog is disarmed in pause mode (nothing demotes a primary then, so
 * nothing may reset its host either) and armed again on resume.
 */
final class Watchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
  private static final byte[] KEEPALIVE = "1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAGIC_CLOSE = "V".getBytes(StandardCharsets.US_ASCII);

  private final String name;
  private final WatchdogMode mode;
  private final Path device;
  private final FencingSettings settings;
  private final Path sysfsRoot;
  private FileChannel channel;
  private long armedTtlSeconds;
  private String lastWarning;

  Watchdog(String name, FencingSettings settings) {
    this(name, settings, Path.of("/sys/class/watchdog"));
  }

  Watchdog(String name, FencingSettings settings, Path sysfsRoot) {
    this.name = name;
    this.mode = settings.watchdogMode();
    this.device = settings.watchdogDevice();
    this.settings = settings;
    this.sysfsRoot = sysfsRoot;
  }

  /**
   * Arms the watchdog before a promotion.
   *
   * @param ttlSeconds the lease ttl in effect
   * @return empty to go ahead with the promotion, else why it must not happen ({@code required}
   *     only)
   */
  synchronized Optional<String> arm(long ttlSeconds) {
    if (mode == WatchdogMode.OFF || channel != null) {
      return Optional.empty();
    }
    long wanted = settings.watchdogTimeoutSeconds(ttlSeconds);
    OptionalLong timeout = deviceTimeoutSeconds();
    if (timeout.isPresent() && (timeout.getAsLong() > wanted || timeout.getAsLong() <= 0)) {
      return unusable(
          "its timeout ("
              + timeout.getAsLong()
              + "s) is not within ttl - safety_margin ("
              + ttlSeconds
              + "s - "
              + settings.watchdogSafetyMargin().getSeconds()
              + "s = "
              + wanted
              + "s); set the driver's timeout (softdog soft_margin) to at most "
              + wanted
              + "s");
    }
    try {
      channel = FileChannel.open(device, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return unusable("it cannot be opened for writing: " + e);
    }
    armedTtlSeconds = ttlSeconds;
    lastWarning = null;
    if (settings.watchdogDriver() == WatchdogDriver.TESTING) {
      if (!tellTimeout(wanted)) {
        return unusable("its timeout could not be written");
      }
      LOG.info("[{}] watchdog {} armed, timeout set to {}s", name, device, wanted);
    } else if (timeout.isEmpty()) {
      LOG.warn(
          "[{}] watchdog {} armed; its timeout cannot be read from {}: make sure it is at most ttl"
              + " - safety_margin ({}s)",
          name,
          device,
          sysfsRoot,
          wanted);
    } else {
      LOG.info("[{}] watchdog {} armed, timeout {}s", name, device, timeout.getAsLong());
    }
    if (!write(KEEPALIVE)) {
      return unusable("the first keep-alive could not be written");
    }
    return Optional.empty();
  }

  private Optional<String> unusable(String why) {
    closeQuietly();
    String sentence = "watchdog device " + device + " is unusable: " + why;
    if (mode == WatchdogMode.REQUIRED) {
      return Optional.of(sentence + " (watchdog.mode required)");
    }
    // The loop tries again every cycle on a primary: say it once, not every loop_wait.
    if (!sentence.equals(lastWarning)) {
      LOG.warn("[{}] {}; going on without a watchdog (watchdog.mode automatic)", name, sentence);
      lastWarning = sentence;
    }
    return Optional.empty();
  }

  /**
   * After a cycle: keeps the watchdog armed while PostgreSQL runs read-write (arming it if it is
   * not, telling it a new timeout when {@code ttl} changed), else disarms it; disarms it in pause
   * mode. The keep-alives are {@link WatchdogKeeper}'s, not the loop's.
   *
   * @return why PostgreSQL runs read-write without the watchdog {@code required} asks for; empty
   *     otherwise
   */
  synchronized Optional<String> afterCycle(boolean runsReadWrite, boolean paused, long ttlSeconds) {
    if (mode == WatchdogMode.OFF) {
      return Optional.empty();
    }
    if (!runsReadWrite || paused) {
      disarm();
      return Optional.empty();
    }
    if (channel == null) {
      // A primary that did not come through a promotion (bootstrap, agent restarted next to a
      // running primary, resume after a pause) is protected from now on.
      Optional<String> refused = arm(ttlSeconds);
      refused.ifPresent(
          why -> LOG.error("[{}] PostgreSQL runs read-write without a watchdog: {}", name, why));
      return refused;
    }
    if (ttlSeconds != armedTtlSeconds) {
      retime(ttlSeconds);
    }
    return Optional.empty();
  }

  /**
   * A keep-alive, from {@link WatchdogKeeper}'s thread; nothing when disarmed. A device that cannot
   * be written to is closed without the magic close (it keeps counting): the next cycle arms it
   * again, and a {@code required} watchdog that cannot be armed demotes this member.
   *
   * @return whether a keep-alive was written
   */
  synchronized boolean keepAlive() {
    if (channel == null) {
      return false;
    }
    if (write(KEEPALIVE)) {
      return true;
    }
    closeQuietly();
    LOG.error(
        "[{}] watchdog {} closed after a failed keep-alive; the next cycle arms it again",
        name,
        device);
    return false;
  }

  /**
   * {@code ttl} changed while armed: the timeout follows it, as Patroni reconfigures the device.
   */
  private void retime(long ttlSeconds) {
    long wanted = settings.watchdogTimeoutSeconds(ttlSeconds);
    armedTtlSeconds = ttlSeconds;
    lastWarning = null;
    if (settings.watchdogDriver() == WatchdogDriver.TESTING) {
      if (tellTimeout(wanted)) {
        LOG.info("[{}] watchdog {} timeout set to {}s (ttl {}s)", name, device, wanted, ttlSeconds);
      }
      return;
    }
    OptionalLong timeout = deviceTimeoutSeconds();
    if (timeout.isPresent() && timeout.getAsLong() > wanted) {
      LOG.warn(
          "[{}] ttl is {}s now: watchdog {} fires after {}s, more than ttl - safety_margin ({}s);"
              + " set the driver's timeout (softdog soft_margin) to at most {}s",
          name,
          ttlSeconds,
          device,
          timeout.getAsLong(),
          wanted,
          wanted);
    }
  }

  /** The test driver's stand-in for the set-timeout ioctl. */
  private boolean tellTimeout(long seconds) {
    return write(("Ctimeout=" + seconds + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** The magic close: the device stops counting. */
  synchronized void disarm() {
    if (channel == null) {
      return;
    }
    write(MAGIC_CLOSE);
    closeQuietly();
    LOG.info("[{}] watchdog {} disarmed", name, device);
  }

  synchronized boolean isArmed() {
    return channel != null;
  }

  private boolean write(byte[] bytes) {
    try {
      channel.write(ByteBuffer.wrap(bytes));
      return true;
    } catch (IOException e) {
      LOG.error("[{}] writing to watchdog {} failed: {}", name, device, e.getMessage());
      return false;
    }
  }

  private OptionalLong deviceTimeoutSeconds() {
    if (settings.watchdogDriver() == WatchdogDriver.TESTING) {
      return OptionalLong.empty();
    }
    String dev = device.getFileName() == null ? "" : device.getFileName().toString();
    Path file = sysfsRoot.resolve(dev.equals("watchdog") ? "watchdog0" : dev).resolve("timeout");
    try {
      return OptionalLong.of(Long.parseLong(Files.readString(file).trim()));
    } catch (IOException | NumberFormatException | SecurityException e) {
      return OptionalLong.empty();
    }
  }

  private void closeQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("[{}] closing watchdog: {}", name, e.toString());
      }
      channel = null;
    }
  }

  /**
   * Closes without the magic character, as a crash would: the device keeps counting. For {@link
   * Agent#halt()}.
   */
  synchronized void abandon() {
    closeQuietly();
  }

  /** Clean stop: disarms. */
  @Override
  public void close() {
    disarm();
  }
}
