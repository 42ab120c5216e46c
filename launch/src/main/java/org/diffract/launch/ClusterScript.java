package org.diffract.launch;

import java.nio.file.Path;
import java.util.Locale;

import org.diffract.core.UserError;
import org.diffract.core.stage.Stage;

/**
 * Writes the SLURM or PBS submission script of one stage run. The job: records itself in run/STAGE.job,
 * reads its host list from the scheduler, makes a job-private MPJ_HOME under run/job-ID/, starts one
 * {@link MpjNodeAgent} per node (each holds the job's ports on its node and runs the MPJ daemon; ports
 * that another job holds are given up for others), writes the chosen ports to run/job-ID/ports, runs this
 * same launcher on the first node with niodev/hybdev over those hosts (adding --resume when a checkpoint
 * exists, so a requeued job continues), then lets the agents end their daemons and exit 0, so a successful
 * job's log holds no SLURM error. Its last state (finished, failed, stopped by a signal) goes to the record.
 */
final class ClusterScript {
    /** What the job asks of the scheduler; heap (the ranks' -Xmx) is passed on to the launcher in the job. */
    record Resources(
            int nodes, int procs, int threads, String mem, String time, String partition, String account, String heap) {
        int tasksPerNode() {
            return (procs + nodes - 1) / nodes;
        }
    }

    /** Where things are: all must be visible from every node (shared filesystem). */
    record Paths(Path project, Path jar, Path mpjLib, Path java, Path checkpoint) {}

    private ClusterScript() {}

    static String slurm(Stage stage, String projectName, Resources r, Paths p, String device) {
        StringBuilder h = new StringBuilder();
        h.append("#SBATCH --job-name=").append(jobName(stage, projectName)).append('\n');
        h.append("#SBATCH --nodes=").append(r.nodes()).append('\n');
        h.append("#SBATCH --ntasks=").append(r.procs()).append('\n');
        h.append("#SBATCH --ntasks-per-node=").append(r.tasksPerNode()).append('\n');
        h.append("#SBATCH --cpus-per-task=").append(r.threads()).append('\n');
        if (r.mem() != null) {
            h.append("#SBATCH --mem=").append(r.mem()).append('\n');
        }
        h.append("#SBATCH --time=").append(r.time()).append('\n');
        if (r.partition() != null) {
            h.append("#SBATCH --partition=").append(r.partition()).append('\n');
        }
        if (r.account() != null) {
            h.append("#SBATCH --account=").append(r.account()).append('\n');
        }
        h.append("#SBATCH --output=")
                .append(p.project().resolve("logs"))
                .append('/')
                .append(stage.name())
                .append("-slurm-%j.out\n");
        // a requeued job appends to its log instead of truncating the first run's lines
        h.append("#SBATCH --open-mode=append\n");
        h.append("#SBATCH --requeue\n");
        String hosts =
                "scontrol show hostnames \"${SLURM_JOB_NODELIST:?not inside a SLURM job}\" > \"$jobdir/machines\"";
        String daemons = "srun --nodes=" + r.nodes() + " --ntasks=" + r.nodes() + " --ntasks-per-node=1 "
                + "--cpus-per-task=1 --kill-on-bad-exit=0 \\\n    " + AGENT + " &";
        return script(
                stage,
                "sbatch",
                h.toString(),
                "${SLURM_JOB_ID:?run this script with sbatch}",
                hosts,
                daemons,
                r,
                p,
                device);
    }

    static String pbs(Stage stage, String projectName, Resources r, Paths p, String device) {
        StringBuilder h = new StringBuilder();
        h.append("#PBS -N ").append(jobName(stage, projectName)).append('\n');
        h.append("#PBS -l nodes=")
                .append(r.nodes())
                .append(":ppn=")
                .append(r.tasksPerNode() * r.threads())
                .append('\n');
        if (r.mem() != null) {
            h.append("#PBS -l mem=").append(pbsMemory(r.mem())).append('\n');
        }
        h.append("#PBS -l walltime=").append(r.time()).append('\n');
        if (r.partition() != null) {
            h.append("#PBS -q ").append(r.partition()).append('\n');
        }
        if (r.account() != null) {
            h.append("#PBS -A ").append(r.account()).append('\n');
        }
        h.append("#PBS -j oe\n");
        h.append("#PBS -o ")
                .append(p.project().resolve("logs"))
                .append('/')
                .append(stage.name())
                .append("-pbs.out\n");
        h.append("#PBS -r y\n");
        String hosts = "sort -u \"${PBS_NODEFILE:?not inside a PBS job}\" > \"$jobdir/machines\"";
        // pbsdsh -u runs the command once on each node (with no environment: the agent needs none)
        String daemons = "pbsdsh -u " + AGENT + " &";
        return script(
                stage, "qsub", h.toString(), "${PBS_JOBID:?run this script with qsub}", hosts, daemons, r, p, device);
    }

    /** The node agent as the scripts start it: absolute paths only, no environment needed. */
    private static final String AGENT =
            "\"$java_bin\" -cp \"$jar\" " + MpjNodeAgent.class.getName() + " \"$jobdir\" \"$port\"";

    private static String script(
            Stage stage,
            String submit,
            String header,
            String jobIdExpr,
            String hosts,
            String daemons,
            Resources r,
            Paths p,
            String device) {
        String kind = submit.equals("sbatch") ? "slurm" : "pbs";
        String jobFile = "$project/run/" + stage.name() + ".job";
        return "#!/usr/bin/env bash\n"
                + "# diffract run " + stage.name() + " on a cluster, generated by 'diffract run " + stage.name()
                + " --scheduler " + kind + "'.\n"
                + "# Submit with: " + submit + " " + p.project().resolve("run").resolve(stage.name() + "." + kind)
                + "   (or: diffract run " + stage.name() + " --scheduler " + kind + " --submit)\n"
                + header
                + "set -euo pipefail\n\n"
                + "project=" + quote(p.project()) + "\n"
                + "jar=" + quote(p.jar()) + "\n"
                + "mpj_lib=" + quote(p.mpjLib()) + "\n"
                + "java_bin=" + quote(p.java()) + "\n"
                + "job=\"" + jobIdExpr + "\"\n"
                + "jobdir=\"$project/run/job-$job\"\n"
                + "cd \"$project\"\n\n"
                + "# run/" + stage.name() + ".job tells 'diffract status' which job this is and how it ended\n"
                + JobRecord.shellFunction(kind, jobFile)
                + "agents=\"\"\n"
                + "stopped=\"\"\n"
                + "cleanup() {\n"
                + "  rc=$?\n"
                + "  set +e\n"
                + "  if [ -n \"$agents\" ]; then\n"
                + "    # the agents end their daemons and exit 0: no step is killed, the log stays clean\n"
                + "    touch \"$jobdir/stop\"\n"
                + "    wait \"$agents\" 2>/dev/null\n"
                + "  fi\n"
                + "  if [ -n \"$stopped\" ]; then\n"
                + "    record " + JobRecord.STOPPED + " \"$rc\"\n"
                + "  elif [ \"$rc\" = 0 ]; then\n"
                + "    record " + JobRecord.FINISHED + " 0\n"
                + "  else\n"
                + "    record " + JobRecord.FAILED + " \"$rc\"\n"
                + "  fi\n"
                + "}\n"
                + "trap cleanup EXIT\n"
                + "trap 'stopped=1; exit 143' TERM INT HUP\n"
                + "record " + JobRecord.RUNNING + "\n\n"
                + "# a job-private MPJ_HOME: MPJ reads its ports from $MPJ_HOME/conf\n"
                + "mkdir -p \"$jobdir/mpj/conf\" \"$jobdir/mpj/logs\"\n"
                + "ln -sfn \"$mpj_lib\" \"$jobdir/mpj/lib\"\n"
                + hosts + "\n"
                + "nodes=$(wc -l < \"$jobdir/machines\")\n\n"
                + "# Ports: a free run of three (daemon, its port manager, the starter) probed here; each node's agent\n"
                + "# checks and locks them on its node, or says they are taken there, and then other ports are tried.\n"
                + "# DIFFRACT_MPJ_PORT chooses them instead.\n"
                + "tries=0\n"
                + "while :; do\n"
                + "  port=\"${DIFFRACT_MPJ_PORT:-$(\"$java_bin\" -cp \"$jar\" " + MpjNodeAgent.class.getName()
                + " --pick)}\"\n"
                + "  cat > \"$jobdir/mpj/conf/mpjexpress.conf\" <<EOF\n"
                + MpjRuntime.conf(-1, -2, -3)
                        .replace("=-1", "=$port")
                        .replace("=-2", "=$((port + 1))")
                        .replace("=-3", "=$((port + 2))")
                + "EOF\n"
                + "  rm -rf \"$jobdir/agents\" \"$jobdir/stop\"\n"
                + "  mkdir -p \"$jobdir/agents\"\n"
                + "  " + daemons + "\n"
                + "  agents=$!\n"
                + "  waited=0\n"
                + "  while [ \"$(find \"$jobdir/agents\" -name '*.ready' | wc -l)\" -lt \"$nodes\" ]; do\n"
                + "    if [ -n \"$(find \"$jobdir/agents\" \\( -name '*.taken' -o -name '*.failed' \\) -print -quit)\" ] \\\n"
                + "      || ! kill -0 \"$agents\" 2>/dev/null || [ \"$waited\" -gt 240 ]; then\n"
                + "      break\n"
                + "    fi\n"
                + "    waited=$((waited + 1))\n"
                + "    sleep 0.5\n"
                + "  done\n"
                + "  if [ \"$(find \"$jobdir/agents\" -name '*.ready' | wc -l)\" -ge \"$nodes\" ]; then\n"
                + "    break\n"
                + "  fi\n"
                + "  touch \"$jobdir/stop\"\n"
                + "  wait \"$agents\" 2>/dev/null || true\n"
                + "  agents=\"\"\n"
                + "  tries=$((tries + 1))\n"
                + "  if [ -n \"${DIFFRACT_MPJ_PORT:-}\" ] || [ \"$tries\" -ge 10 ]; then\n"
                + "    echo \"diffract: the MPJ daemons did not start on every node ($tries tries, last port $port)\" >&2\n"
                + "    exit 1\n"
                + "  fi\n"
                + "done\n"
                + "printf 'daemon=%s\\nportmanager=%s\\nstarter=%s\\n' \"$port\" \"$((port + 1))\" \"$((port + 2))\" "
                + "> \"$jobdir/ports\"\n\n"
                + "# a requeued or restarted job continues from the last complete iteration\n"
                + "resume=()\n"
                + (p.checkpoint() == null
                        ? ""
                        : "if [ -f " + quote(p.checkpoint()) + " ]; then\n" + "  resume=(--resume)\n" + "fi\n")
                + "# this JVM only launches the ranks: without the vector module it prints no incubator notice\n"
                + "\"$java_bin\" -Ddiffract.mpj.home=\"$jobdir/mpj\" -jar \"$jar\" \\\n"
                + "  run " + stage.name() + " --project \"$project\" --scheduler none --procs " + r.procs()
                + " --threads " + r.threads() + (r.heap() != null ? " --heap " + r.heap() : "") + " \\\n"
                + "  --machines \"$jobdir/machines\" --dport \"$port\" --device " + device
                + " --mpj-home \"$jobdir/mpj\" \"${resume[@]}\"\n";
    }

    private static String jobName(Stage stage, String projectName) {
        String n = ("diffract-" + stage.name() + "-" + projectName).replaceAll("[^A-Za-z0-9_.-]", "_");
        return n.length() > 60 ? n.substring(0, 60) : n;
    }

    /** SLURM's 8G is PBS's 8gb. */
    static String pbsMemory(String mem) {
        String m = mem.trim().toLowerCase(Locale.ROOT);
        if (!m.matches("\\d+[kmgt]?b?")) {
            throw new UserError("--mem '" + mem + "' must be a number with K, M, G or T, e.g. 8G");
        }
        return m.endsWith("b") ? m : m.matches("\\d+") ? m + "mb" : m + "b";
    }

    static String quote(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }
}
