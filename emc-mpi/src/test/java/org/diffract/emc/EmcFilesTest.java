package org.diffract.emc;

import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.Python;
import org.diffract.core.geometry.Detector;
import org.diffract.core.geometry.DetectorGeometry;
import org.diffract.core.io.DetectorFile;
import org.diffract.core.io.EmcPhotonsFile;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.SparsePhotons;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.emc.sim.DensityModel;
import org.diffract.emc.sim.FrameSimulator;
import org.diffract.emc.sim.IntensityModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EMC's files as other tools see them: Dragonfly's HDF5 photons and photons lists as input, Dragonfly's
 * output_NNN.h5 read by h5py, and a run resumed from its checkpoint.
 */
class EmcFilesTest {
    @TempDir
    static Path dir;

    static Detector det;
    static SparsePhotons photons;

    @BeforeAll
    static void data() {
        det = DetectorGeometry.make(
                new DetectorGeometry.Params(100, 6.2, 17, 17, 0.5, 2, "x", Double.NaN, Double.NaN, Double.NaN));
        int n = det.modelSize();
        double[] intens = IntensityModel.fromDensity(DensityModel.randomAtoms(n, 10, 0.6, n / 7.0, 1), n);
        photons = FrameSimulator.simulate(intens, n, det, 160, 150, 2).photons();
        EmcPhotonsFile.write(dir.resolve("photons.emc"), photons);
        DetectorFile.writeH5(dir.resolve("det.h5"), det);
    }

    private static EmcSettings settings(String name, String input, int iterations) throws Exception {
        Path cfg = dir.resolve(name + ".ini");
        Files.writeString(
                cfg,
                "[emc]\n" + input + "\nin_detector_file = det.h5\nnum_div = 1\nnum_iter = " + iterations
                        + "\noutput_folder = out-" + name + "\nneed_scaling = 1\nbeta = 0.3\nbeta_schedule = 2 2\n");
        return EmcSettings.read(cfg, 2);
    }

    @Test
    void aPhotonsListOfDragonflyHdf5AndBinaryFilesIsReadInOrder() throws Exception {
        // frames 0..99 as Dragonfly's HDF5 layout, converted from the .emc by numpy; 100..159 as .emc
        int[] tail = new int[60];
        for (int i = 0; i < tail.length; i++) {
            tail[i] = 100 + i;
        }
        EmcPhotonsFile.write(dir.resolve("part2.emc"), photons.select(tail));
        Python.require("h5py", "numpy")
                .run(
                        String.join(
                                "\n",
                                "import sys, h5py, numpy as np",
                                "raw = np.fromfile(sys.argv[1], dtype='<i4')",
                                "nd, npix = raw[0], raw[1]",
                                "ones, multi = raw[256:256 + nd], raw[256 + nd:256 + 2 * nd]",
                                "p = 256 + 2 * nd",
                                "po = raw[p:p + ones.sum()]; p += ones.sum()",
                                "pm = raw[p:p + multi.sum()]; p += multi.sum()",
                                "cm = raw[p:p + multi.sum()]",
                                "oa = np.concatenate([[0], np.cumsum(ones)]); ma = np.concatenate([[0], np.cumsum(multi)])",
                                "vt = h5py.special_dtype(vlen=np.int32)",
                                "with h5py.File(sys.argv[2], 'w') as f:",
                                "    f['num_pix'] = [npix]",
                                "    k = 100",
                                "    for n, v, a in (('place_ones', po, oa), ('place_multi', pm, ma), ('count_multi', cm, ma)):",
                                "        d = f.create_dataset(n, (k,), maxshape=(None,), chunks=(1,), dtype=vt)",
                                "        for i in range(k):",
                                "            d[i] = v[a[i]:a[i + 1]].astype(np.int32)"),
                        dir.resolve("photons.emc").toString(),
                        dir.resolve("part1.h5").toString());
        Files.writeString(dir.resolve("list.txt"), "part1.h5\n\n" + dir.resolve("part2.emc") + "\n");
        EmcData whole = EmcSetup.loadData(settings("whole", "in_photons_file = photons.emc", 1));
        EmcData listed = EmcSetup.loadData(settings("listed", "in_photons_list = list.txt", 1));
        assertEquals(160, listed.numFrames);
        assertArrayEquals(whole.oOnesStart, listed.oOnesStart);
        assertArrayEquals(whole.oOnes, listed.oOnes);
        assertArrayEquals(whole.oMulti, listed.oMulti);
        assertArrayEquals(whole.oMultiCount, listed.oMultiCount);
        assertArrayEquals(whole.mOnes, listed.mOnes);
        assertArrayEquals(whole.orientPhotons, listed.orientPhotons, 0.0);
    }

    @Test
    void dragonflyIterationFileIsWhatItsViewersRead() throws Exception {
        EmcSettings s = settings("dragonfly", "in_photons_file = photons.emc", 3);
        EmcState end = new EmcRun(s, new LocalCommunicator()).run(false);
        Path out = s.outputFolder();
        int n = end.n();
        String report = Python.require("h5py", "numpy")
                .run(
                        String.join(
                                "\n",
                                "import sys, h5py, numpy as np",
                                "f = h5py.File(sys.argv[1], 'r'); g = h5py.File(sys.argv[2], 'r')",
                                "names = sorted(f.keys())",
                                "i, w = f['intens'], f['inter_weight']",
                                "o, m, l, s = f['orientations'], f['mutual_info'], f['likelihood'], f['scale']",
                                "assert i.dtype == np.float64 and w.dtype == np.float64 and i.shape == w.shape, (i.dtype, i.shape)",
                                "assert o.dtype == np.int32 and m.dtype == np.float64 and l.dtype == np.float64 and s.dtype == np.float64",
                                "nd = o.shape[0]",
                                "assert m.shape == (nd,) and l.shape == (nd,) and s.shape == (nd,)",
                                "assert np.array_equal(i[0], g['intens'][:]), 'intens is our model'",
                                "assert np.array_equal(o[:], g['orientations'][:]), 'the same most likely rotations'",
                                "assert np.all(o[:] >= 0) and np.all(o[:] < 60)",
                                "assert np.all(m[:] >= -1e-9) and np.all(m[:] <= np.log(60) + 1e-9)",
                                "assert np.all(np.isfinite(l[:])) and np.all(l[:] < 0)",
                                "assert abs(s[:].mean() - 1) < 1e-9, 'Dragonfly normalises the mean scale to 1'",
                                "assert np.all(w[:] >= 0) and w[:].max() > 0",
                                "print(','.join(names), i.shape, nd)"),
                        out.resolve("output_003.h5").toString(),
                        out.resolve("intens_003.h5").toString());
        assertEquals(
                "intens,inter_weight,likelihood,mutual_info,orientations,scale (1, " + n + ", " + n + ", " + n
                        + ") 160",
                report);
    }

    @Test
    void aResumedRunEndsWithTheSameModelAsAnUninterruptedOne() throws Exception {
        EmcState full =
                new EmcRun(settings("full", "in_photons_file = photons.emc", 4), new LocalCommunicator()).run(false);
        EmcSettings half = settings("resumed", "in_photons_file = photons.emc", 2);
        new EmcRun(half, new LocalCommunicator()).run(false);
        try (H5Reader r = H5Reader.open(EmcCheckpoint.path(half.outputFolder()))) {
            assertEquals(2, (int) r.scalar("iteration", 0));
            assertTrue(r.has("orientations"), "the checkpoint holds each frame's most likely rotation");
        }
        EmcState resumed =
                new EmcRun(settings("resumed", "in_photons_file = photons.emc", 4), new LocalCommunicator()).run(true);
        assertEquals(4, resumed.iterationsDone());
        // threads merge rotations in whatever order they finish: equal up to the order of double sums
        double[] a = full.model(), b = resumed.model();
        double max = 0;
        for (double v : a) {
            max = Math.max(max, v);
        }
        assertArrayEquals(a, b, 1e-9 * max);
        assertArrayEquals(full.scale(), resumed.scale(), 1e-9);
        assertArrayEquals(full.orientations(), resumed.orientations());
        assertEquals(4, EmcCheckpoint.readHistory(half.outputFolder()).size());
    }
}
