package org.diffract.refine.xtal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;

/**
 * A reference data set laid out on an index, from the three kinds of file merging users give as the model:
 * an MTZ (IMEAN, else the first intensity column, else F squared), a CrystFEL .hkl, or atoms in a PDB file
 * whose intensities are computed ({@link StructureFactors}). The kind is told by the file's first bytes.
 */
final class ReferenceIntensities {
    private static final Logger LOG = LogManager.getLogger(ReferenceIntensities.class);

    private ReferenceIntensities() {}

    enum Kind {
        MTZ,
        HKL,
        PDB
    }

    static Kind kindOf(Path file) {
        byte[] head = new byte[80];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
        String s = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (s.startsWith("MTZ ")) {
            return Kind.MTZ;
        }
        if (s.startsWith("CrystFEL reflection list")) {
            return Kind.HKL;
        }
        String upper = s.toUpperCase(Locale.ROOT);
        for (String rec :
                new String[] {"HEADER", "CRYST1", "ATOM  ", "HETATM", "REMARK", "TITLE ", "COMPND", "EXPDTA"}) {
            if (upper.startsWith(rec)) {
                return Kind.PDB;
            }
        }
        throw new UserError(file + ": not an MTZ file, a CrystFEL reflection list or a PDB coordinate file; give "
                + "one of those as the reference");
    }

    /** The reference intensities on the index (NaN where the file has none); fails when it covers too little. */
    static double[] load(Path file, HklIndex index, SpaceGroup target, Communicator comm, int threads) {
        double[] ref = switch (kindOf(file)) {
            case MTZ -> MtzFile.read(file).reflections().onto(index);
            case HKL -> CrystfelHkl.read(file).onto(index);
            case PDB -> fromAtoms(file, index, target, comm, threads);
        };
        int have = 0;
        for (double v : ref) {
            have += Double.isFinite(v) ? 1 : 0;
        }
        if (have < 3) {
            throw new UserError(file + ": the reference has " + have + " reflections in the resolution range "
                    + "of the target cell; check its cell and d_min/d_max");
        }
        return ref;
    }

    private static double[] fromAtoms(Path file, HklIndex index, SpaceGroup target, Communicator comm, int threads) {
        PdbModel pdb = PdbModel.read(file);
        SpaceGroup sg;
        try {
            sg = SpaceGroups.find(pdb.spaceGroup());
        } catch (UserError e) {
            throw new UserError(file.getFileName() + ": CRYST1 space group: " + e.getMessage());
        }
        if (sg.number() != target.number()) {
            throw new UserError(file.getFileName() + ": CRYST1 space group " + sg + " is not the target " + target
                    + "; give a model in the target space group");
        }
        long t0 = System.nanoTime();
        double[] ref = StructureFactors.intensities(pdb, index, comm, threads);
        LOG.info(
                "reference from {} atoms of {} (cell {}): {} reflections in {} s",
                pdb.size(),
                file.getFileName(),
                pdb.cell(),
                index.size(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) * 1e-9));
        return ref;
    }
}
