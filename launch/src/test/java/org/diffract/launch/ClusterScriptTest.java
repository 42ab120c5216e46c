package org.diffract.launch;

import java.nio.file.Path;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterScriptTest {
    private static final ClusterScript.Paths PATHS = new ClusterScript.Paths(
            Path.of("/p/it's here"),
            Path.of("/opt/diffract.jar"),
            Path.of("/opt/mpj/lib"),
            Path.of("/usr/bin/java"),
            Path.of("/p/it's here/output/checkpoint.h5"));

    @Test
    void slurmAsksForNodesTasksAndThreads() {
        String s = ClusterScript.slurm(
                Stages.byName("emc"),
                "my run",
                new ClusterScript.Resources(2, 5, 4, "16G", "02:00:00", "gpu", null, "6g"),
                PATHS,
                "hybdev");
        assertTrue(
                s.contains(
                        "#SBATCH --nodes=2\n#SBATCH --ntasks=5\n#SBATCH --ntasks-per-node=3\n"
                                + "#SBATCH --cpus-per-task=4\n#SBATCH --mem=16G\n#SBATCH --time=02:00:00\n#SBATCH --partition=gpu\n"),
                s);
        assertTrue(!s.contains("--account"), "no account line without --account");
        assertTrue(s.contains("#SBATCH --job-name=diffract-emc-my_run\n"), s);
        assertTrue(s.contains("srun --nodes=2 --ntasks=2 --ntasks-per-node=1"), "one daemon per node");
        assertTrue(s.contains("--procs 5 --threads 4 --heap 6g"), "the ranks' heap reaches the job: " + s);
        assertTrue(s.contains("--device hybdev"), s);
        assertTrue(s.contains("project='/p/it'\\''s here'\n"), "paths are quoted for the shell");
        assertTrue(s.indexOf("trap cleanup EXIT") < s.indexOf("srun "), "the trap is set before daemons start");
    }

    @Test
    void pbsUsesProcessorsPerNodeAndQueue() {
        String s = ClusterScript.pbs(
                Stages.byName("emc"),
                "x",
                new ClusterScript.Resources(2, 4, 3, "8G", "1:00:00", "long", "acct", null),
                PATHS,
                "niodev");
        assertTrue(
                s.contains("#PBS -l nodes=2:ppn=6\n#PBS -l mem=8gb\n#PBS -l walltime=1:00:00\n#PBS -q long\n"
                        + "#PBS -A acct\n"),
                s);
        assertTrue(s.contains("sort -u \"${PBS_NODEFILE"), s);
        assertTrue(
                s.contains(
                        "pbsdsh -u \"$java_bin\" -cp \"$jar\" org.diffract.launch.MpjNodeAgent \"$jobdir\" \"$port\" &"),
                "one node agent per node: " + s);
        assertTrue(s.contains("printf 'scheduler=pbs\\nid=%s"), "the job records itself for status: " + s);
    }

    @Test
    void jobsEndTheirDaemonsFromInsideAndRecordHowTheyEnded() {
        String s = ClusterScript.slurm(
                Stages.byName("emc"),
                "x",
                new ClusterScript.Resources(1, 2, 1, null, "1:00:00", null, null, null),
                PATHS,
                "niodev");
        assertTrue(s.contains("#SBATCH --open-mode=append\n"), "a requeued job keeps the first run's log lines");
        // no kill of the step: SLURM would log "srun: error: ... Killed" and "STEP ... CANCELLED"
        assertTrue(s.contains("touch \"$jobdir/stop\"\n    wait \"$agents\""), s);
        assertTrue(!s.contains("kill \"$agents\"") && !s.contains("kill \"$daemons\""), s);
        assertTrue(s.contains("record stopped") && s.contains("record finished 0") && s.contains("record failed"), s);
        assertTrue(
                s.indexOf("trap cleanup EXIT") < s.indexOf("record running"), "the end is recorded whatever happens");
        // ports: probed, locked by each node's agent, written to the job folder; never derived from the job id
        assertTrue(s.contains("MpjNodeAgent --pick") && s.contains("> \"$jobdir/ports\""), s);
        assertTrue(!s.contains("% 4000"), "ports no longer come from the job id");
        // the launcher JVM runs without the vector module, so it writes no incubator notice into the log
        String launcher = s.substring(s.lastIndexOf("\"$java_bin\" -D"));
        assertTrue(!launcher.contains("--add-modules"), launcher);
    }

    @Test
    void memoryIsConvertedForPbsOrRejected() {
        assertEquals("8gb", ClusterScript.pbsMemory("8G"));
        assertEquals("512mb", ClusterScript.pbsMemory("512"));
        assertEquals("2tb", ClusterScript.pbsMemory("2tb"));
        assertThrows(UserError.class, () -> ClusterScript.pbsMemory("lots"));
    }
}
