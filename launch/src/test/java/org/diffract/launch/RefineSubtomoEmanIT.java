package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.diffract.core.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * issue 12 through the real {@code diffract refine subtomo} on 2 MPJ ranks, with data made by numpy in its own
 * axis order (data[z][y][x]) and EMAN2's conventions written out by hand in Python: a known EMAN2 transform
 * is recovered (points 1, 2), EMAN2 HDF is read and written with the voxel size (3), options are honoured or
 * refused in one line (4), the default reference generation sorts 3 classes at SNR 0.7 (5), and the bench
 * prints its FFT bound (6).
 */
class RefineSubtomoEmanIT {
    @TempDir
    static Path dir;

    /**
     * EMAN2's Transform matrix for eman az, alt, phi (libEM/transform.cpp), and blobs moved by it, in numpy; the
     * particles of the transform test carry a missing wedge made in numpy's axis order (kz = axis 0, kx = axis 2).
     * Every script of this test starts with it.
     */
    static final String EMAN = "import h5py, numpy as np, sys\n"
            + "def eman(az, alt, phi):\n"
            + "    az, alt, phi = np.radians([az, alt, phi])\n"
            + "    ca, sa, cl, sl, cp, sp = np.cos(az), np.sin(az), np.cos(alt), np.sin(alt), np.cos(phi), np.sin(phi)\n"
            + "    return np.array([[cp*ca - cl*sa*sp, cp*sa + cl*ca*sp, sl*sp], [-sp*ca - cl*sa*cp, -sp*sa + cl*ca*cp, sl*cp],\n"
            + "                     [sl*sa, -sl*ca, cl]])\n"
            + "def blobs(n, centres, amp, sigma=1.8):\n"
            + "    z, y, x = np.mgrid[0:n, 0:n, 0:n].astype(float)\n"
            + "    c = n // 2\n"
            + "    v = np.zeros((n, n, n))\n"
            + "    for (px, py, pz), a in zip(centres, amp):\n"
            + "        v += a * np.exp(-((x - c - px)**2 + (y - c - py)**2 + (z - c - pz)**2) / (2 * sigma**2))\n"
            + "    return v\n";

    @Test
    void recoversAKnownEman2TransformAndWritesEman2Files() throws Exception {
        // an asymmetric object, and particles that are it moved by EMAN2 transforms: blob p goes to M p + t
        Python.require("h5py", "numpy")
                .run(
                        EMAN + "n = 32\n"
                                + "P = [(5, 0, 0), (0, 7, 1), (-3, -2, 6), (2, -6, -3), (-6, 3, -4)]\n"
                                + "A = [1.0, 0.8, 1.2, 0.6, 0.9]\n"
                                + "T = [(40, 65, -110, 1.5, -2, 1), (200, 120, 30, -1, 0.5, 2)]\n"
                                + "parts = []\n"
                                + "kz, ky, kx = np.meshgrid(*[np.fft.fftfreq(n)] * 3, indexing='ij')\n"
                                + "measured = ~((kz != 0) & (np.abs(kx) < np.abs(kz) * np.tan(np.radians(30))))  # +-60 degree tilt about y\n"
                                + "for az, alt, phi, tx, ty, tz in T:\n"
                                + "    M = eman(az, alt, phi)\n"
                                + "    v = blobs(n, [M @ np.array(p) + [tx, ty, tz] for p in P], A)\n"
                                + "    parts.append(np.real(np.fft.ifftn(np.fft.fftn(v) * measured)))\n"
                                + "with h5py.File(sys.argv[1] + '/particles.h5', 'w') as f:\n"
                                + "    f['volumes'] = np.array(parts, dtype='<f4')\n"
                                + "with h5py.File(sys.argv[1] + '/ref.h5', 'w') as f:\n"
                                + "    f['volumes'] = blobs(n, P, A)[None].astype('<f4')\n",
                        dir.toString());
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "refine",
                "subtomo",
                "--input",
                "particles.h5",
                "--ref",
                "ref.h5",
                "--iter",
                "1",
                "--align",
                "rotate_translate_3d:delta=12:dphi=12",
                "--falign",
                "refine_3d_grid:delta=4:range=8",
                "--shrink",
                "2",
                "--search",
                "4",
                "--normproc",
                "normalize",
                "--apix",
                "3.7",
                "--saveali",
                "--path",
                "eman",
                "--ranks",
                "2",
                "--threads",
                "1");
        assertEquals(0, r.exitCode(), r.stderr());
        // xform.align3d maps the particle onto the average: the inverse of T (M^T, -M^T t), within one search step
        String out = Python.require("h5py", "numpy")
                .run(
                        EMAN
                                + "f = h5py.File(sys.argv[1] + '/eman/alignments_01.h5', 'r')\n"
                                + "T = [(40, 65, -110, 1.5, -2, 1), (200, 120, 30, -1, 0.5, 2)]\n"
                                + "for i, (az, alt, phi, tx, ty, tz) in enumerate(T):\n"
                                + "    M = eman(az, alt, phi)\n"
                                + "    X = f['xform.align3d'][i]\n"
                                + "    ang = np.degrees(np.arccos(np.clip((np.trace(X[:, :3] @ M) - 1) / 2, -1, 1)))\n"
                                + "    terr = np.abs(X[:, 3] - (-M.T @ np.array([tx, ty, tz]))).max()\n"
                                + "    same = np.allclose(eman(f['az'][i], f['alt'][i], f['phi'][i]), X[:, :3], atol=1e-6)\n"
                                + "    print(i, ang < 12, terr < 1.0, same, np.allclose([f['tx'][i], f['ty'][i], f['tz'][i]], X[:, 3]))\n"
                                + "a = h5py.File(sys.argv[1] + '/eman/class_avgs.hdf', 'r')['MDF/images']\n"
                                + "g = a['0']\n"
                                + "print(g['image'].shape, round(float(g.attrs['EMAN.apix_x'][0]), 3), list(g.attrs['EMAN.class_ptcl_idxs']))\n"
                                + "p = h5py.File(sys.argv[1] + '/eman/class_ptcl.hdf', 'r')['MDF/images']\n"
                                + "x = p['1'].attrs['EMAN.xform.align3d'][0]\n"
                                + "print(len(p.keys()), np.allclose([x[k] for k in x.dtype.names], f['xform.align3d'][1].ravel(), atol=1e-5))\n"
                                + "h = np.fromfile(sys.argv[1] + '/eman/class_00_01.mrc', dtype='<f4', count=13)\n"
                                + "print(round(float(h[10] / np.frombuffer(h[7].tobytes(), '<i4')[0]), 3))\n"
                                + "import json\n"
                                + "j = json.load(open(sys.argv[1] + '/eman/sptali_rm_0_0.json'))\n"
                                + "print(np.allclose(np.array(j['subtomo_1'][0]['matrix']).reshape(3, 4), f['xform.align3d'][1], atol=1e-5), "
                                + "j['subtomo_1'][0]['__class__'], j['subtomo_1'][1] < 0)\n",
                        dir.toString());
        assertEquals(
                "0 True True True True\n1 True True True True\n(32, 32, 32) 3.7 [0, 1]\n2 True\n3.7\nTrue Transform True",
                out);
    }

    @Test
    void readsAnEman2StackWithItsVoxelSize() throws Exception {
        Python.require("h5py", "numpy")
                .run(
                        EMAN + "n = 16\n"
                                + "f = h5py.File(sys.argv[1] + '/eman_in.hdf', 'w')\n"
                                + "im = f.create_group('MDF/images')\n"
                                + "im.attrs['imageid_max'] = np.array([5], dtype=np.int32)\n"
                                + "rng = np.random.default_rng(1)\n"
                                + "for i in range(6):\n"
                                + "    g = im.create_group(str(i))\n"
                                + "    g.create_dataset('image', data=(blobs(n, [(3, 0, 0), (0, -2, 2)], [1, 1]) + rng.normal(0, .1, (n, n, n))).astype('<f4'))\n"
                                + "    g.attrs['EMAN.apix_x'] = np.array([4.2], dtype='<f4')\n",
                        dir.toString());
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "refine",
                "subtomo",
                "--input",
                "eman_in.hdf",
                "--nref",
                "2",
                "--refgenmethod",
                "random",
                "--iter",
                "1",
                "--align",
                "rotate_translate_3d:delta=45:dphi=45",
                "--falign",
                "none",
                "--path",
                "fromeman",
                "--ranks",
                "2",
                "--threads",
                "1");
        assertEquals(0, r.exitCode(), r.stderr());
        String out = Python.require("h5py", "numpy")
                .run(
                        EMAN
                                + "g = h5py.File(sys.argv[1] + '/fromeman/class_avgs.hdf', 'r')['MDF/images/1']\n"
                                + "print(round(float(g.attrs['EMAN.apix_x'][0]), 3), g['image'].shape)\n",
                        dir.toString());
        assertEquals("4.2 (16, 16, 16)", out);
    }

    @Test
    void refusesWhatItCannotHonourInOneLine() throws Exception {
        for (String[] bad : new String[][] {
            {"--refgenmethod", "ssa"},
            {"--hacref", "10"},
            {"--parallel", "thread:4"},
            {"--averager", "weirdavg"},
            {"--aligncmp", "dot"}
        }) {
            DiffractProcess.Result r = DiffractProcess.run(
                    dir,
                    "refine",
                    "subtomo",
                    "--input",
                    "nowhere.h5",
                    "--nref",
                    "2",
                    bad[0],
                    bad[1],
                    "--path",
                    "refused");
            assertNotEquals(0, r.exitCode());
            List<String> lines = r.errorLines().stream()
                    .filter(l -> !l.contains("writing to"))
                    .toList();
            assertEquals(1, lines.size(), r.stderr());
            assertTrue(lines.get(0).contains(bad[0]), lines.get(0));
        }
        assertTrue(!Files.exists(dir.resolve("refused")));
    }

    @Test
    void defaultReferencesSortThreeClassesAtSnrPointSeven() throws Exception {
        int n = 32;
        // SNR = signal variance / noise variance over the box = 0.7; missing wedge +-60 degrees about y
        org.diffract.refine.subtomo.SyntheticSubtomograms data = new org.diffract.refine.subtomo.SyntheticSubtomograms(
                n,
                org.diffract.refine.subtomo.SyntheticSubtomograms.objects(n, 3, 8, 21),
                12,
                2,
                1 / Math.sqrt(0.7),
                30,
                5);
        new org.diffract.core.io.H5Writer()
                .put("volumes", data.flatParticles(), 36, n, n, n)
                .write(dir.resolve("snr07.h5"));
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "refine",
                "subtomo",
                "--input",
                "snr07.h5",
                "--nref",
                "3",
                "--iter",
                "3",
                "--align",
                "rotate_translate_3d:delta=30:dphi=30",
                "--falign",
                "refine_3d_grid:delta=10:range=10",
                "--shrink",
                "2",
                "--search",
                "4",
                "--path",
                "snr",
                "--ranks",
                "2",
                "--threads",
                "1");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(Files.readString(dir.resolve("snr/parameters.txt")).contains("refgenmethod = hac"));
        long[] cls;
        int last;
        try (var s = Files.list(dir.resolve("snr"))) {
            last = (int) s.filter(p -> p.getFileName().toString().matches("classes_\\d+\\.h5"))
                    .count();
        }
        try (org.diffract.core.io.H5Reader h =
                org.diffract.core.io.H5Reader.open(dir.resolve(String.format("snr/alignments_%02d.h5", last)))) {
            cls = h.integers("class");
        }
        int[] truth = data.classes();
        int best = 0;
        for (int[] perm : new int[][] {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}) {
            int right = 0;
            for (int i = 0; i < truth.length; i++) {
                right += perm[truth[i]] == cls[i] ? 1 : 0;
            }
            best = Math.max(best, right);
        }
        assertTrue(best >= 0.9 * truth.length, "memberships found: " + best + " of " + truth.length);
    }

    @Test
    void benchPrintsParticleRateAndFftBound() throws Exception {
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "refine",
                "subtomo",
                "bench",
                "--size",
                "16",
                "--particles",
                "2",
                "--delta",
                "45",
                "--falign",
                "none",
                "--threads",
                "1");
        assertEquals(0, r.exitCode(), r.stderr());
        String out = r.stdout();
        assertTrue(out.matches("(?s).*bench 16\\^3: one iteration [0-9.]+ s: [0-9.]+ particles/s per core.*"), out);
        assertTrue(
                out.matches("(?s).*coarse search [0-9.]+ s for [0-9]+ FFTs of 8\\^3 .*measured / bound = [0-9.]+ .*"),
                out);
    }

    @Test
    void optionsOfPointFourDoWhatTheySayThroughTheCommand() throws Exception {
        int n = 16;
        org.diffract.refine.subtomo.SyntheticSubtomograms data = new org.diffract.refine.subtomo.SyntheticSubtomograms(
                n, org.diffract.refine.subtomo.SyntheticSubtomograms.objects(n, 2, 6, 4), 4, 1, 0.5, 30, 8);
        double[] flat = new double[8 * n * n * n];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(data.particles()[i], 0, flat, i * n * n * n, n * n * n);
        }
        org.diffract.core.io.MrcFile.write(dir.resolve("stack.mrc"), flat, 8 * n, n, n, 2.5, "8 particles");
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "refine",
                "subtomo",
                "--input",
                "stack.mrc",
                "--nref",
                "2",
                "--refgenmethod",
                "bt",
                "--subset",
                "6",
                "--iter",
                "2",
                "--averager",
                "median",
                "--syms",
                "c2",
                "--postprocess",
                "threshold.belowtozero:minval=0",
                "--preavgproc1",
                "threshold.clampminmax.nsigma:nsigma=4",
                "--clip",
                "12",
                "--randomizewedge",
                "--plots",
                "--savepreproc",
                "--savesteps",
                "--aligncmp",
                "fsc.tomo",
                "--faligncmp",
                "fsc.tomo",
                "--align",
                "rotate_translate_3d:delta=45:dphi=45:search=3",
                "--falign",
                "refine_3d_grid:delta=10:range=10",
                "--output",
                "avgs.hdf",
                "--weighbyscore",
                "--path",
                "opts",
                "--ranks",
                "2",
                "--threads",
                "1");
        assertEquals(0, r.exitCode(), r.stderr());
        Path out = dir.resolve("opts");
        for (String f :
                List.of("avgs.hdf", "avgs_iter0.hdf", "scores_01.png", "ptcls_preproc.hdf", "ptcls_preprocfine.hdf")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        String check = Python.require("h5py", "numpy")
                .run(
                        EMAN + "o = sys.argv[1] + '/opts/'\n"
                                + "a = h5py.File(o + 'alignments_01.h5', 'r')\n"
                                + "pre = h5py.File(o + 'ptcls_preproc.hdf', 'r')['MDF/images']\n"
                                + "avg = h5py.File(o + 'avgs.hdf', 'r')['MDF/images']\n"
                                + "last = sorted(k for k in __import__('os').listdir(o) if k.startswith('classes_'))[-1]\n"
                                + "c = h5py.File(o + last, 'r')['classes'][:]\n"
                                + "c0 = c[0][:, 1:, 1:]\n"
                                + "print(len(a['score']), len(pre.keys()), pre['0']['image'].shape, round(float(avg['0'].attrs['EMAN.apix_x'][0]), 3),\n"
                                + "      bool(c.min() >= 0), bool(np.allclose(c0, c0[:, ::-1, ::-1], atol=1e-4)), bool(a['score'][:].max() <= 1.0))\n",
                        dir.toString());
        assertEquals("6 6 (12, 12, 12) 2.5 True True True", check);
    }
}
