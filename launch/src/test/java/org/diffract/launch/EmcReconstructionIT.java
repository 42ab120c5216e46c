package org.diffract.launch;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import org.diffract.core.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole product path on known truth: simulate 3000 frames, reconstruct them with EMC on 2 real MPJ
 * ranks (multicore device) for 20 iterations, and check the model against the true intensity after
 * the best rotation: correlation >= 0.9 in every resolution shell the detector measures (between the
 * beamstop and the detector's inscribed circle).
 */
class EmcReconstructionIT {
    @TempDir
    Path dir;

    @Test
    void twoRankReconstructionMatchesTheTruth() throws Exception {
        // Seeds are fixed so the test is repeatable; EMC can land in a poorer local optimum for some
        // data sets (as Dragonfly can), which this test does not claim otherwise.
        DiffractProcess.Result sim = DiffractProcess.run(
                dir,
                "simulate",
                "--out",
                "sim",
                "--frames",
                "3000",
                "--detsize",
                "25",
                "--atoms",
                "20",
                "--mean-photons",
                "500",
                "--seed",
                "2",
                "--num-div",
                "4",
                "--iterations",
                "20");
        assertEquals(0, sim.exitCode(), sim.stderr());
        Path sd = dir.resolve("sim");
        for (String f : List.of(
                "photons.emc",
                "det.h5",
                "det.dat",
                "patterns.h5",
                "truth.h5",
                "intensity.bin",
                "emc.ini",
                "truth_slices.png")) {
            assertTrue(Files.isRegularFile(sd.resolve(f)), f);
        }

        DiffractProcess.Result emc =
                DiffractProcess.run(dir, "emc", "--config", "sim/emc.ini", "--ranks", "2", "--threads", "1");
        assertEquals(0, emc.exitCode(), emc.stderr());
        assertTrue(emc.stdout().contains("2 ranks x 1 threads"), emc.stdout());
        Path out = sd.resolve("output");
        for (int i = 1; i <= 20; i++) {
            assertTrue(Files.isRegularFile(out.resolve(String.format("intens_%03d.h5", i))), "iteration " + i);
            assertTrue(Files.isRegularFile(out.resolve(String.format("intens_%03d.bin", i))), "iteration " + i);
        }
        List<String> log = Files.readAllLines(out.resolve("EMC.log"));
        assertEquals(21, log.size(), "header + 20 iteration lines");
        for (String png : List.of("slices.png", "convergence.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertTrue(img.getWidth() > 200 && img.getHeight() > 100, png);
        }
        try (var s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary files left");
        }

        DiffractProcess.Result cmp = DiffractProcess.run(
                dir,
                "emc",
                "compare",
                "--model",
                "sim/output/intens_020.h5",
                "--reference",
                "sim/truth.h5",
                "--reference-dataset",
                "intensity",
                "--rmin",
                "3",
                "--rmax",
                "12",
                "--shells",
                "8",
                "--min",
                "0.9");
        assertEquals(0, cmp.exitCode(), "shell correlations below 0.9:\n" + cmp.stdout() + cmp.stderr());

        String text = Python.require("h5py", "numpy")
                .run(
                        String.join(
                                "\n",
                                "import h5py, numpy as np, sys",
                                "f = h5py.File(sys.argv[1], 'r')",
                                "m = f['intens'][:]; q = f['quaternions'][:]; o = f['orientations'][:]",
                                "assert m.dtype == np.float64 and m.ndim == 3 and m.shape[0] == m.shape[1] == m.shape[2], m.shape",
                                "assert q.shape == (3000, 4) and o.shape == (3000,), (q.shape, o.shape)",
                                "assert np.all(np.isfinite(m)) and m.max() > 0",
                                "b = np.fromfile(sys.argv[2], dtype='<f8').reshape(m.shape)",
                                "assert np.array_equal(b, m)",
                                "print('ok', m.shape)"),
                        out.resolve("intens_020.h5").toString(),
                        out.resolve("intens_020.bin").toString());
        assertTrue(text.startsWith("ok"), text);
    }
}
