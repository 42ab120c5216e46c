package org.diffract.refine.subtomo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.diffract.core.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** EMAN2 HDF stacks: h5py reads what we write in EMAN2's layout and types; we read a stack laid out by hand as EMAN2 writes it. */
class EmanHdfTest {
    @TempDir
    Path dir;

    /** Voxel (x, y, z) of image i holds 1000 i + 100 z + 10 y + x: index order is checked, not just values. */
    private static float value(int i, int x, int y, int z) {
        return 1000 * i + 100 * z + 10 * y + x;
    }

    @Test
    void h5pyReadsOurStackAsEman2WritesIt() throws Exception {
        int n = 5;
        EmanHdfWriter w = new EmanHdfWriter(n, n, n);
        for (int i = 0; i < 40; i++) { // more than one symbol-table node (32 entries each)
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("apix_x", 3.7f);
            h.put("spt_score", -0.5f - i);
            h.put("class_ptcl_idxs", new int[] {i, i + 1, i + 2});
            h.put("class_ptcl_src", "particles.hdf");
            h.put("is_good", i % 2 == 0);
            h.put("xform.align3d", new EmanTransform(Rotations.eman(10, 20, 30 + i), new double[] {1, -2, 0.5}));
            w.add(h);
        }
        Path f = dir.resolve("stack.hdf");
        w.write(f, (i, out) -> {
            for (int z = 0; z < n; z++) {
                for (int y = 0; y < n; y++) {
                    for (int x = 0; x < n; x++) {
                        out[(z * n + y) * n + x] = value(i, x, y, z);
                    }
                }
            }
        });
        String out = Python.require("h5py", "numpy")
                .run(
                        "import h5py, numpy as np, sys\n"
                                + "f = h5py.File(sys.argv[1], 'r')\n"
                                + "im = f['MDF/images']\n"
                                + "print(int(im.attrs['imageid_max'][0]), len(im.keys()))\n"
                                + "g = im['37']\n"
                                + "a = g.attrs\n"
                                + "print(a['EMAN.apix_x'].dtype, list(a['EMAN.apix_x'].shape), round(float(a['EMAN.apix_x'][0]), 3), int(a['EMAN.nx'][0]))\n"
                                + "x = a['EMAN.xform.align3d']\n"
                                + "print(x.dtype.names == tuple('%d%d' % (r, c) for r in range(3) for c in range(4)), list(x.shape))\n"
                                + "print(' '.join('%.4f' % x[0][k] for k in x.dtype.names))\n"
                                + "print([int(i) for i in a['EMAN.class_ptcl_idxs']], a['EMAN.class_ptcl_src'].decode(), a['EMAN.is_good'].dtype, "
                                + "a['EMAN.is_good'][0] == ord('F'))\n"
                                + "d = g['image']\n"
                                + "print(list(d.shape), d.dtype, float(d[3, 2, 1]), float(d[4, 0, 2]))\n",
                        f.toString());
        double[] m = Rotations.eman(10, 20, 67);
        String xf = String.format(
                Locale.ROOT,
                "%.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f",
                m[0],
                m[1],
                m[2],
                1.0,
                m[3],
                m[4],
                m[5],
                -2.0,
                m[6],
                m[7],
                m[8],
                0.5);
        assertEquals(
                "39 40\nfloat32 [1] 3.7 5\nTrue [1]\n" + xf + "\n[37, 38, 39] particles.hdf int8 True\n"
                        + "[5, 5, 5] float32 37321.0 37402.0",
                out);
    }

    @Test
    void readsAStackLaidOutByHandAsEman2WritesIt() throws Exception {
        Path f = dir.resolve("eman.hdf");
        // the layout of libEM/io/hdfio2.cpp: header on the group as EMAN.* attributes, scalars as 1-element arrays,
        // the Transform as a compound of 12 float32 "00".."23", data (nz, ny, nx) float32
        Python.require("h5py", "numpy")
                .run(
                        "import h5py, numpy as np, sys\n"
                                + "f = h5py.File(sys.argv[1], 'w')\n"
                                + "im = f.create_group('MDF/images')\n"
                                + "im.attrs['imageid_max'] = np.array([2], dtype=np.int32)\n"
                                + "t = np.dtype([('%d%d' % (r, c), '<f4') for r in range(3) for c in range(4)])\n"
                                + "for i in range(3):\n"
                                + "    g = im.create_group(str(i))\n"
                                + "    z, y, x = np.mgrid[0:6, 0:6, 0:6]\n"
                                + "    g.create_dataset('image', data=(1000 * i + 100 * z + 10 * y + x).astype('<f4'))\n"
                                + "    g.attrs['EMAN.apix_x'] = np.array([2.5], dtype='<f4')\n"
                                + "    g.attrs['EMAN.nx'] = np.array([6], dtype='<i4')\n"
                                + "    g.attrs['EMAN.ptcl_source_coord'] = np.array([100 + i, 50, 20], dtype='<i4')\n"
                                + "    g.attrs['EMAN.xform.align3d'] = np.array([tuple([1, 0, 0, i, 0, 1, 0, 0, 0, 0, 1, 0])], dtype=t)\n"
                                + "    g.attrs['EMAN.source_path'] = np.bytes_('tomo.hdf')\n",
                        f.toString());
        try (ParticleSource s = StackFiles.open(f.toString(), "--input")) {
            assertEquals(3, s.count());
            assertEquals(6, s.n());
            assertEquals(2.5, s.apix(), 1e-6);
            double[] v = s.read(2);
            assertEquals(2000 + 100 * 4 + 10 * 3 + 1, v[(4 * 6 + 3) * 6 + 1], 1e-9); // x = 1, y = 3, z = 4
            assertArrayEquals(new double[] {101, 50, 20}, s.sourceCoord(1), 1e-9);
            EmanTransform t = s.xform(2);
            assertArrayEquals(new double[] {1, 0, 0, 2, 0, 1, 0, 0, 0, 0, 1, 0}, t.rows(), 1e-6);
        }
    }
}
