package org.diffract.refine.subtomo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.parallel.RankMain;

/**
 * The MPJ entry of {@code refine subtomo}: one call per rank, started by MPJ Express's starter with the
 * e2spt_refinemulti options as extra arguments (see {@link SubtomoOptions}) and/or {@code --config FILE}
 * whose [subtomo] keys are the same option names (arguments win); {@code --resume} continues from the
 * checkpoint in --path.
 */
public final class SubtomoRankMain {
    private SubtomoRankMain() {}

    public static void main(String[] argv) {
        RankMain.run(argv, ctx -> {
            List<String> args = new ArrayList<>();
            if (ctx.config() != null) {
                args.addAll(configArgs(ctx.config()));
            }
            args.addAll(ctx.extraArgs());
            SubtomoOptions o = SubtomoOptions.parse(args);
            o.validate();
            // opened, not read: each rank reads only its own particles
            try (ParticleSource stack = StackFiles.open(o.input, "--input")) {
                Path dir = o.path != null ? Path.of(o.path) : SubtomoRefinement.nextFreePath(Path.of("."));
                // the run writes parameters.txt once its checks (and a resume's checkpoint) have passed
                SubtomoOutput out = new SubtomoOutput(dir, o, stack.n());
                SubtomoRefinement refinement = new SubtomoRefinement(o, stack, ctx.comm(), ctx.threads(), out);
                if (ctx.resume()) {
                    refinement.resume();
                } else {
                    refinement.run();
                }
            }
        });
    }

    /** The [subtomo] keys whose values are files or folders (relative ones resolve against the config's folder). */
    public static final Set<String> PATH_KEYS = Set.of("input", "ref", "maskfile", "path");

    /** [subtomo] key = value lines as --key=value arguments; true/false keys become flags. */
    public static List<String> configArgs(Path config) {
        return configArgs(IniConfig.read(config));
    }

    /** {@link #configArgs(Path)} of a config read already; paths come out absolute. */
    public static List<String> configArgs(IniConfig ini) {
        // a config made from the command line alone has no file to name
        String where = ini.source() != null ? ini.source() + ": " : "";
        List<String> a = new ArrayList<>();
        Set<String> known = new SubtomoOptions().values().keySet();
        for (String key : ini.keys("subtomo")) {
            String name = "--" + key;
            if (SubtomoOptions.REFUSED.containsKey(name)) {
                throw new UserError(where + name + " ([subtomo] " + key
                        + ") is not supported by diffract refine subtomo: " + SubtomoOptions.REFUSED.get(name));
            }
            if (!known.contains(name)) {
                throw new UserError(
                        where + "unknown key '" + key + "' in [subtomo]; keys are the option names, e.g. nref");
            }
            String v = ini.getString("subtomo", key, "").trim();
            if (v.isEmpty() || v.equalsIgnoreCase("false")) {
                continue;
            }
            if (PATH_KEYS.contains(key)) {
                List<String> parts = new ArrayList<>();
                for (String part : v.split(",")) {
                    parts.add(ini.resolve(Path.of(part.trim())).toString());
                }
                v = String.join(",", parts);
            }
            a.add(v.equalsIgnoreCase("true") ? name : name + "=" + v);
        }
        return a;
    }
}
