package org.diffract.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.diffract.launch.SchedulerQuery.Phase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scheduler answers as squeue, scontrol, sacct and qstat print them (copied from their man pages and runs). */
class SchedulerQueryTest {
    /** A shell that answers only the commands it was given, and remembers what was asked. */
    private static final class Canned implements SchedulerQuery.Shell {
        final Map<String, String> answers;
        final List<String> asked = new ArrayList<>();

        Canned(Map<String, String> answers) {
            this.answers = answers;
        }

        @Override
        public Optional<String> run(List<String> command) {
            asked.add(String.join(" ", command));
            return Optional.ofNullable(answers.get(command.get(0) + " " + command.get(1)));
        }
    }

    private static SchedulerQuery.Answer ask(String scheduler, Map<String, String> answers) {
        return new SchedulerQuery(new Canned(answers), c -> true)
                .ask(scheduler, "42")
                .orElseThrow();
    }

    @Test
    void slurmStatesFromSqueue() {
        assertEquals(
                Phase.PENDING,
                ask("slurm", Map.of("squeue -h", "PENDING|BeginTime\n")).phase());
        assertTrue(ask("slurm", Map.of("squeue -h", "PENDING|BeginTime\n"))
                .detail()
                .contains("BeginTime"));
        assertEquals(
                Phase.RUNNING,
                ask("slurm", Map.of("squeue -h", "RUNNING|None\n")).phase());
        assertEquals(
                Phase.RUNNING,
                ask("slurm", Map.of("squeue -h", "COMPLETING|None\n")).phase());
        assertEquals(
                Phase.FINISHED,
                ask("slurm", Map.of("squeue -h", "COMPLETED|None\n")).phase());
        assertEquals(
                Phase.CANCELLED,
                ask("slurm", Map.of("squeue -h", "CANCELLED|None\n")).phase());
        assertEquals(
                Phase.FAILED,
                ask("slurm", Map.of("squeue -h", "TIMEOUT|TimeLimit\n")).phase());
        assertEquals(
                Phase.FAILED,
                ask("slurm", Map.of("squeue -h", "NODE_FAIL|None\n")).phase());
        assertEquals(
                Phase.FAILED,
                ask("slurm", Map.of("squeue -h", "OUT_OF_MEMORY|None\n")).phase());
    }

    @Test
    void slurmFallsBackOnScontrolThenSacct() {
        Canned shell = new Canned(Map.of(
                "scontrol show",
                "JobId=42 JobName=diffract-emc-a UserId=root(0) "
                        + "JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 "
                        + "ExitCode=1:0\n"));
        SchedulerQuery.Answer a =
                new SchedulerQuery(shell, c -> true).ask("slurm", "42").orElseThrow();
        assertEquals(Phase.FAILED, a.phase());
        assertTrue(a.detail().contains("exit 1:0"), a.detail());
        assertEquals("squeue -h -j 42 --states=all -o %T|%r", shell.asked.get(0));

        assertEquals(
                Phase.CANCELLED,
                ask("slurm", Map.of("sacct -n", "CANCELLED by 0|0:15\n")).phase());
        assertEquals(
                Phase.FINISHED,
                ask("slurm", Map.of("sacct -n", "COMPLETED|0:0\n")).phase());
        assertTrue(
                new SchedulerQuery(new Canned(Map.of()), c -> true)
                        .ask("slurm", "42")
                        .isEmpty(),
                "no command knows the job");
    }

    @Test
    void pbsStatesFromQstat() {
        String torque = "Job Id: 77.server\n    Job_Name = diffract-emc-a\n    job_state = %s\n    queue = batch\n%s";
        assertEquals(
                Phase.PENDING,
                ask("pbs", Map.of("qstat -f", String.format(torque, "Q", ""))).phase());
        assertEquals(
                Phase.PENDING,
                ask("pbs", Map.of("qstat -f", String.format(torque, "H", ""))).phase());
        assertEquals(
                Phase.RUNNING,
                ask("pbs", Map.of("qstat -f", String.format(torque, "R", ""))).phase());
        assertEquals(
                Phase.FINISHED,
                ask("pbs", Map.of("qstat -f", String.format(torque, "C", "    exit_status = 0\n")))
                        .phase());
        assertEquals(
                Phase.FAILED,
                ask("pbs", Map.of("qstat -f", String.format(torque, "C", "    exit_status = 2\n")))
                        .phase());
        // qdel: SIGTERM, exit status 256 + 15
        SchedulerQuery.Answer killed =
                ask("pbs", Map.of("qstat -f", String.format(torque, "C", "    exit_status = 271\n")));
        assertEquals(Phase.CANCELLED, killed.phase());
        assertTrue(killed.detail().contains("signal 15"), killed.detail());
        // PBS Pro keeps finished jobs for qstat -x, with Exit_status
        assertEquals(
                Phase.FINISHED,
                ask("pbs", Map.of("qstat -x", "Job Id: 77.server\n    job_state = F\n" + "    Exit_status = 0\n"))
                        .phase());
    }
}
