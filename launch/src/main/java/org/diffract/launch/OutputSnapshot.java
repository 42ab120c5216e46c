package org.diffract.launch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A run's output folder as it was before the run, so that a failed run leaves it as it found it: what the run
 * made goes (the folder itself, when the run made it), files it replaced come back byte for byte, and lines it
 * appended to a file (a log) are cut off again. Outputs are written to a temporary name and renamed
 * (core.io.AtomicFiles), so a replaced file is a new inode: a hard link to each earlier file, taken before the run,
 * keeps the old content at no cost in space. Only entries directly in the folder that the stage names as its own
 * are looked at; everything else in the folder is never touched.
 */
final class OutputSnapshot {
    /** An entry of the folder before the run: its inode, size and time, and the hard link that keeps it. */
    private record Entry(Object key, long size, long modified, Path kept) {}

    private final Path folder;
    private final Predicate<String> runFile;
    /** The outermost folder the run will create, or null when the output folder exists. */
    private final Path made;

    private final Map<String, Entry> before;
    private final Path keep;

    private OutputSnapshot(Path folder, Predicate<String> runFile, Path made, Map<String, Entry> before, Path keep) {
        this.folder = folder;
        this.runFile = runFile;
        this.made = made;
        this.before = before;
        this.keep = keep;
    }

    /** Takes the snapshot of {@code folder} (which may not exist yet) before anything of the run is written. */
    static OutputSnapshot take(Path folder, Predicate<String> runFile) {
        Path abs = folder.toAbsolutePath().normalize();
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs)) {
            // a file stands where the folder should be: the run cannot write, and the file is not the run's
            return new OutputSnapshot(abs, name -> false, null, Map.of(), null);
        }
        if (!Files.isDirectory(abs)) {
            Path outermost = abs;
            for (Path p = abs.getParent();
                    p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
                    p = p.getParent()) {
                outermost = p;
            }
            return new OutputSnapshot(abs, runFile, outermost, Map.of(), null);
        }
        dropStale(abs);
        Map<String, Entry> before = new HashMap<>();
        Path keep = abs.resolve(KEEP + ProcessHandle.current().pid() + "-" + System.nanoTime());
        boolean keepMade = false;
        for (Path p : list(abs, runFile)) {
            String name = p.getFileName().toString();
            BasicFileAttributes a = attributes(p);
            if (a == null) {
                continue;
            }
            Path kept = null;
            if (a.isRegularFile()) {
                try {
                    if (!keepMade) {
                        Files.createDirectory(keep);
                        keepMade = true;
                    }
                    kept = Files.createLink(keep.resolve(name), p);
                } catch (IOException | UnsupportedOperationException e) {
                    kept = null; // no hard links here (or no room for one): a replaced file cannot come back
                }
            }
            before.put(
                    name, new Entry(a.fileKey(), a.size(), a.lastModifiedTime().toMillis(), kept));
        }
        return new OutputSnapshot(abs, runFile, null, before, keepMade ? keep : null);
    }

    private static final String KEEP = ".diffract-before-";

    /*
     * A launcher killed outright (SIGKILL, a node lost) leaves its snapshot behind, and its hard links would keep
     * the replaced files' space in use: the next run removes those of launchers no longer alive on this host.
     */
    private static void dropStale(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (!name.startsWith(KEEP)) {
                    continue;
                }
                String pid = name.substring(KEEP.length()).replaceFirst("-.*", "");
                try {
                    if (ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                        Folders.deleteTree(p);
                    }
                } catch (NumberFormatException ignored) {
                    // not ours
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Whether {@code file} (a checkpoint) was written by the run: it is new, or not the file it was. */
    boolean changed(Path file) {
        if (file == null) {
            return false;
        }
        Path abs = file.toAbsolutePath().normalize();
        BasicFileAttributes a = attributes(abs);
        if (a == null) {
            return false;
        }
        Entry e = abs.getParent().equals(folder) ? before.get(abs.getFileName().toString()) : null;
        return e == null || !same(e, a) || e.modified != a.lastModifiedTime().toMillis();
    }

    /** After a failed run: the folder as it was before it (or no folder, when the run made it). */
    void restore() {
        if (made != null) {
            Folders.deleteTree(made);
            return;
        }
        for (Path p : list(folder, runFile)) {
            String name = p.getFileName().toString();
            Entry e = before.get(name);
            if (e == null) {
                Folders.deleteTree(p); // made by the run
                continue;
            }
            BasicFileAttributes a = attributes(p);
            if (a == null) {
                continue;
            }
            if (!same(e, a)) {
                putBack(e, p);
            } else if (a.isRegularFile() && a.size() > e.size) {
                // appended to in place (a log): cut the run's lines off again
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.truncate(e.size);
                } catch (IOException ignored) {
                    // best effort: the run's lines stay in that file
                }
            }
        }
        // files the run removed (or replaced by a folder)
        for (Map.Entry<String, Entry> e : before.entrySet()) {
            Path p = folder.resolve(e.getKey());
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                putBack(e.getValue(), p);
            }
        }
        discard();
    }

    /** After a successful run (or one whose checkpoint a resume continues from): the snapshot is dropped. */
    void discard() {
        if (keep != null) {
            Folders.deleteTree(keep);
        }
    }

    private static void putBack(Entry e, Path p) {
        if (e.kept == null) {
            return;
        }
        try {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Folders.deleteTree(p);
            }
            Files.move(e.kept, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ignored) {
            // best effort: the run's version stays
        }
    }

    private static boolean same(Entry e, BasicFileAttributes a) {
        return e.key != null && e.key.equals(a.fileKey());
    }

    private static List<Path> list(Path folder, Predicate<String> runFile) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> {
                        String name = p.getFileName().toString();
                        return !name.startsWith(KEEP) && runFile.test(name);
                    })
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }
}
