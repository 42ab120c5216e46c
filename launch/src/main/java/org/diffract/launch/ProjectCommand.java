package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.diffract.core.config.IniText;
import org.diffract.core.stage.Stage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code diffract project new|config|use|show}: work folders as in spipy's merge.emc projects. */
@Command(
        name = "project",
        mixinStandardHelpOptions = true,
        subcommands = {
            ProjectCommand.New.class,
            ProjectCommand.Config.class,
            ProjectCommand.Use.class,
            ProjectCommand.Show.class
        },
        description = "Create, configure and choose the project folder the run and status commands work on.")
public final class ProjectCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand (new, config, use, show)");
    }

    @Command(
            name = "new",
            mixinStandardHelpOptions = true,
            description = "Create a project folder for DATA.h5 with every stage's config and make it current.")
    static final class New implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DATA.h5", description = "HDF5 file with the patterns")
        Path data;

        @Option(names = "--inh5", required = true, description = "dataset path of the patterns (Nd, Nx, Ny)")
        String dataset;

        @Option(names = "--dir", description = "folder to create the project in (default: here)")
        Path dir;

        @Option(names = "--name", description = "project folder name (default: the data file's name)")
        String name;

        @Override
        public Integer call() {
            Project p = Project.create(data, dataset, dir, name);
            ProjectHome.setCurrent(p.dir());
            System.out.println("created project " + p.dir() + " (now current); configure it with 'diffract "
                    + "project config emc|num_div=6', run it with 'diffract run emc --procs 2'");
            return 0;
        }
    }

    @Command(
            name = "config",
            mixinStandardHelpOptions = true,
            description = "Set config keys of the current project, written as section|key=value.")
    static final class Config implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "section|key=value")
        List<String> assignments;

        @Option(names = "--project", description = "project folder (default: the current project)")
        Path project;

        @Override
        public Integer call() {
            Project p = Project.resolve(project);
            p.configure(assignments);
            System.out.println("set " + String.join(" ", assignments) + " in " + p.dir());
            return 0;
        }
    }

    @Command(name = "use", mixinStandardHelpOptions = true, description = "Make PATH the current project.")
    static final class Use implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PATH")
        Path path;

        @Override
        public Integer call() {
            Project p = Project.open(path);
            ProjectHome.setCurrent(p.dir());
            System.out.println("current project: " + p.dir());
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Print the current project: folder, data, every stage's config.")
    static final class Show implements Callable<Integer> {
        @Option(names = "--project", description = "project folder (default: the current project)")
        Path project;

        @Override
        public Integer call() {
            Project p = Project.resolve(project);
            StringBuilder sb = new StringBuilder();
            sb.append("project ").append(p.name()).append(": ").append(p.dir()).append('\n');
            IniText marker = IniText.parse(Project.read(p.dir().resolve(Project.MARKER)));
            sb.append("data: ")
                    .append(marker.get("project", "data").orElse("?"))
                    .append(" (")
                    .append(marker.get("project", "dataset").orElse("?"))
                    .append(")\n");
            StringBuilder cluster = new StringBuilder();
            for (String k : Project.CLUSTER_KEYS) {
                p.cluster(k)
                        .ifPresent(v -> cluster.append(cluster.length() > 0 ? ", " : "")
                                .append(k)
                                .append('=')
                                .append(v));
            }
            sb.append("cluster defaults: ")
                    .append(cluster.length() > 0 ? cluster : "none")
                    .append('\n');
            for (Stage s : Stages.all()) {
                Path cfg = p.config(s);
                if (!Files.isRegularFile(cfg)) {
                    continue;
                }
                sb.append("\n# ").append(s.name()).append(": ").append(cfg).append('\n');
                for (String line : Project.read(cfg).split("\n")) {
                    String t = line.trim();
                    if (!t.isEmpty() && !t.startsWith("#") && !t.startsWith(";")) {
                        sb.append(line).append('\n');
                    }
                }
            }
            System.out.print(sb);
            return 0;
        }
    }
}
