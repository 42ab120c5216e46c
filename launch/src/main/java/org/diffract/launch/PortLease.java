package org.diffract.launch;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A run of consecutive TCP ports held by one job on one node: each port is free (bound and released on all
 * interfaces, as the MPJ daemon binds it) and locked (an OS file lock on {@code DIR/PORT.lock}) while the
 * lease is open. The lock, not the bind, keeps two diffract jobs that probe at the same moment apart; the
 * OS drops it when the holder dies, so a killed job leaves no stale claim. Ports come from below the Linux
 * ephemeral range, where outgoing connections never take them.
 */
final class PortLease implements AutoCloseable {
    /** Node-local and shared by every user's jobs; overridable for a cluster whose /tmp is per job. */
    static Path defaultDir() {
        String env = System.getenv("DIFFRACT_PORT_LOCKS");
        return Path.of(env != null && !env.isBlank() ? env : "/tmp/diffract-ports");
    }

    static final int LOW = 20000;
    static final int HIGH = 32000;

    private final int base;
    private final List<FileChannel> channels;
    private final List<FileLock> locks;

    private PortLease(int base, List<FileChannel> channels, List<FileLock> locks) {
        this.base = base;
        this.channels = channels;
        this.locks = locks;
    }

    int base() {
        return base;
    }

    /** Tries {@code count} ports from {@code base}: null when one is locked by another job or not free. */
    static PortLease tryClaim(Path dir, int base, int count) throws IOException {
        if (base < 1024 || base + count - 1 > 65535) {
            return null;
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                // every user's jobs share the folder: world-writable with the sticky bit, as /tmp
                Files.setAttribute(dir, "unix:mode", 01777);
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                // another user made it at the same moment: theirs is set up the same way
            }
        }
        List<FileChannel> channels = new ArrayList<>();
        List<FileLock> locks = new ArrayList<>();
        PortLease lease = new PortLease(base, channels, locks);
        try {
            for (int port = base; port < base + count; port++) {
                Path f = dir.resolve(port + ".lock");
                FileChannel ch;
                try {
                    ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    lease.close(); // another user's lock file we may not open: treat the port as taken
                    return null;
                }
                channels.add(ch);
                try {
                    // other users' jobs must be able to open (and lock) it too
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
                } catch (IOException ignored) {
                    // owned by another user, who made it so
                }
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null; // held by this very process
                }
                if (lock == null || !bindable(port)) {
                    if (lock != null) {
                        lock.release();
                    }
                    lease.close();
                    return null;
                }
                locks.add(lock);
            }
            return lease;
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** A free run of {@code count} ports at a random place in [LOW, HIGH), held until closed. */
    static PortLease claimAny(Path dir, int count) throws IOException {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            PortLease l = tryClaim(dir, LOW + rnd.nextInt(HIGH - LOW - count), count);
            if (l != null) {
                return l;
            }
        }
        throw new IOException("no " + count + " consecutive free ports between " + LOW + " and " + HIGH);
    }

    static boolean bindable(int port) {
        // with SO_REUSEADDR, as the MPJ daemon's ServerSocket binds: a closed job's TIME_WAIT connections do
        // not block its port, a listening socket does
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (FileLock l : locks) {
            try {
                l.release();
            } catch (IOException ignored) {
                // closing the channel releases it too
            }
        }
        for (FileChannel c : channels) {
            try {
                c.close();
            } catch (IOException ignored) {
                // the OS drops the lock with the process at the latest
            }
        }
        locks.clear();
        channels.clear();
    }
}
