package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.diffract.core.io.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failed run's output folder goes back to what it was; files that are not the run's are never touched. */
class OutputSnapshotTest {
    @TempDir
    Path dir;

    @Test
    void aFailedRunInAnExistingFolderLeavesItByteForByteAsItWas() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("result.h5"), "earlier result");
        Files.writeString(out.resolve("diffract.log"), "earlier log\n");
        Files.writeString(out.resolve("gone.txt"), "removed by the run");
        Files.writeString(out.resolve("other.dat"), "not the run's");
        FolderState before = FolderState.of(out);
        OutputSnapshot s = OutputSnapshot.take(out, name -> !name.startsWith("other"));
        // what a run does: replace a result (rename over it), append to its log, make files and a folder
        AtomicFiles.writeString(out.resolve("result.h5"), "half of a new result");
        Files.writeString(out.resolve("diffract.log"), "the failed run's lines\n", StandardOpenOption.APPEND);
        Files.writeString(out.resolve("parameters.txt"), "new");
        Files.createDirectories(out.resolve("sub")).resolve("x").toFile().createNewFile();
        Files.delete(out.resolve("gone.txt"));
        Files.writeString(out.resolve("other.dat"), "changed by someone else");
        Files.writeString(out.resolve("other-new.dat"), "made by someone else");
        s.restore();
        List<String> changes = FolderState.of(out).changesSince(before);
        assertEquals(
                List.of("left behind: " + out.resolve("other-new.dat"), "changed: " + out.resolve("other.dat")),
                changes,
                "only the files that are not the run's may differ");
        try (var list = Files.list(out)) {
            assertFalse(list.anyMatch(p -> p.getFileName().toString().startsWith(".diffract-before-")));
        }
    }

    @Test
    void aFolderMadeForTheRunGoesWithTheParentsItNeeded() throws Exception {
        Path out = dir.resolve("a/b/out");
        OutputSnapshot s = OutputSnapshot.take(out, name -> true);
        Files.createDirectories(out);
        Files.writeString(out.resolve("diffract.log"), "x");
        s.restore();
        assertFalse(Files.exists(dir.resolve("a")));
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void aFileWhereTheFolderShouldBeIsNeverRemoved() throws Exception {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "the user's file");
        OutputSnapshot.take(blocker, name -> true).restore();
        OutputSnapshot.take(blocker.resolve("out"), name -> true).restore();
        assertEquals("the user's file", Files.readString(blocker));
    }

    @Test
    void aCheckpointCountsAsTheRunsWhenItIsNewOrReplaced() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path cp = out.resolve("checkpoint.h5");
        OutputSnapshot none = OutputSnapshot.take(out, name -> true);
        assertFalse(none.changed(cp));
        assertFalse(none.changed(null));
        AtomicFiles.writeString(cp, "iteration 1");
        assertTrue(none.changed(cp));
        none.discard();
        OutputSnapshot earlier = OutputSnapshot.take(out, name -> true);
        assertFalse(earlier.changed(cp));
        AtomicFiles.writeString(cp, "iteration 2");
        assertTrue(earlier.changed(cp));
        earlier.discard();
        assertEquals("iteration 2", Files.readString(cp));
    }

    @Test
    void aSnapshotLeftByAKilledLauncherIsRemovedByTheNextRun() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path stale = Files.createDirectories(out.resolve(".diffract-before-999999999-1"));
        Files.writeString(stale.resolve("result.h5"), "a replaced result, kept alive by the link");
        Path live = Files.createDirectories(
                out.resolve(".diffract-before-" + ProcessHandle.current().pid() + "-1"));
        OutputSnapshot.take(out, name -> true).discard();
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(live), "a live launcher's snapshot stays");
    }
}
