package org.diffract.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.diffract.core.UserError;

/**
 * Where MPJ Express lives and how to start ranks with it. MPJ_HOME is looked for in: the system
 * property diffract.mpj.home, $DIFFRACT_MPJ_HOME, the build's target/mpj-home beside this jar's project,
 * then $MPJ_HOME (only if it has the jars Debian's layout lacks; see launch/mpj-setup.sh).
 */
public final class MpjRuntime {
    private final Path home;

    private MpjRuntime(Path home) {
        this.home = home;
    }

    public Path home() {
        return home;
    }

    /** A given MPJ_HOME (e.g. a job's private copy), checked like the located ones. */
    public static MpjRuntime at(Path home) {
        if (!Files.isRegularFile(home.resolve("lib/starter.jar"))) {
            throw new UserError(
                    home + " is not an MPJ_HOME (no lib/starter.jar); leave out --mpj-home to use diffract's");
        }
        return new MpjRuntime(home.toAbsolutePath());
    }

    /**
     * A job-private MPJ_HOME in {@code dir}: the jars linked from this one, its own conf with the given ports
     * and its own logs/. MPJ reads its ports from $MPJ_HOME/conf, so two jobs on one machine need one each.
     */
    public MpjRuntime privateCopy(Path dir, int daemonPort, int daemonPort2, int starterPort) {
        try {
            Files.createDirectories(dir.resolve("conf"));
            Files.createDirectories(dir.resolve("logs"));
            Path lib = dir.resolve("lib");
            if (!Files.exists(lib, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(lib, home.resolve("lib").toRealPath());
            }
        } catch (IOException e) {
            throw new UserError("cannot create a private MPJ_HOME in " + dir + ": " + e.getMessage());
        }
        org.diffract.core.io.AtomicFiles.writeString(
                dir.resolve("conf/mpjexpress.conf"), conf(daemonPort, daemonPort2, starterPort));
        return new MpjRuntime(dir.toAbsolutePath());
    }

    /** mpjexpress.conf with the given ports and MPJ's own logging off (as Debian ships it). */
    static String conf(int daemonPort, int daemonPort2, int starterPort) {
        return "mpjexpress.mpjdaemon.port.1=" + daemonPort + "\nmpjexpress.mpjdaemon.port.2=" + daemonPort2
                + "\nmpjexpress.mpjrun.port.1=" + starterPort + "\nmpjexpress.mpjdaemon.loglevel=OFF\n"
                + "mpjexpress.mpjrun.loglevel=OFF\nmpjexpress.mpi.loglevel=OFF\nmpjexpress.version=0.44\n"
                + "mpjexpress.mpi.old.collectives=false\n";
    }

    public static MpjRuntime locate() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("diffract.mpj.home");
        if (prop != null && !prop.isBlank()) {
            candidates.add(Path.of(prop));
        }
        String env = System.getenv("DIFFRACT_MPJ_HOME");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        Path jar = AppJar.path();
        if (jar != null) {
            // launch/target/diffract.jar -> <project>/target/mpj-home
            Path project = jar.toAbsolutePath().getParent().getParent().getParent();
            if (project != null) {
                candidates.add(project.resolve("target/mpj-home"));
            }
        }
        String mpj = System.getenv("MPJ_HOME");
        if (mpj != null && !mpj.isBlank()) {
            candidates.add(Path.of(mpj));
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c.resolve("lib/starter.jar"))
                    && Files.isRegularFile(c.resolve("lib/log4j-1.2.jar"))) {
                return new MpjRuntime(c.toAbsolutePath());
            }
        }
        throw new UserError("MPJ Express 0.44 not found: install it with 'sudo apt-get install libmpj-java' and run "
                + "'bash launch/mpj-setup.sh target/mpj-home' (the build does this), or set DIFFRACT_MPJ_HOME");
    }

    /**
     * The command that starts {@code ranks} ranks of {@code mainClass} on the multicore device of this
     * machine. JVM options go after the starter's own options: the starter passes unknown options to the
     * JVM it spawns (one token each: `--add-modules=...` works, `--add-modules x` breaks its parsing).
     */
    public List<String> multicoreCommand(
            int ranks, List<String> jvmOptions, Path classpath, String mainClass, List<String> args) {
        return starter(ranks, "multicore", List.of(), jvmOptions, classpath, mainClass, args);
    }

    /**
     * The command that starts {@code ranks} ranks through the MPJ daemons on the hosts of {@code machines}
     * (device niodev or hybdev); {@code workDir} must be on a filesystem every host sees.
     */
    public List<String> clusterCommand(
            String device,
            int ranks,
            Path machines,
            int daemonPort,
            Path workDir,
            List<String> jvmOptions,
            Path classpath,
            String mainClass,
            List<String> args) {
        return starter(
                ranks,
                device,
                List.of(
                        "-machinesfile",
                        machines.toAbsolutePath().toString(),
                        "-dport",
                        Integer.toString(daemonPort),
                        "-wdir",
                        workDir.toAbsolutePath().toString()),
                jvmOptions,
                classpath,
                mainClass,
                args);
    }

    /** java -jar starter.jar -np N -dev DEVICE [device options] [JVM options] -cp CLASSPATH MAIN [args]. */
    private List<String> starter(
            int ranks,
            String device,
            List<String> deviceOptions,
            List<String> jvmOptions,
            Path classpath,
            String mainClass,
            List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                home.resolve("lib/starter.jar").toString(),
                "-np",
                Integer.toString(ranks),
                "-dev",
                device));
        cmd.addAll(deviceOptions);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath.toString());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
