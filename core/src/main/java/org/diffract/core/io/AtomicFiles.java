package org.diffract.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

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
    private static final Pattern UNFINISHED = Pattern.compile(".+\\.tmp-\\d+-\\d+");
    private static final AtomicLong COUNTER = new AtomicLong(new SecureRandom().nextInt() & 0x7fffffffL);

    private AtomicFiles() {}

    /**
     * Creates the parent folders, lets {@code writer} fill a temporary file beside {@code target}, flushes it
     * to disk and renames it over {@code target}. The temporary file is deleted when anything fails.
     *
     * @throws UserError naming the file when the folder cannot be created or written
     */
    public static void write(Path target, IoWriter writer) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = dir.resolve(
                abs.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
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
            throw cannotWrite(target, e);
        } catch (UserError e) {
            deleteQuietly(tmp);
            throw e;
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            // a writer library wraps the IOException (jhdf's HdfWritingException): a full disk is still the user's
            if (ioCause(e) != null) {
                throw cannotWrite(target, e);
            }
            throw e;
        } catch (Error e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** "cannot write FILE: why; what to do", the why and the fix from the I/O failure behind {@code e}. */
    public static UserError cannotWrite(Path target, Throwable e) {
        return new UserError("cannot write " + target + ": " + reason(e) + "; " + fix(e), e);
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
            throw new UserError(
                    "cannot create output folder " + folder + ": " + folderReason(folder, e) + "; "
                            + (isNoSpace(e) ? fix(e) : "choose a writable folder"),
                    e);
        }
        if (!Files.isWritable(folder)) {
            throw new UserError("output folder " + folder + " is not writable (permission denied); choose a writable "
                    + "folder or change its permissions");
        }
        return !existed;
    }

    /** Names the file that stands where a folder is needed, the usual cause of a folder that cannot be made. */
    private static String folderReason(Path folder, IOException e) {
        for (Path p = folder.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                return p + " is a file, not a folder";
            }
        }
        return reason(e);
    }

    /**
     * Removes the temporary files ({@code NAME.tmp-PID-N}, see {@link #write}) that a killed run left in
     * {@code folder}: each is an unfinished copy of a file whose previous version, if any, is still whole. For a
     * stage to call when it starts (or resumes) in a folder, before it writes anything there. Returns how many.
     *
     * @throws UserError naming the folder when they cannot be removed
     */
    public static int removeUnfinished(Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(
                folder, p -> UNFINISHED.matcher(p.getFileName().toString()).matches())) {
            for (Path p : s) {
                Files.deleteIfExists(p);
                removed++;
            }
        } catch (IOException e) {
            throw new UserError("cannot remove the unfinished temporary files in " + folder + ": " + reason(e)
                    + "; check the folder is writable");
        }
        return removed;
    }

    public static void writeBytes(Path target, byte[] content) {
        write(target, tmp -> Files.write(tmp, content));
    }

    public static void writeString(Path target, String content) {
        writeBytes(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A short human reason from the I/O failure behind {@code e} (writers such as ImageIO or jhdf wrap it in
     * their own words, "I/O error writing PNG file!"): the JDK's messages for these are just the path, which the
     * caller prints already.
     */
    static String reason(Throwable e) {
        IOException io = ioCause(e);
        if (io == null) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (isNoSpace(e)) {
            return "no space left on the device";
        }
        if (io instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (io instanceof NoSuchFileException) {
            return "no such folder";
        }
        if (io instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage();
    }

    private static String fix(Throwable e) {
        if (isNoSpace(e)) {
            return "free some space there or write to another folder";
        }
        return "check the folder exists and is writable";
    }

    /** The innermost IOException in the causes of {@code e}: the one that says what the system refused. */
    private static IOException ioCause(Throwable e) {
        IOException found = null;
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException io) {
                found = io;
            }
        }
        return found;
    }

    /** ENOSPC or EDQUOT anywhere in the causes (the JDK gives them only as message text). */
    private static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            String m = t instanceof FileSystemException fse ? fse.getReason() : t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // The original failure is the one worth reporting; a stray temp file is harmless.
        }
    }
}
