package org.diffract.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.config.IniText;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.stage.Stage;

/**
 * A work folder as in spipy's merge.emc projects: one config per stage (copied from the conf/ templates),
 * data/ with a link to the user's data, output/ for results, logs/ for the runs' logs, run/ for pid, job and
 * submission files. {@value #MARKER} marks the folder and records where the data came from.
 */
final class Project {
    static final String MARKER = "diffract-project.ini";

    private final Path dir;

    private Project(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path dir() {
        return dir;
    }

    String name() {
        return IniText.parse(read(dir.resolve(MARKER)))
                .get("project", "name")
                .orElse(dir.getFileName().toString());
    }

    Path config(Stage stage) {
        return dir.resolve(stage.configTemplate());
    }

    Path logs() {
        return dir.resolve("logs");
    }

    Path runDir() {
        return dir.resolve("run");
    }

    /** The log a run of the stage writes (log4j2 file appender of every rank). */
    Path logFile(Stage stage) {
        return logs().resolve(stage.name() + ".log");
    }

    Path pidFile(Stage stage) {
        return runDir().resolve(stage.name() + ".pid");
    }

    /** Written by a generated SLURM/PBS script while its job runs: scheduler, job id, host. */
    Path jobFile(Stage stage) {
        return runDir().resolve(stage.name() + ".job");
    }

    /** --project DIR, else the remembered current project. */
    static Project resolve(Path explicit) {
        return open(explicit != null ? explicit : ProjectHome.current());
    }

    static Project open(Path dir) {
        if (!Files.isRegularFile(dir.resolve(MARKER))) {
            throw new UserError(dir + " is not a diffract project (no " + MARKER + "); create one with 'diffract "
                    + "project new DATA.h5 --inh5 /patterns'");
        }
        return new Project(dir);
    }

    /** Creates parent/name with every stage's config filled with the data, links, output/, logs/, run/. */
    static Project create(Path data, String dataset, Path parent, String name) {
        if (!Files.isRegularFile(data)) {
            throw new UserError(data + ": no such data file; give the HDF5 file with the patterns");
        }
        if (name == null) {
            String f = data.getFileName().toString();
            name = f.contains(".") ? f.substring(0, f.lastIndexOf('.')) : f;
        }
        if (name.isBlank() || name.contains("/")) {
            throw new UserError("project name '" + name + "' must be a plain folder name");
        }
        Path dir = (parent != null ? parent : Path.of(""))
                .toAbsolutePath()
                .resolve(name)
                .normalize();
        if (Files.exists(dir)) {
            throw new UserError(
                    dir + " already exists; choose another --name or --dir, or 'diffract project use " + dir + "'");
        }
        // build in a temporary sibling and rename: a failure (bad dataset, ...) leaves no half project
        Path tmp = dir.resolveSibling(
                "." + name + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(tmp.resolve("data"));
            for (String sub : new String[] {"output", "logs", "run"}) {
                Files.createDirectories(tmp.resolve(sub));
            }
            String link = "data/" + data.getFileName();
            Files.createSymbolicLink(tmp.resolve(link), data.toAbsolutePath().normalize());
            for (Stage s : Stages.all()) {
                IniText cfg = IniText.parse(template(s));
                s.useData(cfg, tmp, link, dataset);
                Files.writeString(tmp.resolve(s.configTemplate()), cfg.text());
            }
            Files.writeString(
                    tmp.resolve(MARKER),
                    "# diffract project: see 'diffract project show'\n[project]\n"
                            + "name = " + name + "\ndata = "
                            + data.toAbsolutePath().normalize() + "\ndataset = " + dataset
                            + "\n\n[" + CLUSTER
                            + "]\n# defaults of 'diffract run STAGE --scheduler slurm|pbs', set with 'diffract "
                            + "project config cluster|KEY=VALUE': " + String.join(", ", CLUSTER_KEYS) + "\n");
            Files.move(tmp, dir);
        } catch (IOException e) {
            Folders.deleteTree(tmp);
            throw new UserError("cannot create project " + dir + ": " + e.getMessage());
        } catch (RuntimeException e) {
            Folders.deleteTree(tmp);
            throw e;
        }
        return new Project(dir);
    }

    static String template(Stage s) {
        try (InputStream in = Project.class.getResourceAsStream("/conf/" + s.configTemplate())) {
            if (in == null) {
                throw new UserError("config template conf/" + s.configTemplate() + " is missing from diffract.jar; "
                        + "rebuild with 'mvn -B -DskipTests package'");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot read template conf/" + s.configTemplate() + ": " + e.getMessage());
        }
    }

    /**
     * Sets 'section|key=value' assignments in the configs of the stages that know the key. All are checked
     * (known key, then the stage reads the whole new config) before any file is replaced.
     */
    void configure(List<String> assignments) {
        Map<Stage, IniText> changed = new LinkedHashMap<>();
        IniText marker = null;
        for (String a : assignments) {
            int bar = a.indexOf('|');
            int eq = a.indexOf('=');
            if (bar <= 0 || eq < bar + 2) {
                throw new UserError("'" + a + "' is not of the form section|key=value (e.g. emc|num_div=6)");
            }
            String section = a.substring(0, bar).trim();
            String key = a.substring(bar + 1, eq).trim();
            String value = a.substring(eq + 1).trim();
            if (section.equals(CLUSTER)) {
                checkCluster(key, value);
                marker = marker != null ? marker : IniText.parse(read(dir.resolve(MARKER)));
                marker.set(CLUSTER, key, value);
                continue;
            }
            List<Stage> owners = new ArrayList<>();
            for (Stage s : Stages.all()) {
                if (s.knownKeys().getOrDefault(section, Set.of()).contains(key) && Files.isRegularFile(config(s))) {
                    owners.add(s);
                }
            }
            if (owners.isEmpty()) {
                throw new UserError("unknown key '" + section + "|" + key + "' for the stages of " + dir + "; known: "
                        + knownList());
            }
            for (Stage s : owners) {
                changed.computeIfAbsent(s, st -> IniText.parse(read(config(st))))
                        .set(section, key, value);
            }
        }
        Map<Stage, Path> checked = new LinkedHashMap<>();
        try {
            for (Map.Entry<Stage, IniText> e : changed.entrySet()) {
                // the check copy sits beside the config: relative paths in it resolve the same way
                Path check = dir.resolve("." + e.getKey().configTemplate() + ".check-"
                        + ProcessHandle.current().pid());
                Files.writeString(check, e.getValue().text());
                checked.put(e.getKey(), check);
                try {
                    e.getKey().outputFolder(check);
                } catch (UserError err) {
                    throw new UserError(
                            err.getMessage()
                                    .replace(
                                            check.getFileName().toString(),
                                            e.getKey().configTemplate()),
                            err.exitCode(),
                            null);
                }
            }
            for (Map.Entry<Stage, IniText> e : changed.entrySet()) {
                AtomicFiles.writeString(config(e.getKey()), e.getValue().text());
            }
            if (marker != null) {
                AtomicFiles.writeString(dir.resolve(MARKER), marker.text());
            }
        } catch (IOException e) {
            throw new UserError("cannot write in " + dir + ": " + e.getMessage());
        } finally {
            checked.values().forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a stray check file is harmless
                }
            });
        }
    }

    /** The section of {@value #MARKER} holding defaults for the scheduler scripts (cluster|partition=...). */
    static final String CLUSTER = "cluster";

    static final List<String> CLUSTER_KEYS = List.of("nodes", "mem", "time", "partition", "account", "device");

    /** A default for the scheduler scripts from the project's [cluster] section. */
    Optional<String> cluster(String key) {
        return IniText.parse(read(dir.resolve(MARKER))).get(CLUSTER, key).filter(v -> !v.isEmpty());
    }

    static void checkCluster(String key, String value) {
        String bad = switch (key) {
            case "nodes" -> value.matches("[1-9]\\d{0,4}") ? null : "a whole number >= 1";
            case "time" -> value.matches(WALL_TIME) ? null : "a wall time such as 01:30:00 or 2-00:00:00";
            case "mem" -> {
                ClusterScript.pbsMemory(value);
                yield null;
            }
            case "partition", "account" -> value.matches("[A-Za-z0-9_.+-]+") ? null : "a plain name";
            case "device" -> value.equals("niodev") || value.equals("hybdev") ? null : "niodev or hybdev";
            default ->
                throw new UserError(
                        "unknown key 'cluster|" + key + "'; known: cluster|" + String.join(", cluster|", CLUSTER_KEYS));
        };
        if (bad != null) {
            throw new UserError("cluster|" + key + " = '" + value + "' is not valid; expected " + bad);
        }
    }

    static final String WALL_TIME = "(\\d+-)?\\d+(:\\d\\d){0,2}";

    Optional<String> get(Stage s, String section, String key) {
        return IniText.parse(read(config(s))).get(section, key);
    }

    private static String knownList() {
        List<String> out = new ArrayList<>();
        for (Stage s : Stages.all()) {
            s.knownKeys().forEach((sec, keys) -> keys.stream().sorted().forEach(k -> out.add(sec + "|" + k)));
        }
        out.sort(null);
        return String.join(", ", out);
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UserError("cannot read " + f + ": " + e.getMessage());
        }
    }
}
