package org.diffract.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs the test mounts (as root) to make a full disk: {@link #fill} leaves only a few KiB free, so a
 * run's first files fit and its results do not.
 */
final class Tmpfs implements AutoCloseable {
    private final Path mountPoint;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Whether this process may mount a tmpfs (root); {@link #whyNot()} says why not. */
    static boolean possible() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/bin/mount"));
    }

    static String whyNot() {
        return "not root (" + System.getProperty("user.name") + "): cannot mount a small tmpfs to fill";
    }

    /** Mounts a tmpfs of {@code kib} KiB on a new folder {@code mountPoint}. */
    static Tmpfs mount(Path mountPoint, int kib) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        run("mount", "-t", "tmpfs", "-o", "size=" + kib + "k,mode=0755", "tmpfs", mountPoint.toString());
        return new Tmpfs(mountPoint);
    }

    /** Mounts an empty read-only tmpfs on a new folder: writes fail there even for root (EROFS). */
    static Tmpfs mountReadOnly(Path mountPoint) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        run("mount", "-t", "tmpfs", "-o", "size=64k,mode=0555,ro", "tmpfs", mountPoint.toString());
        return new Tmpfs(mountPoint);
    }

    Path path() {
        return mountPoint;
    }

    /** Fills the tmpfs with a file of zeros until only {@code freeKib} KiB are left. */
    void fill(String name, int freeKib) throws IOException {
        FileStore store = Files.getFileStore(mountPoint);
        long fill = store.getUsableSpace() - freeKib * 1024L;
        try (OutputStream out = Files.newOutputStream(mountPoint.resolve(name))) {
            byte[] block = new byte[4096];
            for (long done = 0; done < fill; done += block.length) {
                out.write(block, 0, (int) Math.min(block.length, fill - done));
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", mountPoint.toString());
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
        }
    }
}
