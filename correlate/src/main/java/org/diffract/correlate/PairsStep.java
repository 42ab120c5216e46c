package org.diffract.correlate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.parallel.Communicator;

/**
 * The {@code pairs} step: which shots to difference, consecutive after the dark shots or from a JSON list
 * of tag pairs. Rank 0 writes them to {@code pairs.json} and, beside it, {@code pairs-settings.ini}: the
 * [input] and [pairs] settings they were made from (with a checksum of the pairs file, if any). The
 * {@code diffcorr} step alone then uses that pairs.json as it is, unless those settings have changed since,
 * in which case it makes the pairs again and says which setting changed.
 */
final class PairsStep {
    private static final Logger LOG = LogManager.getLogger(PairsStep.class);
    static final String SETTINGS_FILE = "pairs-settings.ini";

    private final CorrelateSettings s;
    private final Communicator comm;

    PairsStep(CorrelateSettings settings, Communicator comm) {
        this.s = settings;
        this.comm = comm;
    }

    /** Makes the pairs of the shots {@code tags}; rank 0 writes pairs.json and its settings record. */
    TagPairs run(long[] tags) {
        CorrelateSettings.Pairs o = s.pairs();
        TagPairs p = o.pairsFile() != null
                ? TagPairs.fromJson(o.pairsFile(), tags)
                : TagPairs.consecutive(tags, o.skipDark(), o.mode());
        if (comm.rank() == 0) {
            LOG.info(
                    "pairs: {} pairs from {} shots ({}), {} skipped for a missing tag",
                    p.size(),
                    tags.length,
                    o.pairsFile() != null
                            ? o.pairsFile()
                            : "consecutive, " + o.mode().name().toLowerCase(Locale.ROOT) + ", after " + o.skipDark()
                                    + " dark shots",
                    p.skipped());
            s.createOutputFolder();
            p.writeJson(s.pairsOut());
            record(s).write(settingsFile());
        }
        checkNotEmpty(p, tags.length);
        return p;
    }

    private void checkNotEmpty(TagPairs p, int shots) {
        if (p.size() == 0) {
            throw new UserError(s.name() + ": no shot pairs to correlate (" + shots + " shots, skip_dark "
                    + s.pairs().skipDark() + ", " + p.skipped() + " pairs with missing tags); check [pairs]");
        }
    }

    private Path settingsFile() {
        return s.outputFolder().resolve(SETTINGS_FILE);
    }

    /**
     * The pairs for the {@code diffcorr} step run alone: pairs.json as the pairs step left it when the
     * settings it was made from are still the config's (or when it has no record of them), else made again,
     * saying why. Every rank decides from the files as they were before any rank rewrites them.
     */
    TagPairs forDiffcorr(long[] tags) {
        Path json = s.pairsOut();
        Path recordFile = settingsFile();
        String why = null;
        TagPairs kept = null;
        if (!Files.isRegularFile(json)) {
            why = "there is no " + json + " from a pairs step";
        } else {
            List<String> changes =
                    Files.isRegularFile(recordFile) ? changes(IniConfig.read(recordFile), record(s)) : List.of();
            if (changes.isEmpty()) {
                kept = TagPairs.fromJson(json, tags);
            } else {
                why = "the settings changed since the pairs step wrote " + json + " (" + String.join(", ", changes)
                        + ")";
            }
        }
        comm.barrier(); // every rank has read the old files
        if (kept == null) {
            if (comm.rank() == 0) {
                LOG.warn("diffcorr: {}: making the pairs again and rewriting pairs.json", why);
            }
            return run(tags);
        }
        if (comm.rank() == 0) {
            LOG.info(
                    "diffcorr: {} pairs from {} as the pairs step wrote it{}{}",
                    kept.size(),
                    json,
                    Files.isRegularFile(recordFile) ? "" : " (it has no " + SETTINGS_FILE + ": using it as it is)",
                    kept.skipped() > 0 ? ", " + kept.skipped() + " naming a shot not in polar.h5 skipped" : "");
        }
        checkNotEmpty(kept, tags.length);
        return kept;
    }

    /** What pairs.json depends on: the shots' source and count, and every [pairs] setting. */
    static IniConfig record(CorrelateSettings s) {
        CorrelateSettings.Input in = s.input();
        CorrelateSettings.Pairs p = s.pairs();
        IniConfig c = IniConfig.empty(null)
                .set(
                        "input",
                        "data_file",
                        in.dataFile().toAbsolutePath().normalize().toString())
                .set("input", "dataset", in.dataset())
                .set("input", "run", in.run())
                .set("input", "max_shots", Integer.toString(in.maxShots()))
                .set("pairs", "mode", p.mode().name().toLowerCase(Locale.ROOT))
                .set("pairs", "skip_dark", Integer.toString(p.skipDark()))
                .set(
                        "pairs",
                        "pairs_file",
                        p.pairsFile() == null
                                ? "None"
                                : p.pairsFile().toAbsolutePath().normalize().toString());
        if (p.pairsFile() != null) {
            c.set("pairs", "pairs_file_sha256", sha256(p.pairsFile()));
        }
        return c;
    }

    /** "[section] key old -> new" for every setting that differs. */
    static List<String> changes(IniConfig before, IniConfig now) {
        List<String> out = new ArrayList<>();
        for (String section : List.of("input", "pairs")) {
            List<String> keys = new ArrayList<>(before.keys(section));
            for (String k : now.keys(section)) {
                if (!keys.contains(k)) {
                    keys.add(k);
                }
            }
            for (String k : keys) {
                String a = before.getString(section, k, "(none)");
                String b = now.getString(section, k, "(none)");
                if (!a.equals(b)) {
                    out.add("[" + section + "] " + k + " " + a + " -> " + b);
                }
            }
        }
        return out;
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UserError(file + ": cannot read the pairs file (" + e.getMessage() + "); fix [pairs] pairs_file");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
