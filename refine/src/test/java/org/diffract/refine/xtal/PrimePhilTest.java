package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.UserError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A prime params.phil runs as prime would read it, or fails in one line naming every key we cannot honour. */
class PrimePhilTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void data() throws Exception {
        Files.writeString(dir.resolve("run.stream"), "CrystFEL stream format 2.3\n");
        Files.writeString(dir.resolve("ref.mtz"), "MTZ ");
        Files.createDirectories(dir.resolve("pickles"));
    }

    /**
     * Every parameter of prime's master phil (prime/postrefine/mod_input.py) at its default, laid out as
     * prime.run's dry run prints it, with a user's edits: what a prime user's file looks like.
     */
    static final String FULL = """
            data = run.stream
            run_no = prime_run
            title = None
            icering {
              flag_on = False
              d_upper = 3.9
              d_lower = 3.85
            }
            scale {
              d_min = 0.1
              d_max = 99
              sigma_min = 1.5
            }
            postref {
              residual_threshold = 5
              residual_threshold_xy = 5
              scale {
                d_min = 0.1
                d_max = 99
                sigma_min = 1.5
                partiality_min = 0.1
              }
              crystal_orientation {
                flag_on = True
                d_min = 0.1
                d_max = 99
                sigma_min = 1.5
                partiality_min = 0.1
              }
              reflecting_range {
                flag_on = True
                d_min = 0.1
                d_max = 99
                sigma_min = 1.5
                partiality_min = 0.1
              }
              unit_cell {
                flag_on = True
                d_min = 0.1
                d_max = 99
                sigma_min = 1.5
                partiality_min = 0.1
                uc_tolerance = 5
              }
              allparams {
                flag_on = True
                d_min = 0.1
                d_max = 99
                sigma_min = 1.5
                partiality_min = 0.1
                uc_tolerance = 5
              }
            }
            merge {
              d_min = 2.1   # the user's resolution
              d_max = 99
              sigma_min = -3.0
              partiality_min = 0.1
              uc_tolerance = 5
              match_resolution = True
            }
            target_unit_cell = 79.1,79.1,38.4,90,90,90
            flag_override_unit_cell = False
            target_space_group = P43212
            target_anomalous_flag = False
            flag_weak_anomalous = False
            target_crystal_system = None
            n_residues = 129
            indexing_ambiguity {
              mode = Auto
              index_basis_in = None
              assigned_basis = None
              d_min = 3.0
              d_max = 10.0
              sigma_min = 1.5
              n_sample_frames = 300
              n_selected_frames = 100
            }
            hklisoin = None
            hklrefin = ref.mtz
            flag_plot = False
            flag_plot_expert = False
            n_postref_cycle = 3
            n_postref_sub_cycle = 1
            n_rejection_cycle = 1
            sigma_rejection = 5
            n_bins = 20
            pixel_size_mm = 0.079346
            frame_accept_min_cc = 0.25
            flag_apply_b_by_frame = True
            flag_monte_carlo = False
            b_refine_d_min = 99
            partiality_model = Lorentzian
            flag_LP_correction = True
            flag_volume_correction = True
            flag_beam_divergence = False
            n_processors = 32
            gamma_e = 0.003
            voigt_nu = 0.5
            polarization_horizontal_fraction = 1.0
            flag_output_verbose = False
            flag_replace_sigI = False
            percent_cone_fraction = 5.0
            isoform_name = None
            flag_hush = False
            timeout_seconds = 300
            queue {
              mode = None
              qname = psanaq
              n_nodes = 12
            }
            isoform_cluster {
              n_clusters = 2
              isorefin = None
              d_min = 3.0
              d_max = 10.0
              sigma_min = 1.5
              n_sample_frames = 300
              n_selected_frames = 100
            }
            rejections = None
            """;

    @Test
    void everyPrimeKeyAtItsDefaultRuns() throws Exception {
        Path phil = dir.resolve("params.phil");
        Files.writeString(phil, FULL);
        XtalSettings s = XtalSettings.read(phil, Mode.POSTREFINE);
        assertEquals(dir.resolve("run.stream"), s.data());
        assertEquals(dir.resolve("ref.mtz"), s.input().model());
        assertEquals(dir.resolve("prime_run/merged"), s.outputPrefix());
        assertEquals(new UnitCell(79.1, 79.1, 38.4, 90, 90, 90), s.targetCell());
        assertEquals(96, s.spaceGroup().number());
        assertEquals(2.1, s.merge().dMin(), 0);
        assertEquals(
                new Filters(0.1, 99, 1.5, 0.1, Double.NaN),
                new Filters(
                        s.scale().dMin(),
                        s.scale().dMax(),
                        s.scale().sigmaMin(),
                        s.scale().partialityMin(),
                        Double.NaN));
        assertEquals(20, s.output().nBins());
        assertEquals(0.25, s.scaling().frameAcceptMinCc(), 0);
        assertTrue(s.scaling().bFactor(), "flag_apply_b_by_frame = True");
        assertTrue(s.scaling().polarisation());
        assertEquals(32, s.nProcessors());
        assertEquals(3, s.postref().cycles());
        assertEquals(5, s.postref().outlierSigma(), 0);
        assertEquals(XtalSettings.AmbiguityMode.AUTO, s.ambiguity().mode());
        assertEquals(129, s.target().nResidues());
        // what prime writes: IOBS columns and every cycle's MTZ
        assertEquals(MtzLabels.IOBS, s.output().mtzLabels());
        assertTrue(s.output().saveCycles());
        // every key of the file is one PrimePhil knows
        for (String key : PrimePhil.flatten(FULL, "f").keySet()) {
            assertTrue(PrimePhil.keys().contains(key), key);
        }
    }

    @Test
    void dottedNamesAndChoicesWork() throws Exception {
        Path phil = dir.resolve("short.phil");
        Files.writeString(phil, """
                # a prime user's short file
                data = "run.stream"
                target_unit_cell = (79.1, 79.1, 38.4, 90, 90, 90)
                target_space_group = P 43 21 2
                target_crystal_system = *Tetragonal
                postref.allparams.uc_tolerance = 3
                postref.scale { d_min = 4.0 }
                merge.sigma_min = None
                target_anomalous_flag = True
                """);
        XtalSettings s = XtalSettings.read(phil, Mode.MERGE);
        assertEquals(3, s.allParams().ucTolerance(), 0);
        assertEquals(4.0, s.scale().dMin(), 0);
        assertEquals(Double.NEGATIVE_INFINITY, s.merge().sigmaMin(), 0);
        assertTrue(s.target().anomalous());
        assertEquals(Mode.MERGE, s.mode());
    }

    @Test
    void unsupportedKeysFailInOneLineNamingEach() throws Exception {
        Path phil = dir.resolve("bad.phil");
        Files.writeString(
                phil,
                FULL.replace("partiality_model = Lorentzian", "partiality_model = Voigt")
                        .replace("flag_monte_carlo = False", "flag_monte_carlo = True")
                        .replace("data = run.stream", "data = pickles")
                        .replace("frame_accept_min_cc = 0.25", "frame_acept_min_cc = 0.25")
                        .replace("icering {\n  flag_on = False", "icering {\n  flag_on = True"));
        UserError e = assertThrows(UserError.class, () -> XtalSettings.read(phil, Mode.POSTREFINE));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("bad.phil: unsupported prime settings: "), m);
        for (String part : new String[] {
            "partiality_model = Voigt",
            "flag_monte_carlo = True",
            "data = pickles (a folder of prime integration pickles",
            "frame_acept_min_cc (not a prime key; did you " + "mean frame_accept_min_cc?)",
            "icering.flag_on = True"
        }) {
            assertTrue(m.contains(part), "'" + part + "' missing from: " + m);
        }
    }

    @Test
    void separateRefinementStepsAreRefusedButScaleOnlyRuns() throws Exception {
        Path phil = dir.resolve("steps.phil");
        Files.writeString(phil, FULL.replace("allparams {\n    flag_on = True", "allparams {\n    flag_on = False"));
        UserError e = assertThrows(UserError.class, () -> XtalSettings.read(phil, Mode.POSTREFINE));
        assertTrue(e.getMessage().contains("postref.allparams.flag_on = False"), e.getMessage());
        Files.writeString(phil, FULL.replace("flag_on = True", "flag_on = False"));
        XtalSettings s = XtalSettings.read(phil, Mode.POSTREFINE);
        assertFalse(s.postref().refineAllParams());
        assertTrue(s.postref().refineScale());
    }

    @Test
    void effectiveOptionsRoundTripThroughTheIniTheRanksRead() throws Exception {
        Path phil = dir.resolve("params2.phil");
        Files.writeString(phil, FULL.replace("hklrefin = ref.mtz", "hklrefin = None"));
        XtalSettings s = XtalSettings.read(phil, Mode.POSTREFINE);
        Path ini = dir.resolve("effective.ini");
        Files.writeString(ini, s.toIni());
        XtalSettings back = XtalSettings.read(ini);
        assertEquals(s.withMode(Mode.POSTREFINE).toIni(), back.toIni());
        assertEquals(s.merge(), back.merge());
        assertEquals(s.scaling(), back.scaling());
        assertEquals(s.output(), back.output());
    }
}
