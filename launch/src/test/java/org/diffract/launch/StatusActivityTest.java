package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one line status shows per stage, from the pid file, the job record and a canned scheduler. */
class StatusActivityTest {
    @TempDir
    Path dir;

    private static SchedulerQuery says(String squeueLine) {
        return new SchedulerQuery(
                c -> c.get(0).equals("squeue") && squeueLine != null ? Optional.of(squeueLine) : Optional.empty(),
                c -> true);
    }

    private static final SchedulerQuery FORGOT = says(null);
    private static final SchedulerQuery ABSENT = new SchedulerQuery(c -> Optional.empty(), c -> false);

    private Path job(String state) {
        Path f = dir.resolve("emc.job");
        new JobRecord("slurm", "42", "node7", state, state.equals("failed") ? "3" : "", 1_700_000_000L).write(f);
        return f;
    }

    private StatusCommand.Activity activity(Path job, SchedulerQuery q) {
        return StatusCommand.activity(dir.resolve("emc.pid"), job, q);
    }

    @Test
    void theSchedulerSaysWhileTheJobIsUnderWay() {
        StatusCommand.Activity a = activity(job("submitted"), says("PENDING|Priority"));
        assertEquals("pending as slurm job 42 (SLURM PENDING, reason Priority)", a.line());
        assertTrue(a.active());
        a = activity(job("running"), says("RUNNING|None"));
        assertEquals("running as slurm job 42 on node7 (SLURM RUNNING)", a.line());
        // requeued: SLURM puts it back as pending, whatever the job last wrote
        assertTrue(activity(job("stopped"), says("PENDING|BeginTime")).line().startsWith("pending as slurm job 42"));
    }

    @Test
    void anEndedJobIsFinishedFailedOrCancelledNeverRunning() {
        StatusCommand.Activity a = activity(job("stopped"), says("CANCELLED|None"));
        assertEquals("cancelled (slurm job 42, SLURM CANCELLED)", a.line());
        assertFalse(a.active());
        assertTrue(activity(job("finished"), says("COMPLETED|None")).line().startsWith("finished (slurm job 42"));
        assertTrue(
                activity(job("failed"), says("FAILED|NonZeroExitCode")).line().startsWith("failed (slurm job 42"));
    }

    @Test
    void aJobSlurmForgotIsDescribedByItsRecord() {
        assertTrue(activity(job("finished"), FORGOT).line().startsWith("finished (slurm job 42, ended at 2023-11-14"));
        assertEquals(
                "failed (slurm job 42, exit 3 at 2023-11-14 22:13:20 UTC)",
                activity(job("failed"), FORGOT).line());
        assertTrue(
                activity(job("stopped"), FORGOT).line().startsWith("cancelled (slurm job 42 was stopped by a signal"));
        // SIGKILLed: its record still says running, SLURM does not know it: not "running"
        StatusCommand.Activity killed = activity(job("running"), FORGOT);
        assertFalse(killed.active(), killed.line());
        assertTrue(
                killed.line().startsWith("failed (slurm job 42 is unknown to SLURM and never recorded its end"),
                killed.line());
        // a machine without squeue cannot tell: it says where the claim comes from
        StatusCommand.Activity blind = activity(job("running"), ABSENT);
        assertTrue(blind.active());
        assertTrue(
                blind.line().contains("according to emc.job (SLURM cannot be asked from this machine)"), blind.line());
    }

    @Test
    void aLiveLocalRunWinsOverAnEndedJobAndAPidFromAnotherHostIsNotCheckedHere() throws Exception {
        PidFile.write(dir.resolve("emc.pid"), ProcessHandle.current());
        long me = ProcessHandle.current().pid();
        assertEquals(
                "running (pid " + me + ")",
                activity(job("finished"), says("COMPLETED|None")).line());
        assertEquals(
                "running (pid " + me + ")",
                activity(dir.resolve("none.job"), FORGOT).line());
        Files.writeString(dir.resolve("emc.pid"), me + " 0 some-compute-node\n");
        assertEquals("not running", activity(dir.resolve("none.job"), FORGOT).line());
    }
}
