package org.diffract.emc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.diffract.core.geometry.DetectorGeometry;
import org.diffract.core.io.DetectorFile;
import org.diffract.core.io.EmcPhotonsFile;
import org.diffract.core.io.MaskFile;
import org.diffract.core.io.PatternsH5;
import org.diffract.core.io.VolumeFile;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.WorkerPool;
import org.diffract.core.rotation.IcosahedralGroup;
import org.diffract.core.volume.VolumeAlignment;
import org.diffract.emc.sim.DensityModel;
import org.diffract.emc.sim.FrameSimulator;
import org.diffract.emc.sim.IntensityModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EmcRun in one JVM (no MPJ): every input layout the config allows, and the run's outputs. */
class EmcRunTest {
    @TempDir
    static Path dir;

    static Detector det;
    static int n;

    private static final String PARAMETERS = """
            [parameters]
            detd = 100
            lambda = 6.2
            detsize = 17 17
            pixsize = 0.5
            stoprad = 2
            polarization = x
            """;

    @BeforeAll
    static void data() {
        det = DetectorGeometry.make(
                new DetectorGeometry.Params(100, 6.2, 17, 17, 0.5, 2, "x", Double.NaN, Double.NaN, Double.NaN));
        n = det.modelSize();
        double[] intens = IntensityModel.fromDensity(DensityModel.randomAtoms(n, 10, 0.6, n / 7.0, 1), n);
        FrameSimulator.Result r = FrameSimulator.simulate(intens, n, det, 120, 150, 2);
        EmcPhotonsFile.write(dir.resolve("photons.emc"), r.photons());
        DetectorFile.writeH5(dir.resolve("det.h5"), det);
        PatternsH5.write(dir.resolve("patterns.h5"), "/data/patterns", r.photons(), 17, 17);
    }

    private static EmcState run(String name, String emcSection, int iterations) throws Exception {
        Path cfg = dir.resolve(name + ".ini");
        Files.writeString(
                cfg,
                PARAMETERS + "\n[emc]\nnum_div = 1\nnum_iter = " + iterations + "\noutput_folder = out-" + name
                        + "\nneed_scaling = 1\nbeta = 0.2\n" + emcSection + "\n");
        return new EmcRun(EmcSettings.read(cfg, 2), new LocalCommunicator()).run(false);
    }

    @Test
    void hdf5PatternsWithADetectorFromParametersEqualPhotonsWithItsDetectorFile() throws Exception {
        EmcState a = run("photons", "in_photons_file = photons.emc\nin_detector_file = det.h5", 2);
        EmcState b = run("patterns", "in_patterns_file = patterns.h5\nin_patterns_dataset = /data/patterns", 2);
        double[] am = a.model(), bm = b.model();
        assertEquals(am.length, bm.length);
        for (int i = 0; i < am.length; i++) {
            assertEquals(am[i], bm[i], 1e-9 * (1 + Math.abs(am[i])), "voxel " + i);
        }
        Path out = dir.resolve("out-photons");
        for (String f : new String[] {
            "intens_001.h5",
            "intens_002.h5",
            "intens_002.bin",
            "output_001.h5",
            "output_002.h5",
            "EMC.log",
            "checkpoint.h5",
            "slices.png",
            "convergence.png"
        }) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertArrayEquals(am, VolumeFile.readBin(out.resolve("intens_002.bin")), 0.0);
    }

    @Test
    void maskFileChangesWhichPixelsCount() throws Exception {
        byte[] mask = det.copyMask();
        for (int t = 0; t < mask.length; t += 3) {
            mask[t] = Detector.MASK_UNUSED;
        }
        MaskFile.writeNpy(dir.resolve("mask.npy"), mask, 17, 17);
        EmcState plain = run("nomask", "in_photons_file = photons.emc\nin_detector_file = det.h5", 1);
        EmcState masked =
                run("masked", "in_photons_file = photons.emc\nin_detector_file = det.h5\nin_mask_file = mask.npy", 1);
        assertNotEquals(0, maxDiff(plain.model(), masked.model()));
    }

    @Test
    void startModelFileIsUsedAndItsSizeChecked() throws Exception {
        double[] start = new double[n * n * n];
        Arrays.fill(start, 3.0);
        VolumeFile.writeBin(dir.resolve("start.bin"), start, n);
        EmcState fromFile = run(
                "start", "in_photons_file = photons.emc\nin_detector_file = det.h5\nstart_model_file = start.bin", 1);
        EmcState random = run("random", "in_photons_file = photons.emc\nin_detector_file = det.h5", 1);
        assertNotEquals(0, maxDiff(fromFile.model(), random.model()));
        VolumeFile.writeBin(dir.resolve("small.bin"), new double[27], 3);
        UserError e = assertThrows(
                UserError.class,
                () -> run(
                        "small",
                        "in_photons_file = photons.emc\nin_detector_file = det.h5\nstart_model_file = small.bin",
                        1));
        assertTrue(e.getMessage().contains("small.bin"), e.getMessage());
    }

    @Test
    void icosahedralRunFoldsTheSamplingAndSymmetrisesTheModel() throws Exception {
        EmcData data = EmcData.of(EmcPhotonsFile.read(dir.resolve("photons.emc")), det);
        EmcParams p = EmcParams.builder()
                .numDiv(2)
                .needScaling(true)
                .beta(0.2, 1, 0)
                .symIcosahedral(true)
                .threads(2)
                .build();
        EmcState s = EmcState.random(data, n, 1L);
        try (EmcEngine e = new EmcEngine(data, p, n, new LocalCommunicator())) {
            assertEquals(420 / 60, e.numRotations());
            s = e.iterate(s).state();
        }
        double[] model = s.model();
        // the model is unchanged (up to interpolation) by a 5-fold rotation of the group
        double[] g = IcosahedralGroup.quaternions()[1];
        double[] rotated;
        try (WorkerPool pool = new WorkerPool(2, "test")) {
            rotated = VolumeAlignment.rotate(model, n, g, false, pool);
        }
        double num = 0, den = 0;
        int c = n / 2;
        for (int x = 2; x < n - 2; x++) {
            for (int y = 2; y < n - 2; y++) {
                for (int z = 2; z < n - 2; z++) {
                    double r2 = (x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c);
                    if (r2 < (c - 3) * (c - 3)) {
                        int i = (x * n + y) * n + z;
                        num += (rotated[i] - model[i]) * (rotated[i] - model[i]);
                        den += model[i] * model[i];
                    }
                }
            }
        }
        assertTrue(Math.sqrt(num / den) < 0.1, "relative change under a group rotation " + Math.sqrt(num / den));
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
