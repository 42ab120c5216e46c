package org.diffract.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.diffract.core.UserError;

/**
 * Writes every output file under a temporary name in the target's folder and renames it into place, so a
 * reader (or a resumed run after a crash) sees either the old complete file or the new complete file,
 * never a half-written one.
 */
public final class AtomicFiles {

    /** Writes the whole content into {@code tmp}; the caller renames it. */
    @FunctionalInterface
    public interface IoWriter {
        void write(Path tmp) throws IOException;
    }

    /*
     * Temp names are <name>.tmp-<pid>-<n>. MPJ multicore ranks are threads of one process with their own
     * class loaders, so each rank has its own copy of this counter: starting it at a random value keeps
     * two ranks from picking the same temp name.
     */
    private static final AtomicLong COUNTER = new AtomicLong(new SecureRandom().nextInt() & 0x7fffffffL);

    private AtomicFiles() {
    }

    /**
     * Creates the parent folders, lets {@code writer} fill a temporary file beside {@code target}, flushes it
     * to disk and renames it over {@code target}. The temporary file is deleted when anything fails.
     *
     * @throws UserError naming the file when the folder cannot be created or written
     */
    public static void write(Path target, IoWriter writer) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = dir.resolve(abs.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + COUNTER.incrementAndGet());
        try {
            Files.createDirectories(dir);
            writer.write(tmp);
            // The rename is only worth something if the data reached the disk before it.
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UserError("cannot write " + target + ": " + reason(e)
                    + "; check the folder exists and is writable", e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /**
     * Creates {@code folder} (and its parents) for a stage's outputs, or fails in one line naming it and why.
     *
     * @return whether the folder was made now (false: it existed), so a failed run can remove what it made
     */
    public static boolean createFolder(Path folder) {
        boolean existed = Files.isDirectory(folder);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UserError("cannot create output folder " + folder + ": " + reason(e)
                    + "; choose a writable folder", e);
        }
        return !existed;
    }

    public static void writeBytes(Path target, byte[] content) {
        write(target, tmp -> Files.write(tmp, content));
    }

    public static void writeString(Path target, String content) {
        writeBytes(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A short human reason: the JDK's messages for these are just the path, which we already print. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such folder";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // The original failure is the one worth reporting; a stray temp file is harmless.
        }
    }
}
