package io.pgha.core.agent;

import io.pgha.core.config.FencingSettings;
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
 * A Linux watchdog device (Patroni's {@code watchdog} section): armed before this member promotes,
 * written to by the HA loop after every cycle while PostgreSQL runs read-write, and disarmed with
 * the magic close ({@code 'V'}) when it stops being primary cleanly. If the agent freezes while
 * PostgreSQL accepts writes, the writes stop and the kernel resets the host.
 *
 * <p>Java cannot issue the watchdog ioctls (set timeout, keep-alive) without native code, so the
 * device timeout is not set here: it must be configured on the driver (softdog's {@code
 * soft_margin}) to at most {@code ttl - safety_margin}. When the timeout is readable from {@code
 * /sys/class/watchdog/<device>/timeout}, a longer one refuses the watchdog ({@code required}: no
 * promotion; {@code automatic}: promotion without it, with a warning). A keep-alive is any write.
 */
final class Watchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
  private static final byte[] KEEPALIVE = "1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAGIC_CLOSE = "V".getBytes(StandardCharsets.US_ASCII);

  private final String name;
  private final WatchdogMode mode;
  private final Path device;
  private final long safetyMarginSeconds;
  private final Path sysfsRoot;
  private FileChannel channel;

  Watchdog(String name, FencingSettings settings) {
    this(name, settings, Path.of("/sys/class/watchdog"));
  }

  Watchdog(String name, FencingSettings settings, Path sysfsRoot) {
    this.name = name;
    this.mode = settings.watchdogMode();
    this.device = settings.watchdogDevice();
    this.safetyMarginSeconds = settings.watchdogSafetyMargin().getSeconds();
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
    long wanted = ttlSeconds - safetyMarginSeconds;
    OptionalLong timeout = deviceTimeoutSeconds();
    if (timeout.isPresent() && (timeout.getAsLong() > wanted || timeout.getAsLong() <= 0)) {
      return unusable(
          "its timeout ("
              + timeout.getAsLong()
              + "s) is not within ttl - safety_margin ("
              + ttlSeconds
              + "s - "
              + safetyMarginSeconds
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
    if (timeout.isEmpty()) {
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
    LOG.warn("[{}] {}; going on without a watchdog (watchdog.mode automatic)", name, sentence);
    return Optional.empty();
  }

  /** After a cycle: keeps the watchdog alive while PostgreSQL runs read-write, else disarms it. */
  synchronized void afterCycle(boolean runsReadWrite, long ttlSeconds) {
    if (mode == WatchdogMode.OFF) {
      return;
    }
    if (!runsReadWrite) {
      disarm();
      return;
    }
    if (channel == null) {
      // A primary that did not come through a promotion (bootstrap, agent restarted next to a
      // running primary) is protected from now on.
      arm(ttlSeconds)
          .ifPresent(
              why ->
                  LOG.error("[{}] PostgreSQL runs read-write without a watchdog: {}", name, why));
      return;
    }
    write(KEEPALIVE);
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
