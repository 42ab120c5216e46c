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
    @Option(
            names = "--input",
            description =
                    "stack of subtomograms: HDF5 dataset (N, n, n, n) ('volumes', or FILE.h5:/path), an MRC stack "
                            + "(nz = N * n sections) or a folder of MRC files, one per particle")
    public String input;

    @Option(
            names = "--ref",
            split = ",",
            description =
                    "reference volume files (HDF5 or MRC, a stack gives one reference per volume); one volume is copied --nref times")
    public List<String> ref = new ArrayList<>();

    @Option(
            names = "--nref",
            defaultValue = "0",
            description = "number of references (classes); default: number of --ref files")
    public int nref;

    @Option(
            names = "--refgenmethod",
            defaultValue = "hac",
            description =
                    "initial references without --ref: hac (default: agglomerative clustering of pairwise alignment scores), "
                            + "bt (binary-tree alignment and averaging of random subsets) or random (plain averages of random subsets)")
    public String refgenmethod;

    @Option(
            names = "--subset4ref",
            defaultValue = "0",
            description =
                    "particles per reference used to make initial references " + "(0: all for bt and random, at most "
                            + HAC_DEFAULT_PER_REF + " per reference for hac, which aligns every pair)")
    public int subset4ref;

    @Option(
            names = "--subset",
            defaultValue = "0",
            description = "refine only the first N particles of --input (0: all)")
    public int subset;

    @Option(
            names = "--apix",
            defaultValue = "0",
            description = "voxel size in Angstrom (default: from the input's header)")
    public double apix;

    @Option(
            names = "--output",
            defaultValue = "class_avgs.hdf",
            description = "EMAN2 HDF stack of the class averages in --path (default ${DEFAULT-VALUE})")
    public String output;

    @Option(
            names = "--averager",
            defaultValue = "mean.tomo",
            description = "mean.tomo (each Fourier voxel from the particles that measured it: "
                    + "missing-wedge weighting), mean (real-space mean) or median (voxel-wise median)")
    public String averager;

    @Option(
            names = "--aligncmp",
            defaultValue = "ccc.tomo",
            description = "coarse score: ccc.tomo (wedge-masked normalised cross-correlation; "
                    + "ccc.tomo.thresh the same) or fsc.tomo (mean wedge-masked Fourier shell correlation)")
    public String aligncmp;

    @Option(
            names = "--faligncmp",
            defaultValue = "ccc.tomo",
            description = "fine score: ccc.tomo, ccc.tomo.thresh or fsc.tomo")
    public String faligncmp;

    @Option(
            names = "--syms",
            split = ",",
            description =
                    "symmetry per reference, e.g. d8,c1 (missing ones are c1): each class average is symmetrised by its own")
    public List<String> syms = new ArrayList<>();

    @Option(
            names = "--postprocess",
            description = "processor applied to the final class averages (after the last iteration)")
    public String postprocess;

    @Option(names = "--preavgproc1", description = "processor applied to each aligned particle before averaging")
    public String preavgproc1;

    @Option(names = "--preavgproc2", description = "second processor applied to each aligned particle before averaging")
    public String preavgproc2;

    @Option(
            names = "--preprocessfine",
            description =
                    "processor applied to particles and references before the fine alignment (default: --preprocess)")
    public String preprocessfine;

    @Option(
            names = "--savepreproc",
            description =
                    "write the preprocessed particles (ptcls_preproc.hdf, and ptcls_preprocfine.hdf with a fine search)")
    public boolean savepreproc;

    @Option(
            names = "--clip",
            defaultValue = "0",
            description =
                    "box edge the particles are clipped to (about the centre) for alignment; averages keep the full box")
    public int clip;

    @Option(
            names = "--randomizewedge",
            description =
                    "turn every particle by a random rotation before alignment (the reported transforms include it)")
    public boolean randomizewedge;

    @Option(
            names = "--weighbytiltaxis",
            description =
                    "A,B: weight 1 at tilt axis x = A falling linearly to B at x = 0 or 2A, from each particle's ptcl_source_coord")
    public String weighbytiltaxis;

    @Option(names = "--plots", description = "write score histograms (scores_NN.png) every iteration")
    public boolean plots;

    @Option(
            names = "--refrandphase",
            defaultValue = "0",
            description = "randomise the phases of given references beyond this resolution (Angstrom; 0: no)")
    public double refrandphase;

    @Option(names = "--refpreprocess", description = "preprocess references like particles (always done here)")
    public boolean refpreprocess;

    @Option(names = "--notmatchimgs", description = "do not match spectra before alignment (never done here)")
    public boolean notmatchimgs;

    @Option(
            names = "--autocentermask",
            description = "mask processor applied to a copy of each average before --autocenter finds its centre")
    public String autocentermask;

    @Option(names = "--iter", defaultValue = "4", description = "iterations (default ${DEFAULT-VALUE})")
    public int iter;

    @Option(
            names = "--search",
            description =
                    "coarse translational search range, voxels of the full box (default: --align's search=, else 8)")
    public Integer search;

    @Option(
            names = "--searchfine",
            description =
                    "fine translational search range around the coarse shift, voxels (default: --falign's search=, else 2)")
    public Integer searchfine;

    @Option(
            names = "--align",
            defaultValue = "rotate_translate_3d:delta=12:dphi=12",
            description =
                    "coarse aligner: angular step delta (degrees, between axis directions), dphi (in-plane) and search (voxels, when --search is not given)")
    public String align;

    @Option(
            names = "--falign",
            defaultValue = "refine_3d_grid:delta=3:range=6",
            description = "fine aligner: local grid of step delta over +-range degrees about each axis; 'none' to skip")
    public String falign;

    @Option(
            names = "--radius",
            defaultValue = "0",
            description =
                    "particle radius in Angstrom (voxels = radius / apix): fine step = precision * 360 / (2 pi radius) over +-half the coarse step")
    public double radius;

    @Option(
            names = "--precision",
            defaultValue = "1.0",
            description = "voxels the particle edge may move per fine step (with --radius)")
    public double precision;

    @Option(
            names = "--npeakstorefine",
            defaultValue = "1",
            description = "coarse peaks refined per particle and reference")
    public int npeakstorefine;

    @Option(names = "--shrink", defaultValue = "1", description = "downsampling factor for the coarse search")
    public int shrink;

    @Option(names = "--shrinkfine", defaultValue = "1", description = "downsampling factor for the fine search")
    public int shrinkfine;

    @Option(
            names = "--lowpass",
            description = "processor for the coarse search, e.g. filter.lowpass.gauss:cutoff_freq=0.1")
    public String lowpass;

    @Option(
            names = "--highpass",
            description = "processor for the coarse search, e.g. filter.highpass.gauss:cutoff_freq=0.01")
    public String highpass;

    @Option(names = "--lowpassfine", description = "low-pass processor for the fine search")
    public String lowpassfine;

    @Option(names = "--highpassfine", description = "high-pass processor for the fine search")
    public String highpassfine;

    @Option(names = "--preprocess", description = "processor applied to particles and references before alignment")
    public String preprocess;

    @Option(
            names = "--normproc",
            defaultValue = "normalize.edgemean",
            description = "normalisation of every particle ('none' to skip)")
    public String normproc;

    @Option(
            names = "--threshold",
            description = "threshold processor before alignment, e.g. threshold.belowtozero:minval=0")
    public String threshold;

    @Option(names = "--mask", description = "mask processor before alignment, e.g. mask.sharp:outer_radius=-2")
    public String mask;

    @Option(
            names = "--maskfile",
            description = "HDF5 or MRC volume multiplied into particles and references before alignment")
    public String maskfile;

    @Option(
            names = "--sym",
            defaultValue = "c1",
            description = "symmetry c<n>, d<n>, tet, oct, icos: search its asymmetric unit and symmetrise averages")
    public String sym;

    @Option(names = "--breaksym", description = "with --sym: search all orientations and do not symmetrise averages")
    public boolean breaksym;

    @Option(
            names = "--keep",
            defaultValue = "1.0",
            description = "fraction of each class (best scores) averaged; with --keepsig, sigmas")
    public double keep;

    @Option(names = "--keepsig", description = "--keep is in standard deviations: keep scores >= mean - keep * sigma")
    public boolean keepsig;

    @Option(names = "--weighbyscore", description = "weight each particle in its average by its score")
    public boolean weighbyscore;

    @Option(names = "--saveali", description = "write the aligned particles of the last iteration")
    public boolean saveali;

    @Option(
            names = "--savesteps",
            description = "write PNG sections of the averages of every iteration, not only the last")
    public boolean savesteps;

    @Option(
            names = "--saveallalign",
            description = "write every particle's alignment to every reference, each iteration")
    public boolean saveallalign;

    @Option(names = "--autocenter", description = "centre each average: xform.centerofmass")
    public String autocenter;

    @Option(names = "--path", description = "output folder (default spt_refinemulti_NN, the next free number)")
    public String path;

    @Option(
            names = {"--verbose", "-v"},
            defaultValue = "0",
            description = "more log lines (1: per-particle assignments)")
    public int verbose;

    @Option(names = "--seed", defaultValue = "1", description = "seed for the random subsets of reference generation")
    public long seed;

    // EMAN2 options we do not run: each is refused with its reason when given, never silently ignored (REFUSED)
    @Option(names = "--hacref", arity = "0..1", fallbackValue = "", hidden = true)
    String hacref;

    @Option(names = "--ssaref", arity = "0..1", fallbackValue = "", hidden = true)
    String ssaref;

    @Option(names = "--btref", arity = "0..1", fallbackValue = "", hidden = true)
    String btref;

    @Option(names = "--classmx", arity = "0..1", fallbackValue = "", hidden = true)
    String classmx;

    @Option(names = "--inixforms", arity = "0..1", fallbackValue = "", hidden = true)
    String inixforms;

    @Option(names = "--autocenterpreprocess", arity = "0..1", fallbackValue = "", hidden = true)
    String autocenterpreprocess;

    @Option(names = "--procfinelikecoarse", arity = "0..1", fallbackValue = "", hidden = true)
    String procfinelikecoarse;

    @Option(names = "--parallel", arity = "0..1", fallbackValue = "", hidden = true)
    String parallel;

    @Option(names = "--ppid", arity = "0..1", fallbackValue = "", hidden = true)
    String ppid;

    @Option(names = "--tweak", arity = "0..1", fallbackValue = "", hidden = true)
    String tweak;

    @Option(names = "--goldstandardoff", arity = "0..1", fallbackValue = "", hidden = true)
    String goldstandardoff;

    /** Reference generation by hac aligns every pair: without --subset4ref it uses at most this many particles per class. */
    public static final int HAC_DEFAULT_PER_REF = 24;

    /** The refused EMAN2 options and why. */
    public static final Map<String, String> REFUSED = refused();

    private static Map<String, String> refused() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--hacref", "give --refgenmethod hac with --subset4ref instead");
        m.put("--ssaref", "self-symmetry alignment is not implemented; use --refgenmethod hac or bt");
        m.put("--btref", "give --refgenmethod bt with --subset4ref instead");
        m.put(
                "--classmx",
                "seeding from a classification matrix is not implemented (EMAN2 does not implement it either); use --ref");
        m.put("--inixforms", "initial transforms from .json are not read; align from scratch or give --ref");
        m.put("--autocenterpreprocess", "not implemented; use --autocentermask to prepare the copy that is centred");
        m.put(
                "--procfinelikecoarse",
                "the fine search always has its own --lowpassfine/--highpassfine/--preprocessfine/--shrinkfine");
        m.put("--parallel", "diffract parallelises with --ranks and --threads");
        m.put("--ppid", "there is no parent GUI process to report to");
        m.put("--tweak", "not implemented (EMAN2 marks it buggy); use --shrinkfine 1");
        m.put("--goldstandardoff", "refine subtomo has no gold-standard split to turn off");
        return m;
    }

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
        m.put("--subset", Integer.toString(subset));
        m.put("--apix", Double.toString(apix));
        m.put("--output", output);
        m.put("--iter", Integer.toString(iter));
        m.put("--search", search == null ? null : Integer.toString(search));
        m.put("--searchfine", searchfine == null ? null : Integer.toString(searchfine));
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
        m.put("--preprocessfine", preprocessfine);
        m.put("--normproc", normproc);
        m.put("--threshold", threshold);
        m.put("--mask", mask);
        m.put("--maskfile", maskfile);
        m.put("--sym", sym);
        m.put("--syms", syms.isEmpty() ? null : String.join(",", syms));
        m.put("--averager", averager);
        m.put("--aligncmp", aligncmp);
        m.put("--faligncmp", faligncmp);
        m.put("--postprocess", postprocess);
        m.put("--preavgproc1", preavgproc1);
        m.put("--preavgproc2", preavgproc2);
        m.put("--savepreproc", Boolean.toString(savepreproc));
        m.put("--clip", Integer.toString(clip));
        m.put("--randomizewedge", Boolean.toString(randomizewedge));
        m.put("--weighbytiltaxis", weighbytiltaxis);
        m.put("--plots", Boolean.toString(plots));
        m.put("--refrandphase", Double.toString(refrandphase));
        m.put("--refpreprocess", Boolean.toString(refpreprocess));
        m.put("--notmatchimgs", Boolean.toString(notmatchimgs));
        m.put("--breaksym", Boolean.toString(breaksym));
        m.put("--keep", Double.toString(keep));
        m.put("--keepsig", Boolean.toString(keepsig));
        m.put("--weighbyscore", Boolean.toString(weighbyscore));
        m.put("--saveali", Boolean.toString(saveali));
        m.put("--savesteps", Boolean.toString(savesteps));
        m.put("--saveallalign", Boolean.toString(saveallalign));
        m.put("--autocenter", autocenter);
        m.put("--autocentermask", autocentermask);
        m.put("--path", path);
        m.put("--verbose", Integer.toString(verbose));
        m.put("--seed", Long.toString(seed));
        return m;
    }

    /** Checks values that need no file: a typo fails here with one line, before any work. */
    public void validate() {
        String[] given = {
            hacref,
            ssaref,
            btref,
            classmx,
            inixforms,
            autocenterpreprocess,
            procfinelikecoarse,
            parallel,
            ppid,
            tweak,
            goldstandardoff
        };
        int g = 0;
        for (Map.Entry<String, String> e : REFUSED.entrySet()) {
            if (given[g++] != null) {
                throw new UserError(e.getKey() + " is not supported by diffract refine subtomo: " + e.getValue());
            }
        }
        if (input == null) {
            throw new UserError("give --input STACK.h5 (an HDF5 or MRC stack of volumes)");
        }
        if (nref < 0 || (nref == 0 && ref.isEmpty())) {
            throw new UserError("give --nref N (>= 1) or --ref FILE[,FILE...]");
        }
        if (ref.size() > 1 && nref > 0 && nref != ref.size()) {
            throw new UserError("--nref " + nref + " does not match the " + ref.size()
                    + " --ref files; drop --nref or give one file");
        }
        String m = refgenmethod.toLowerCase(Locale.ROOT);
        if (m.equals("ssa")) {
            throw new UserError("--refgenmethod ssa (self-symmetry alignment) is not supported; use hac, bt or random");
        }
        if (!List.of("bt", "binarytree", "hac", "random").contains(m)) {
            throw new UserError("--refgenmethod '" + refgenmethod + "' is unknown; use hac, bt or random");
        }
        averagerKind();
        cmp("--aligncmp", aligncmp);
        cmp("--faligncmp", faligncmp);
        for (String sy : syms) {
            SymmetryGroup.parse(sy);
        }
        if (subset < 0 || clip < 0 || apix < 0 || refrandphase < 0) {
            throw new UserError("--subset, --clip, --apix and --refrandphase must be >= 0");
        }
        if (clip > 0 && clip < 8) {
            throw new UserError(
                    "--clip " + clip + " is too small to align; give at least 8 voxels (or 0: no clipping)");
        }
        tiltAxisWeight();
        if (output == null
                || output.isBlank()
                || output.contains("/")
                || !output.toLowerCase(Locale.ROOT).endsWith(".hdf")) {
            throw new UserError(
                    "--output '" + output + "' must be a file name ending in .hdf (EMAN2 HDF, written in --path)");
        }
        positive("--iter", iter);
        positive("--npeakstorefine", npeakstorefine);
        positive("--shrink", shrink);
        positive("--shrinkfine", shrinkfine);
        if (coarseSearch() < 0 || fineSearch() < 0) {
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
        aligner(
                "--align",
                align,
                List.of("rotate_translate_3d", "rotate_translate_3d_tree", "rotate_translate_3d_grid"));
        if (fineEnabled()) {
            aligner("--falign", falign, List.of("refine_3d_grid", "refine_3d"));
        }
        coarseDelta();
        coarseDphi();
        fineRange();
        fineStep();
        SymmetryGroup.parse(sym);
        for (String[] p : new String[][] {
            {"--lowpass", lowpass},
            {"--highpass", highpass},
            {"--lowpassfine", lowpassfine},
            {"--highpassfine", highpassfine},
            {"--preprocess", preprocess},
            {"--normproc", normproc},
            {"--threshold", threshold},
            {"--mask", mask},
            {"--preprocessfine", preprocessfine},
            {"--postprocess", postprocess},
            {"--preavgproc1", preavgproc1},
            {"--preavgproc2", preavgproc2},
            {"--autocentermask", autocentermask}
        }) {
            Processor.parse(p[0], p[1]);
        }
        if (normproc != null
                && normproc.trim().toLowerCase(Locale.ROOT).startsWith("normalize.mask")
                && mask == null
                && maskfile == null) {
            throw new UserError(
                    "--normproc normalize.mask needs --mask or --maskfile (its statistics come from inside the mask)");
        }
        if (maskfile != null && !Files.isRegularFile(Path.of(maskfile))) {
            throw new UserError("--maskfile " + maskfile + ": no such file; give an HDF5 volume (n, n, n)");
        }
    }

    /**
     * The aligner's name must be one we run: the coarse names all mean our grid search (EMAN2's tree aligner
     * searches the same space coarse to fine), the fine ones our local grid.
     */
    private static void aligner(String option, String spec, List<String> names) {
        String name = spec == null ? "" : spec.split(":")[0].trim().toLowerCase(Locale.ROOT);
        if (!names.contains(name)) {
            throw new UserError(option + " '" + spec + "': aligner '" + name + "' is not supported; use "
                    + String.join(", ", names) + " with delta=, dphi=, range=, search=");
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

    /** The input header's voxel size (Angstrom, 0 if none), told by the run once it has opened the input. */
    private double headerApix;

    public void setHeaderApix(double a) {
        headerApix = a;
    }

    /** Voxel size in Angstrom: --apix, else the input header's, else 1 (the run says so in one line). */
    public double voxelSize() {
        return apix > 0 ? apix : headerApix > 0 ? headerApix : 1;
    }

    /** Fine step in degrees: --radius (Angstrom, as EMAN2) and --precision decide it when a radius is given. */
    public double fineStep() {
        if (radius > 0) {
            return precision * 360 / (2 * Math.PI * radius / voxelSize());
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
                throw new UserError(
                        option + " '" + spec + "': " + key + " must be a number in [" + min + ", " + max + "]");
            }
        }
        return dflt;
    }

    public String refGenMethod() {
        String m = refgenmethod.toLowerCase(Locale.ROOT);
        return m.equals("binarytree") ? "bt" : m;
    }

    /** Coarse translational range: --search, else --align's search=, else 8 (e2spt_refinemulti's rule). */
    public int coarseSearch() {
        return search != null ? search : (int) param("--align", align, "search", 8, 0, 1e6);
    }

    /** Fine translational range: --searchfine, else --falign's search=, else 2. */
    public int fineSearch() {
        return searchfine != null ? searchfine : (int) param("--falign", falign, "search", 2, 0, 1e6);
    }

    /** The averager: "mean.tomo", "mean" or "median". */
    public String averagerKind() {
        String a = averager == null ? "" : averager.trim().toLowerCase(Locale.ROOT);
        int colon = a.indexOf(':');
        String name = colon < 0 ? a : a.substring(0, colon);
        if (!List.of("mean.tomo", "mean", "median").contains(name)) {
            throw new UserError("--averager '" + averager + "' is unknown; use mean.tomo, mean or median");
        }
        return name;
    }

    /** True when the score is fsc.tomo (mean wedge-masked FSC), false for ccc.tomo. */
    public boolean fscScore(boolean fine) {
        return cmp(fine ? "--faligncmp" : "--aligncmp", fine ? faligncmp : aligncmp)
                .equals("fsc.tomo");
    }

    private static String cmp(String option, String spec) {
        String c = spec == null ? "ccc.tomo" : spec.trim().toLowerCase(Locale.ROOT);
        int colon = c.indexOf(':');
        String name = colon < 0 ? c : c.substring(0, colon);
        if (name.equals("ccc.tomo.thresh") || name.equals("ccc.tomo")) {
            return "ccc.tomo";
        }
        if (name.equals("fsc.tomo")) {
            return name;
        }
        throw new UserError(option + " '" + spec + "' is not supported; use ccc.tomo, ccc.tomo.thresh or fsc.tomo");
    }

    /** --weighbytiltaxis A,B as {A, B}, or null when not given. */
    public double[] tiltAxisWeight() {
        if (weighbytiltaxis == null || weighbytiltaxis.isBlank()) {
            return null;
        }
        String[] p = weighbytiltaxis.split(",");
        try {
            double a = Double.parseDouble(p[0].trim()), b = Double.parseDouble(p[1].trim());
            if (p.length == 2 && a > 0 && b >= 0 && b <= 1) {
                return new double[] {a, b};
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new UserError(
                "--weighbytiltaxis '" + weighbytiltaxis + "' must be A,B: the tilt axis x in voxels (> 0) and the "
                        + "weight at the edge (0..1), e.g. 2048,0.5");
    }

    /** The symmetry that class k's average is symmetrised by: --syms k, else --sym. */
    public SymmetryGroup symmetryOf(int k) {
        if (!syms.isEmpty()) {
            return SymmetryGroup.parse(k < syms.size() ? syms.get(k) : "c1");
        }
        return SymmetryGroup.parse(sym);
    }
}
