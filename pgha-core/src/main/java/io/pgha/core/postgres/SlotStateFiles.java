package io.pgha.core.postgres;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * Installs copies of the primary's logical slots into a stopped server's {@code pg_replslot}, as
 * Patroni does: PostgreSQL loads every slot directory it finds there when it starts. Each slot is
 * written to {@code <name>.tmp} (which PostgreSQL removes at start if left behind), flushed, then
 * renamed into place over an older copy, so that a crash midway leaves the old slot or the new one.
 */
final class SlotStateFiles {
  private final Path replslot;
  private final OsIdentity owner;

  SlotStateFiles(Path dataDir, OsIdentity owner) {
    this.replslot = dataDir.resolve("pg_replslot");
    this.owner = owner;
  }

  void install(List<LogicalSlotState> slots) throws IOException {
    for (LogicalSlotState slot : slots) {
      Path dir = replslot.resolve(slot.name());
      Path temp = replslot.resolve(slot.name() + ".tmp");
      if (!dir.getParent().equals(replslot) || !temp.getParent().equals(replslot)) {
        throw new IOException("slot name (" + slot.name() + ") must be a plain file name");
      }
      deleteTree(temp);
      OsIdentity.createPrivateDirectory(temp, owner);
      Path state = temp.resolve("state");
      try (FileChannel f =
          FileChannel.open(
              state,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        ByteBuffer bytes = ByteBuffer.wrap(slot.state());
        while (bytes.hasRemaining()) {
          f.write(bytes);
        }
        f.force(true);
      }
      OsIdentity.chown(state, owner);
      fsync(temp);
      deleteTree(dir);
      Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      fsync(dir);
    }
    fsync(replslot);
  }

  private static void fsync(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
