package org.diffract.refine.subtomo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.diffract.core.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of EMAN2's e2spt_refinemulti.py with the same names and meaning, declared once: the CLI
 * mixes them in, and the rank main parses the same words from its extra arguments.
 */
public final class SubtomoOptions {
    @Option(names = "--input", description = "stack of subtomograms: HDF5 dataset (N, n, n, n) ('volumes', or FILE.h5:/path), an MRC stack "
            + "(nz = N * n sections) or a folder of MRC files, one per particle")
    public String input;

    @Option(names = "--ref", split = ",", description = "reference volume files (HDF5 or MRC, a stack gives one reference per volume); one volume is copied --nref times")
    public List<String> ref = new ArrayList<>();

    @Option(names = "--nref", defaultValue = "0", description = "number of references (classes); default: number of --ref files")
    public int nref;

    @Option(names = "--refgenmethod", defaultValue = "bt",
            description = "initial references without --ref: bt (binary-tree alignment and averaging of random subsets), "
                    + "hac (agglomerative clustering of pairwise alignment scores) or random (plain averages of random subsets)")
    public String refgenmethod;

    @Option(names = "--subset4ref", defaultValue = "0", description = "particles used to make initial references (0: all)")
    public int subset4ref;

    @Option(names = "--iter", defaultValue = "4", description = "iterations (default ${DEFAULT-VALUE})")
    public int iter;

    @Option(names = "--search", defaultValue = "8", description = "coarse translational search range, voxels of the full box")
    public int search;

    @Option(names = "--searchfine", defaultValue = "2", description = "fine translational search range around the coarse shift, voxels")
    public int searchfine;

    @Option(names = "--align", defaultValue = "rotate_translate_3d:delta=12:dphi=12",
            description = "coarse aligner: angular step delta (degrees, between axis directions) and dphi (in-plane)")
    public String align;

    @Option(names = "--falign", defaultValue = "refine_3d_grid:delta=3:range=6",
            description = "fine aligner: local grid of step delta over +-range degrees about each axis; 'none' to skip")
    public String falign;

    @Option(names = "--radius", defaultValue = "0", description = "particle radius in voxels: fine step = precision * 360 / (2 pi radius) over +-half the coarse step")
    public double radius;

    @Option(names = "--precision", defaultValue = "1.0", description = "voxels the particle edge may move per fine step (with --radius)")
    public double precision;

    @Option(names = "--npeakstorefine", defaultValue = "1", description = "coarse peaks refined per particle and reference")
    public int npeakstorefine;

    @Option(names = "--shrink", defaultValue = "1", description = "downsampling factor for the coarse search")
    public int shrink;

    @Option(names = "--shrinkfine", defaultValue = "1", description = "downsampling factor for the fine search")
    public int shrinkfine;

    @Option(names = "--lowpass", description = "processor for the coarse search, e.g. filter.lowpass.gauss:cutoff_freq=0.1")
    public String lowpass;

    @Option(names = "--highpass", description = "processor for the coarse search, e.g. filter.highpass.gauss:cutoff_freq=0.01")
    public String highpass;

    @Option(names = "--lowpassfine", description = "low-pass processor for the fine search")
    public String lowpassfine;

    @Option(names = "--highpassfine", description = "high-pass processor for the fine search")
    public String highpassfine;

    @Option(names = "--preprocess", description = "processor applied to particles and references before alignment")
    public String preprocess;

    @Option(names = "--normproc", defaultValue = "normalize.edgemean", description = "normalisation of every particle ('none' to skip)")
    public String normproc;

    @Option(names = "--threshold", description = "threshold processor before alignment, e.g. threshold.belowtozero:minval=0")
    public String threshold;

    @Option(names = "--mask", description = "mask processor before alignment, e.g. mask.sharp:outer_radius=-2")
    public String mask;

    @Option(names = "--maskfile", description = "HDF5 or MRC volume multiplied into particles and references before alignment")
    public String maskfile;

    @Option(names = "--sym", defaultValue = "c1", description = "symmetry c<n>, d<n>, tet, oct, icos: search its asymmetric unit and symmetrise averages")
    public String sym;

    @Option(names = "--breaksym", description = "with --sym: search all orientations and do not symmetrise averages")
    public boolean breaksym;

    @Option(names = "--keep", defaultValue = "1.0", description = "fraction of each class (best scores) averaged; with --keepsig, sigmas")
    public double keep;

    @Option(names = "--keepsig", description = "--keep is in standard deviations: keep scores >= mean - keep * sigma")
    public boolean keepsig;

    @Option(names = "--weighbyscore", description = "weight each particle in its average by its score")
    public boolean weighbyscore;

    @Option(names = "--saveali", description = "write the aligned particles of the last iteration")
    public boolean saveali;

    @Option(names = "--savesteps", description = "write PNG sections of the averages of every iteration, not only the last")
    public boolean savesteps;

    @Option(names = "--saveallalign", description = "write every particle's alignment to every reference, each iteration")
    public boolean saveallalign;

    @Option(names = "--autocenter", description = "centre each average: xform.centerofmass")
    public String autocenter;

    @Option(names = "--path", description = "output folder (default spt_refinemulti_NN, the next free number)")
    public String path;

    @Option(names = "--verbose", defaultValue = "0", description = "more log lines (1: per-particle assignments)")
    public int verbose;

    @Option(names = "--seed", defaultValue = "1", description = "seed for the random subsets of reference generation")
    public long seed;

    /** Parses the rank main's extra arguments; a later repeat of an option wins (config first, then arguments). */
    public static SubtomoOptions parse(List<String> args) {
        SubtomoOptions o = new SubtomoOptions();
        try {
            new CommandLine(o).setOverwrittenOptionsAllowed(true).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new UserError(e.getMessage());
        }
        return o;
    }

    /** Back to arguments, for the rank main: every option in its "--name=value" form. */
    public List<String> toArgs() {
        List<String> a = new ArrayList<>();
        for (Map.Entry<String, String> e : values().entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (e.getValue().equals("true")) {
                a.add(e.getKey());
            } else if (!e.getValue().equals("false")) {
                a.add(e.getKey() + "=" + e.getValue());
            }
        }
        return a;
    }

    /** Every option and its value, in declaration order (parameters.txt). */
    public Map<String, String> values() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--input", input);
        m.put("--ref", ref.isEmpty() ? null : String.join(",", ref));
        m.put("--nref", Integer.toString(nref));
        m.put("--refgenmethod", refgenmethod);
        m.put("--subset4ref", Integer.toString(subset4ref));
        m.put("--iter", Integer.toString(iter));
        m.put("--search", Integer.toString(search));
        m.put("--searchfine", Integer.toString(searchfine));
        m.put("--align", align);
        m.put("--falign", falign);
        m.put("--radius", Double.toString(radius));
        m.put("--precision", Double.toString(precision));
        m.put("--npeakstorefine", Integer.toString(npeakstorefine));
        m.put("--shrink", Integer.toString(shrink));
        m.put("--shrinkfine", Integer.toString(shrinkfine));
        m.put("--lowpass", lowpass);
        m.put("--highpass", highpass);
        m.put("--lowpassfine", lowpassfine);
        m.put("--highpassfine", highpassfine);
        m.put("--preprocess", preprocess);
        m.put("--normproc", normproc);
        m.put("--threshold", threshold);
        m.put("--mask", mask);
        m.put("--maskfile", maskfile);
        m.put("--sym", sym);
        m.put("--breaksym", Boolean.toString(breaksym));
        m.put("--keep", Double.toString(keep));
        m.put("--keepsig", Boolean.toString(keepsig));
        m.put("--weighbyscore", Boolean.toString(weighbyscore));
        m.put("--saveali", Boolean.toString(saveali));
        m.put("--savesteps", Boolean.toString(savesteps));
        m.put("--saveallalign", Boolean.toString(saveallalign));
        m.put("--autocenter", autocenter);
        m.put("--path", path);
        m.put("--verbose", Integer.toString(verbose));
        m.put("--seed", Long.toString(seed));
        return m;
    }

    /** Checks values that need no file: a typo fails here with one line, before any work. */
    public void validate() {
        if (input == null) {
            throw new UserError("give --input STACK.h5 (an HDF5 or MRC stack of volumes)");
        }
        if (nref < 0 || (nref == 0 && ref.isEmpty())) {
            throw new UserError("give --nref N (>= 1) or --ref FILE[,FILE...]");
        }
        if (ref.size() > 1 && nref > 0 && nref != ref.size()) {
            throw new UserError("--nref " + nref + " does not match the " + ref.size() + " --ref files; drop --nref or give one file");
        }
        String m = refgenmethod.toLowerCase(Locale.ROOT);
        if (!List.of("bt", "binarytree", "hac", "random", "ssa").contains(m)) {
            throw new UserError("--refgenmethod '" + refgenmethod + "' is unknown; use bt, hac or random");
        }
        positive("--iter", iter);
        positive("--npeakstorefine", npeakstorefine);
        positive("--shrink", shrink);
        positive("--shrinkfine", shrinkfine);
        if (search < 0 || searchfine < 0) {
            throw new UserError("--search and --searchfine must be >= 0 voxels");
        }
        if (subset4ref < 0) {
            throw new UserError("--subset4ref must be >= 0 (0: all particles)");
        }
        if (!(keep > 0) || (!keepsig && keep > 1)) {
            throw new UserError("--keep " + keep + " must be in (0, 1] (a fraction), or > 0 sigmas with --keepsig");
        }
        if (radius < 0 || !(precision > 0)) {
            throw new UserError("--radius must be >= 0 and --precision > 0");
        }
        if (autocenter != null && !autocenter.isBlank() && !autocenter.startsWith("xform.centerofmass")) {
            throw new UserError("--autocenter '" + autocenter + "' is unknown; use xform.centerofmass");
        }
        coarseDelta();
        coarseDphi();
        fineRange();
        fineStep();
        SymmetryGroup.parse(sym);
        for (String[] p : new String[][] {{"--lowpass", lowpass}, {"--highpass", highpass}, {"--lowpassfine", lowpassfine},
                {"--highpassfine", highpassfine}, {"--preprocess", preprocess}, {"--normproc", normproc},
                {"--threshold", threshold}, {"--mask", mask}}) {
            Processor.parse(p[0], p[1]);
        }
        if (normproc != null && normproc.trim().toLowerCase(Locale.ROOT).startsWith("normalize.mask") && mask == null
                && maskfile == null) {
            throw new UserError("--normproc normalize.mask needs --mask or --maskfile (its statistics come from inside the mask)");
        }
        if (maskfile != null && !Files.isRegularFile(Path.of(maskfile))) {
            throw new UserError("--maskfile " + maskfile + ": no such file; give an HDF5 volume (n, n, n)");
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new UserError(name + " " + v + " must be >= 1");
        }
    }

    public double coarseDelta() {
        return param("--align", align, "delta", 12, 0.5, 180);
    }

    public double coarseDphi() {
        return param("--align", align, "dphi", coarseDelta(), 0.5, 360);
    }

    public boolean fineEnabled() {
        return falign != null && !falign.isBlank() && !falign.equalsIgnoreCase("none");
    }

    /** Fine step in degrees: --radius and --precision decide it when a radius is given. */
    public double fineStep() {
        if (radius > 0) {
            return precision * 360 / (2 * Math.PI * radius);
        }
        return fineEnabled() ? param("--falign", falign, "delta", 3, 0.01, 90) : 0;
    }

    public double fineRange() {
        if (!fineEnabled()) {
            return 0;
        }
        if (radius > 0) {
            // the radius' step can exceed --falign's default range of 6 degrees, which would leave no local step at
            // all: the fine search then covers the gap between coarse orientations, half the coarse step each way
            return coarseDelta() / 2;
        }
        return param("--falign", falign, "range", 6, 0, 90);
    }

    private static double param(String option, String spec, String key, double dflt, double min, double max) {
        if (spec == null) {
            return dflt;
        }
        for (String part : spec.split(":")) {
            if (part.startsWith(key + "=")) {
                try {
                    double v = Double.parseDouble(part.substring(key.length() + 1));
                    if (v >= min && v <= max) {
                        return v;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                throw new UserError(option + " '" + spec + "': " + key + " must be a number in [" + min + ", " + max + "]");
            }
        }
        return dflt;
    }

    public String refGenMethod() {
        String m = refgenmethod.toLowerCase(Locale.ROOT);
        return m.equals("binarytree") ? "bt" : m.equals("ssa") ? "random" : m;
    }
}
