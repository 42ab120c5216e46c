package org.diffract.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private long entries(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.count();
        }
    }

    @Test
    void writesIntoNewParentFoldersAndReplaces() throws IOException {
        Path target = dir.resolve("a/b/out.txt");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second");
        assertEquals("second", Files.readString(target));
        assertEquals(1, entries(target.getParent()), "no temp file left behind");
        AtomicFiles.writeBytes(target, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    }

    @Test
    void tempNameIsBesideTargetWithPid() {
        Path target = dir.resolve("x.bin");
        Path[] seen = new Path[1];
        AtomicFiles.write(target, tmp -> {
            seen[0] = tmp;
            Files.write(tmp, new byte[] {7});
        });
        assertEquals(target.toAbsolutePath().getParent(), seen[0].getParent());
        assertTrue(
                seen[0].getFileName()
                        .toString()
                        .startsWith("x.bin.tmp-" + ProcessHandle.current().pid() + "-"),
                seen[0].toString());
    }

    @Test
    void failureKeepsOldFileAndDeletesTemp() throws IOException {
        Path target = dir.resolve("keep.txt");
        AtomicFiles.writeString(target, "old");
        UserError e = assertThrows(
                UserError.class,
                () -> AtomicFiles.write(target, tmp -> {
                    Files.writeString(tmp, "half");
                    throw new IOException("disk full");
                }));
        assertEquals("cannot write " + target + ": disk full; check the folder exists and is writable", e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(1, entries(dir));
    }

    @Test
    void runtimeFailureDeletesTempAndPropagates() throws IOException {
        Path target = dir.resolve("r.txt");
        assertThrows(
                IllegalStateException.class,
                () -> AtomicFiles.write(target, tmp -> {
                    Files.writeString(tmp, "half");
                    throw new IllegalStateException("bug");
                }));
        assertEquals(0, entries(dir));
    }

    @Test
    void parentThatIsAFileIsAUserError() throws IOException {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        UserError e = assertThrows(UserError.class, () -> AtomicFiles.writeString(blocker.resolve("out.txt"), "y"));
        assertTrue(e.getMessage().startsWith("cannot write " + blocker.resolve("out.txt") + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; check the folder exists and is writable"), e.getMessage());
    }

    @Test
    void aFullDiskBehindAWriterLibrarysOwnWordsSaysSoAndWhatToDo() throws IOException {
        Path target = dir.resolve("full.png");
        AtomicFiles.writeString(target, "old");
        // ImageIO and jhdf wrap the system's refusal in their own exception and words
        UserError e = assertThrows(
                UserError.class,
                () -> AtomicFiles.write(target, tmp -> {
                    throw new IllegalStateException(
                            "Exception writing at position: 571", new IOException("No space left on device"));
                }));
        assertEquals(
                "cannot write " + target + ": no space left on the device; free some space there or write to "
                        + "another folder",
                e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(1, entries(dir));
    }

    @Test
    void anOutputFolderBehindAFileNamesTheFile() throws IOException {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "x");
        UserError e = assertThrows(UserError.class, () -> AtomicFiles.createFolder(blocker.resolve("a/b")));
        assertEquals(
                "cannot create output folder " + blocker.resolve("a/b") + ": " + blocker
                        + " is a file, not a folder; choose a writable folder",
                e.getMessage());
        assertEquals("x", Files.readString(blocker));
    }

    @Test
    void removeUnfinishedTakesOnlyTheTemporaryNamesOfWrite() throws IOException {
        Files.writeString(dir.resolve("model.h5"), "whole");
        Files.writeString(dir.resolve("model.h5.tmp-123-45"), "half");
        Files.writeString(dir.resolve("checkpoint.h5.tmp-7-1.tmp-7-2"), "half of a half");
        Files.writeString(dir.resolve("notes.tmp"), "a user's file");
        Files.writeString(dir.resolve("x.tmp-12"), "not our pattern");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/y.tmp-1-2"), "in a subfolder: not this folder's");
        assertEquals(2, AtomicFiles.removeUnfinished(dir));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(
                    List.of("model.h5", "notes.tmp", "sub", "x.tmp-12"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.exists(dir.resolve("sub/y.tmp-1-2")));
        assertEquals(0, AtomicFiles.removeUnfinished(dir.resolve("absent")));
    }
}
