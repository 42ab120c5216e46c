package org.diffract.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.core.stage.Stage;
import org.diffract.core.stage.StageOption;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * Every stage's command, built from its {@link Stage} description: {@code diffract emc}, {@code diffract spots},
 * {@code diffract correlate center}, {@code diffract refine subtomo}, ... All take the config the same way
 * ({@code --config FILE}, {@code --set section.key=value}, the stage's own options, each standing for a key), check
 * it once through the stage, write it into the run folder ({@link RunConfig}) and start the ranks on it.
 */
final class StageCommands {
    private StageCommands() {}

    /** Adds every stage's command under {@code root}, with the groups their words need and their tools. */
    static void addTo(CommandLine root) {
        for (Stage stage : Stages.all()) {
            List<String> words = stage.command();
            CommandLine parent = root;
            for (String w : words.subList(0, words.size() - 1)) {
                parent = group(parent, w);
            }
            String last = words.get(words.size() - 1);
            CommandLine node;
            if (stage.steps().isEmpty()) {
                node = new CommandLine(runSpec(stage, null, stage.description()));
                parent.addSubcommand(last, node);
            } else {
                node = group(parent, last);
                node.getCommandSpec().usageMessage().description(sentence(stage.description()));
                for (Stage.Step step : stage.steps()) {
                    node.addSubcommand(step.name(), new CommandLine(runSpec(stage, step.name(), step.description())));
                }
            }
            for (Object tool : stage.tools()) {
                node.addSubcommand(new CommandLine(tool));
            }
            for (Object tool : LaunchTools.of(stage.name())) {
                node.addSubcommand(new CommandLine(tool));
            }
        }
    }

    /** A command that only holds others ({@code diffract refine}): made once, its help lists what it holds. */
    private static CommandLine group(CommandLine parent, String name) {
        CommandLine existing = parent.getSubcommands().get(name);
        if (existing != null) {
            return existing;
        }
        CommandSpec[] self = new CommandSpec[1];
        CommandSpec spec = CommandSpec.wrapWithoutInspection((Runnable) () -> {
            throw new CommandLine.ParameterException(
                    self[0].commandLine(),
                    "name a subcommand ("
                            + String.join(", ", self[0].subcommands().keySet()) + ")");
        });
        self[0] = spec;
        spec.name(name).mixinStandardHelpOptions(true);
        CommandLine cl = new CommandLine(spec);
        parent.addSubcommand(name, cl);
        return cl;
    }

    /** The command that runs {@code stage} (or one of its steps). */
    private static CommandSpec runSpec(Stage stage, String step, String description) {
        StageRun run = new StageRun(stage, step);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(run);
        run.spec = spec;
        spec.mixinStandardHelpOptions(true);
        spec.usageMessage().description(sentence(description));
        spec.addOption(OptionSpec.builder("--config")
                .paramLabel("FILE")
                .type(Path.class)
                .description("config file (see conf/" + stage.configTemplate() + "); the options below override it"
                        + (stage.needsConfig() ? "; required" : ""))
                .build());
        spec.addOption(OptionSpec.builder("--set")
                .paramLabel("SECTION.KEY=VALUE")
                .type(String[].class)
                .description("override any config key, e.g. --set " + RunConfig.example(stage) + " (repeatable)")
                .build());
        if (stage.resumable()) {
            spec.addOption(OptionSpec.builder("--resume")
                    .arity("0")
                    .type(boolean.class)
                    .description("continue from the output folder's last complete checkpoint")
                    .build());
        }
        for (StageOption o : stage.options()) {
            String help = o.description() + " ([" + o.section() + "] " + o.key() + ")";
            if (o.kind() == StageOption.Kind.POSITIONAL) {
                PositionalParamSpec p = PositionalParamSpec.builder()
                        .arity("0..1")
                        .paramLabel(o.label())
                        .type(String.class)
                        .description(help)
                        .build();
                spec.addPositional(p);
                run.positionals.put(p, o);
            } else {
                OptionSpec.Builder b =
                        OptionSpec.builder(o.names().toArray(new String[0])).description(help);
                b = switch (o.kind()) {
                    case FLAG -> b.arity("0").type(boolean.class);
                    case OPTIONAL_VALUE ->
                        b.arity("0..1").type(String.class).paramLabel(o.label()).fallbackValue("true");
                    default -> b.arity("1").type(String.class).paramLabel(o.label());
                };
                OptionSpec os = b.build();
                spec.addOption(os);
                run.options.put(os, o);
            }
        }
        spec.addMixin("ranks", CommandSpec.forAnnotatedObject(run.ranks));
        return spec;
    }

    /** A description as a help line: capitalised, with a full stop. */
    private static String sentence(String s) {
        String t = s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return t.endsWith(".") ? t : t + ".";
    }

    /** One run of a stage from the command line. */
    static final class StageRun implements Callable<Integer> {
        final Stage stage;
        final String step;
        final RankOptions ranks = new RankOptions();
        final Map<OptionSpec, StageOption> options = new LinkedHashMap<>();
        final Map<PositionalParamSpec, StageOption> positionals = new LinkedHashMap<>();
        CommandSpec spec;

        StageRun(Stage stage, String step) {
            this.stage = stage;
            this.step = step;
        }

        @Override
        public Integer call() {
            ParseResult pr = spec.commandLine().getParseResult();
            Path config = pr.matchedOptionValue("--config", null);
            if (config == null && stage.needsConfig()) {
                throw new UserError("give --config FILE (see conf/" + stage.configTemplate() + ")"
                        + (spec.subcommands().isEmpty()
                                ? ""
                                : ", or a subcommand: "
                                        + String.join(", ", spec.subcommands().keySet())));
            }
            RunConfig rc = RunConfig.load(stage, config);
            rc.set(List.of(pr.matchedOptionValue("--set", new String[0])));
            for (Map.Entry<PositionalParamSpec, StageOption> e : positionals.entrySet()) {
                if (pr.hasMatchedPositional(e.getKey())) {
                    rc.set(
                            e.getValue().section(),
                            e.getValue().key(),
                            e.getKey().getValue());
                }
            }
            for (Map.Entry<OptionSpec, StageOption> e : options.entrySet()) {
                if (pr.hasMatchedOption(e.getKey())) {
                    Object v = e.getKey().getValue();
                    rc.set(e.getValue().section(), e.getValue().key(), String.valueOf(v));
                }
            }
            RankOptions.Shape shape = ranks.shape(stage, rc.config());
            RunConfig.Checked checked = rc.check(null);
            boolean resume = stage.resumable() && pr.hasMatchedOption("--resume");
            if (resume && checked.chosenHere()) {
                throw new UserError(
                        "--resume continues the run in its output folder, but none was named and a new one ("
                                + checked.outputFolder() + ") would be made; name the folder of the run to continue");
            }
            String xmx = ranks.heap(stage, rc.config(), shape);
            RunConfig.Prepared run = rc.write(checked, null);
            if (checked.chosenHere()) {
                System.err.println("diffract " + String.join(" ", stage.command()) + (step == null ? "" : " " + step)
                        + ": writing to " + run.outputFolder());
            }
            List<String> args = new ArrayList<>(List.of("--config", run.file().toString()));
            if (step != null) {
                args.add(step);
            }
            if (resume) {
                args.add("--resume");
            }
            boolean ok = false;
            try {
                int code = ranks.launch(stage, shape, xmx, run.log(), args);
                ok = code == 0;
                return code;
            } finally {
                // unless a resume can continue from what the run wrote, a failure leaves no partial output behind
                run.finish(ok, stage.checkpoint(run.outputFolder()));
            }
        }
    }
}
