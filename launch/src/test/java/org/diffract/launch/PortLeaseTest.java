package org.diffract.launch;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.diffract.core.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortLeaseTest {
    @TempDir
    Path dir;

    @Test
    void aHeldPortIsNotGivenTwiceAndIsFreeAgainAfterClose() throws Exception {
        try (PortLease a = PortLease.claimAny(dir, 3)) {
            assertTrue(a.base() >= PortLease.LOW && a.base() + 2 < PortLease.HIGH, "below the ephemeral range");
            assertNull(PortLease.tryClaim(dir, a.base(), 3), "the same ports while held");
            assertNull(PortLease.tryClaim(dir, a.base() + 2, 3), "an overlapping run while held");
            a.close();
            try (PortLease again = PortLease.tryClaim(dir, a.base(), 3)) {
                assertNotNull(again, "free after close");
            }
        }
    }

    @Test
    void aPortInUseIsNotClaimed() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            int port = busy.getLocalPort();
            assertNull(PortLease.tryClaim(dir, port - 1, 3), "port " + port + " is bound by someone else");
        }
    }

    /** The lock is the OS's: another process holding it keeps us out, and its death frees the port. */
    @Test
    void anotherProcessLockKeepsUsOutUntilItDies() throws Exception {
        int base;
        try (PortLease probe = PortLease.claimAny(dir, 3)) {
            base = probe.base();
        }
        Path lock = dir.resolve(base + ".lock");
        // a POSIX (fcntl) lock, as the JVM takes: flock(1) takes BSD locks, which Linux keeps apart
        Process holder = new ProcessBuilder(
                        Python.require().path(),
                        "-c",
                        "import fcntl, sys, time\n"
                                + "f = open(sys.argv[1], 'a')\nfcntl.lockf(f, fcntl.LOCK_EX)\ntime.sleep(60)",
                        lock.toString())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            PortLease l;
            while ((l = PortLease.tryClaim(dir, base, 3)) != null) {
                l.close();
                assertTrue(System.nanoTime() < deadline, "the python process did not take the lock");
                Thread.sleep(100);
            }
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
        try (PortLease l = PortLease.tryClaim(dir, base, 3)) {
            assertNotNull(l, "the dead holder's lock is gone");
        }
        assertTrue(Files.exists(lock));
        assertEquals(
                "rw-rw-rw-",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)),
                "other users' jobs can lock it too");
    }
}
