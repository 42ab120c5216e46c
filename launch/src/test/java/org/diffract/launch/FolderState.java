package org.diffract.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every file and folder under a folder, with a SHA-256 of each file's bytes: two states are equal when a run left
 * the folder exactly as it found it (nothing made, nothing changed, nothing removed).
 */
record FolderState(Path root, Map<String, String> entries) {
    /** The state of {@code root} now; an absent folder has no entries. */
    static FolderState of(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        if (Files.exists(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    String rel = root.relativize(p).toString();
                    entries.put(rel, Files.isDirectory(p) ? "folder" : sha256(p));
                }
            }
        }
        return new FolderState(root, entries);
    }

    /** What differs from {@code before}, one line per entry; empty when nothing does. */
    List<String> changesSince(FolderState before) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String was = before.entries.get(e.getKey());
            if (was == null) {
                out.add("left behind: " + root.resolve(e.getKey()));
            } else if (!was.equals(e.getValue())) {
                out.add("changed: " + root.resolve(e.getKey()));
            }
        }
        for (String k : before.entries.keySet()) {
            if (!entries.containsKey(k)) {
                out.add("removed: " + root.resolve(k));
            }
        }
        return out;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
