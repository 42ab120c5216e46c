package org.diffract.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;

class ClusterScriptTest {
    private static final ClusterScript.Paths PATHS = new ClusterScript.Paths(Path.of("/p/it's here"),
            Path.of("/opt/diffract.jar"), Path.of("/opt/mpj/lib"), Path.of("/usr/bin/java"),
            Path.of("/p/it's here/output/checkpoint.h5"));

    @Test
    void slurmAsksForNodesTasksAndThreads() {
        String s = ClusterScript.slurm(Stages.byName("emc"), "my run", new ClusterScript.Resources(2, 5, 4, "16G",
                "02:00:00", "gpu", null), PATHS, "hybdev");
        assertTrue(s.contains("#SBATCH --nodes=2\n#SBATCH --ntasks=5\n#SBATCH --ntasks-per-node=3\n"
                + "#SBATCH --cpus-per-task=4\n#SBATCH --mem=16G\n#SBATCH --time=02:00:00\n#SBATCH --partition=gpu\n"), s);
        assertTrue(!s.contains("--account"), "no account line without --account");
        assertTrue(s.contains("#SBATCH --job-name=diffract-emc-my_run\n"), s);
        assertTrue(s.contains("srun --nodes=2 --ntasks=2 --ntasks-per-node=1"), "one daemon per node");
        assertTrue(s.contains("--procs 5 --threads 4"), s);
        assertTrue(s.contains("--device hybdev"), s);
        assertTrue(s.contains("project='/p/it'\\''s here'\n"), "paths are quoted for the shell");
        assertTrue(s.indexOf("trap cleanup EXIT") < s.indexOf("srun "), "the trap is set before daemons start");
    }

    @Test
    void pbsUsesProcessorsPerNodeAndQueue() {
        String s = ClusterScript.pbs(Stages.byName("emc"), "x", new ClusterScript.Resources(2, 4, 3, "8G", "1:00:00", "long",
                "acct"), PATHS, "niodev");
        assertTrue(s.contains("#PBS -l nodes=2:ppn=6\n#PBS -l mem=8gb\n#PBS -l walltime=1:00:00\n#PBS -q long\n"
                + "#PBS -A acct\n"), s);
        assertTrue(s.contains("sort -u \"${PBS_NODEFILE"), s);
        assertTrue(s.contains("pbsdsh -u env MPJ_HOME="), s);
    }

    @Test
    void memoryIsConvertedForPbsOrRejected() {
        assertEquals("8gb", ClusterScript.pbsMemory("8G"));
        assertEquals("512mb", ClusterScript.pbsMemory("512"));
        assertEquals("2tb", ClusterScript.pbsMemory("2tb"));
        assertThrows(UserError.class, () -> ClusterScript.pbsMemory("lots"));
    }
}
