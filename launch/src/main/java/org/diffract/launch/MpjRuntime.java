package org.diffract.launch;

import java.nio.file.Files;
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
            if (Files.isRegularFile(c.resolve("lib/starter.jar")) && Files.isRegularFile(c.resolve("lib/log4j-1.2.jar"))) {
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
    public List<String> multicoreCommand(int ranks, List<String> jvmOptions, Path classpath, String mainClass,
                                         List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(home.resolve("lib/starter.jar").toString());
        cmd.add("-np");
        cmd.add(Integer.toString(ranks));
        cmd.add("-dev");
        cmd.add("multicore");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath.toString());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
