package org.diffract.refine.subtomo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.diffract.core.UserError;
import org.diffract.core.io.H5Writer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The averager, the score, processors, options, the stack reader and the keep rules. */
class PartsTest {
    @TempDir
    Path dir;

    @Test
    void wedgeAwareAverageRestoresWhatEachWedgeMissed() {
        int n = 16;
        double[] obj = SyntheticSubtomograms.objects(n, 1, 6, 4)[0].volume(n);
        // the same object seen with the wedge about z and, turned 90 degrees about y, about x
        double[] r = Rotations.axisAngle(0, 1, 0, 90);
        double[] a = SyntheticSubtomograms.missingWedge(obj, n, 40);
        double[] b =
                SyntheticSubtomograms.missingWedge(VolumeTransform.rotateThenShift(obj, n, r, new double[3]), n, 40);
        WedgeAverager avg = new WedgeAverager(n);
        avg.add(a, new Hit(1, Rotations.identity(), new double[3]), 1);
        avg.add(b, new Hit(1, r, new double[3]), 1);
        double[] wedgeAware = avg.average();
        double[] plain = new double[obj.length];
        double[] bBack = VolumeTransform.align(b, n, r, new double[3]);
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (a[i] + bBack[i]) / 2;
        }
        double ccAware = SyntheticSubtomograms.correlation(wedgeAware, obj);
        double ccPlain = SyntheticSubtomograms.correlation(plain, obj);
        assertTrue(ccAware > 0.99 && ccAware > ccPlain, "wedge-aware " + ccAware + " vs plain " + ccPlain);
        assertTrue(avg.coverage() > 0.9, "coverage " + avg.coverage());
    }

    @Test
    void scoreIsOneForAShiftedCopyAndFindsTheShift() {
        int n = 12;
        double[] obj = SyntheticSubtomograms.objects(n, 1, 5, 8)[0].volume(n);
        double[] moved = VolumeTransform.rotateThenShift(obj, n, Rotations.identity(), new double[] {2, -1, 0});
        Fourier f = new Fourier(n);
        Target p = Target.of(moved, n, f);
        double[] spec = f.forward(obj);
        double[] out = new double[4];
        WedgeCorrelator wc = new WedgeCorrelator(n, Fourier.band(n, 0, 1e9), true);
        wc.correlate(p, spec, Fourier.powerMask(spec, n * n * n), 0, 0, 0, 3, out);
        // the volume shifted by whole voxels loses only what left the box: essentially 1
        assertEquals(1, out[0], 1e-3);
        assertArrayEquals(new double[] {2, -1, 0}, new double[] {out[1], out[2], out[3]}, 0.05);
        // the volume with the opposite sign, compared in place: -1
        double[] neg = obj.clone();
        for (int i = 0; i < neg.length; i++) {
            neg[i] = -neg[i];
        }
        wc.correlate(Target.of(neg, n, f), spec, Fourier.powerMask(spec, n * n * n), 0, 0, 0, 0, out);
        assertEquals(-1, out[0], 1e-9);
    }

    @Test
    void fourierCropKeepsLowFrequenciesAndScale() {
        int n = 16;
        double[] v = new double[n * n * n];
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    v[(x * n + y) * n + z] = 3 + Math.cos(2 * Math.PI * x / n);
                }
            }
        }
        double[] c = Fourier.crop(v, n, 8);
        for (int x = 0; x < 8; x++) {
            assertEquals(3 + Math.cos(2 * Math.PI * x / 8), c[(x * 8 + 3) * 8 + 5], 1e-9);
        }
    }

    @Test
    void processorsDoWhatTheirNamesSay() {
        int n = 8;
        double[] v = new double[n * n * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 7;
        }
        Processor.parse("--normproc", "normalize").apply(v, n, 1);
        double mean = 0, ss = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        for (double x : v) {
            ss += (x - mean) * (x - mean) / v.length;
        }
        assertEquals(0, mean, 1e-12);
        assertEquals(1, ss, 1e-12);
        double[] ones = new double[n * n * n];
        Arrays.fill(ones, 1);
        Processor.parse("--mask", "mask.sharp:outer_radius=2").apply(ones, n, 1);
        // voxels within distance 2 of (4, 4, 4): 1 + 6 + 12 + 8 (sqrt 3) + 6 (distance 2) = 33
        assertEquals(33, Arrays.stream(ones).sum(), 1e-12);
        double[] t = {-1, 0.5, -0.2, 2, 0, 0, 0, 0};
        Processor.parse("--threshold", "threshold.belowtozero:minval=0").apply(t, 2, 1);
        assertArrayEquals(new double[] {0, 0.5, 0, 2, 0, 0, 0, 0}, t);
        assertEquals(null, Processor.parse("--lowpass", "none"));
        UserError e = assertThrows(
                UserError.class, () -> Processor.parse("--lowpass", "filter.lowpass.butter:cutoff_freq=0.1"));
        assertTrue(e.getMessage().startsWith("--lowpass"), e.getMessage());
        e = assertThrows(UserError.class, () -> Processor.parse("--mask", "mask.sharp"));
        assertTrue(e.getMessage().contains("outer_radius"), e.getMessage());
    }

    @Test
    void optionsValidateWithOneLineAndRoundTrip() {
        SubtomoOptions o = SubtomoOptions.parse(List.of(
                "--input=a.h5",
                "--nref=3",
                "--keepsig",
                "--keep=1.5",
                "--sym=d2",
                "--ref=x.h5",
                "--radius=10",
                "--precision=2"));
        o.validate();
        assertEquals(2 * 360 / (2 * Math.PI * 10), o.fineStep(), 1e-12);
        SubtomoOptions back = SubtomoOptions.parse(o.toArgs());
        assertEquals(o.values(), back.values());
        String[][] bad = {
            {"--input=a.h5"},
            {"--input=a.h5", "--nref=2", "--keep=1.5"},
            {"--input=a.h5", "--nref=2", "--refgenmethod=kmeans"},
            {"--input=a.h5", "--nref=2", "--align=rotate_translate_3d:delta=0"},
            {"--input=a.h5", "--nref=2", "--shrink=0"},
            {"--input=a.h5", "--nref=2", "--ref=a.h5,b.h5,c.h5"},
            {"--input=a.h5", "--nref=2", "--autocenter=xform.centre"}
        };
        for (String[] b : bad) {
            UserError e = assertThrows(
                    UserError.class, () -> SubtomoOptions.parse(List.of(b)).validate(), String.join(" ", b));
            assertTrue(e.getMessage().startsWith("--") || e.getMessage().startsWith("give"), e.getMessage());
            assertEquals(-1, e.getMessage().indexOf('\n'));
        }
        assertThrows(UserError.class, () -> SubtomoOptions.parse(List.of("--nosuch=1")));
    }

    @Test
    void stackReaderAcceptsStacksAndSingleVolumesAndRefusesTheRest() {
        Path four = dir.resolve("s.h5");
        new H5Writer().put("volumes", new float[3 * 64], 3, 4, 4, 4).write(four);
        VolumeStack s = VolumeStack.read(four.toString(), "--input");
        assertEquals(3, s.count());
        assertEquals(4, s.n());
        Path one = dir.resolve("one.h5");
        new H5Writer().put("ref", new double[125], 5, 5, 5).write(one);
        assertEquals(1, VolumeStack.read(one.toString(), "--ref").count());
        assertEquals(1, VolumeStack.read(one + ":/ref", "--ref").count());
        Path bad = dir.resolve("bad.h5");
        new H5Writer().put("volumes", new double[4 * 5 * 6], 4, 5, 6).write(bad);
        UserError e = assertThrows(UserError.class, () -> VolumeStack.read(bad.toString(), "--input"));
        assertTrue(e.getMessage().contains("bad.h5") && e.getMessage().contains("(N, n, n, n)"), e.getMessage());
        e = assertThrows(
                UserError.class, () -> VolumeStack.read(dir.resolve("none.h5").toString(), "--input"));
        assertTrue(e.getMessage().contains("none.h5"), e.getMessage());
        double[] nan = new double[2 * 64];
        nan[70] = Double.NaN;
        Path nanFile = dir.resolve("nan.h5");
        new H5Writer().put("volumes", nan, 2, 4, 4, 4).write(nanFile);
        e = assertThrows(UserError.class, () -> VolumeStack.read(nanFile.toString(), "--input"));
        assertTrue(e.getMessage().contains("volume 1") && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void keepRulesPickTheBestFractionOrThoseWithinSigmas() {
        // class 0 scores 0.9, 0.8, 0.7, 0.1; class 1 scores 0.5, 0.6
        int[] membership = {0, 0, 0, 0, 1, 1};
        double[] scores = {0.9, 0.8, 0.7, 0.1, 0.5, 0.6};
        Hit[] best = new Hit[6];
        for (int i = 0; i < 6; i++) {
            best[i] = new Hit(scores[i], Rotations.identity(), new double[3]);
        }
        assertArrayEquals(
                new boolean[] {true, true, false, false, false, true},
                ClassAssignment.keep(membership, best, 2, 0.5, false));
        // class 0: mean 0.625, sigma 0.3112; mean - 1.2 sigma = 0.2515 drops 0.1. class 1: mean 0.55, sigma 0.05, keeps
        // both
        assertArrayEquals(
                new boolean[] {true, true, true, false, true, true},
                ClassAssignment.keep(membership, best, 2, 1.2, true));
    }

    @Test
    void nextFreePathCountsUp() throws Exception {
        assertEquals(dir.resolve("spt_refinemulti_01"), SubtomoRefinement.nextFreePath(dir));
        Files.createDirectories(dir.resolve("spt_refinemulti_01"));
        assertEquals(dir.resolve("spt_refinemulti_02"), SubtomoRefinement.nextFreePath(dir));
    }

    @Test
    void peakListKeepsTheBestInOrder() {
        PeakList p = new PeakList(2);
        List<Double> in = new ArrayList<>(List.of(0.3, 0.9, 0.1, 0.5));
        for (int i = 0; i < in.size(); i++) {
            p.offer(in.get(i), i, i, 0, 0);
        }
        assertEquals(2, p.size);
        assertArrayEquals(new double[] {0.9, 0.5}, p.score);
        assertArrayEquals(new int[] {1, 3}, p.orientation);
    }
}
