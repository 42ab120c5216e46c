package org.diffract.refine.subtomo;

import java.util.Arrays;
import java.util.List;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The EMAN2 processors added beyond the seed's defaults, against values worked out by hand. */
class ProcessorTest {
    /** cos(2 pi k x / n) along the first axis: a single frequency k / n cycles per voxel. */
    private static double[] cosine(int n, int k) {
        double[] v = new double[n * n * n];
        for (int x = 0; x < n; x++) {
            for (int i = 0; i < n * n; i++) {
                v[x * n * n + i] = Math.cos(2 * Math.PI * k * x / n);
            }
        }
        return v;
    }

    private static double[] scaled(double[] v, double a) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= a;
        }
        return out;
    }

    @Test
    void tanhFiltersScaleOneFrequencyByEmanWeight() {
        // cutoff w = 0.25, fall_off 0.5: c = pi / (2 * 0.5 * 0.25) = 4 pi
        // at s = w:   0.5 (tanh(2 pi) - tanh(0))            = 0.4999965126698053
        // at s = 0:   tanh(c w) = tanh(pi)                     = 0.99627207622075
        // at s = w/2: 0.5 (tanh(1.5 pi) + tanh(0.5 pi))       = 0.9584954748279535
        Processor low = Processor.parse("--lowpass", "filter.lowpass.tanh:cutoff_abs=0.25");
        Processor high = Processor.parse("--highpass", "filter.highpass.tanh:cutoff_freq=0.25:fall_off=0.5");
        assertEquals(0.99627207622075, low.weight(0, 8), 1e-12);
        assertEquals(1 - 0.99627207622075, high.weight(0, 8), 1e-12);
        double[] v = cosine(8, 2); // 2 / 8 = 0.25 cycles per voxel
        double[] a = v.clone();
        low.apply(a, 8, 1);
        assertArrayEquals(scaled(v, 0.4999965126698053), a, 1e-12);
        double[] b = v.clone();
        high.apply(b, 8, 1);
        assertArrayEquals(scaled(v, 1 - 0.4999965126698053), b, 1e-12);
        // a shrunk box: 8 voxels of 2 full voxels each, so index 2 is 2 / 16 = 0.125 cycles per full voxel;
        // cutoff_pixels = 4 Fourier voxels of the full box of 16 is the same cutoff 0.25
        double[] c = v.clone();
        Processor.parse("--lowpassfine", "filter.lowpass.tanh:cutoff_pixels=4").apply(c, 8, 2);
        assertArrayEquals(scaled(v, 0.9584954748279535), c, 1e-12);
        // a larger fall_off softens the edge: more passes beyond the cutoff
        Processor soft = Processor.parse("--lowpass", "filter.lowpass.tanh:cutoff_abs=0.25:fall_off=2");
        assertTrue(soft.weight(0.4, 8) > low.weight(0.4, 8));
    }

    @Test
    void gaussFilterKeepsItsFormWithCutoffPixels() {
        // exp(-s^2 / (2 w^2)) at s = w: exp(-1/2)
        double[] v = cosine(8, 2);
        Processor.parse("--lowpass", "filter.lowpass.gauss:cutoff_pixels=2").apply(v, 8, 1);
        assertArrayEquals(scaled(cosine(8, 2), Math.exp(-0.5)), v, 1e-12);
    }

    @Test
    void gaussianMaskFallsToOneOverEAtTheRadius() {
        int n = 8;
        double[] ones = new double[n * n * n];
        Arrays.fill(ones, 1);
        double[] a = ones.clone();
        Processor.parse("--mask", "mask.gaussian:outer_radius=2").apply(a, n, 1);
        assertEquals(1, a[(4 * n + 4) * n + 4], 1e-15); // the centre (4, 4, 4)
        assertEquals(Math.exp(-1), a[(6 * n + 4) * n + 4], 1e-15); // distance 2
        assertEquals(Math.exp(-0.5), a[(5 * n + 5) * n + 4], 1e-15); // distance sqrt 2
        // inner_radius 1, exponent 1: 1 up to distance 1, then exp(-(r - 1) / 2)
        double[] b = ones.clone();
        Processor.parse("--mask", "mask.gaussian:outer_radius=2:inner_radius=1:exponent=1")
                .apply(b, n, 1);
        assertEquals(1, b[(5 * n + 4) * n + 4], 1e-15);
        assertEquals(Math.exp(-0.5), b[(6 * n + 4) * n + 4], 1e-15);
        // on a box shrunk by 2 the radius halves in voxels: distance 1 there is 2 full voxels
        double[] c = new double[64];
        Arrays.fill(c, 1);
        Processor.parse("--mask", "mask.gaussian:outer_radius=2").apply(c, 4, 2);
        assertEquals(Math.exp(-1), c[(3 * 4 + 2) * 4 + 2], 1e-15);
    }

    @Test
    void clampAndBinaryThresholds() {
        double[] v = {-2, -0.5, 0, 0.3, 1, 4, 0.29999, 7};
        double[] a = v.clone();
        Processor.parse("--threshold", "threshold.clampminmax:minval=-1:maxval=1")
                .apply(a, 2, 1);
        assertArrayEquals(new double[] {-1, -0.5, 0, 0.3, 1, 1, 0.29999, 1}, a);
        double[] b = v.clone();
        Processor.parse("--threshold", "threshold.binary:value=0.3").apply(b, 2, 1);
        assertArrayEquals(new double[] {0, 0, 0, 1, 1, 1, 0, 1}, b);
    }

    @Test
    void badParametersFailWithOneLine() {
        String[][] bad = {
            {"--mask", "mask.gaussian", "outer_radius"},
            {"--mask", "mask.gaussian:outer_radius=-1", "outer_radius > 0"},
            {"--threshold", "threshold.clampminmax:minval=2:maxval=1", "minval <= maxval"},
            {"--lowpass", "filter.lowpass.tanh:cutoff_abs=0.1:fall_off=0", "fall_off"},
            {"--lowpass", "filter.lowpass.tanh", "cutoff_pixels"},
            {"--threshold", "threshold.binary", "value"}
        };
        for (String[] b : bad) {
            UserError e = assertThrows(UserError.class, () -> Processor.parse(b[0], b[1]), b[1]);
            assertTrue(e.getMessage().startsWith(b[0]) && e.getMessage().contains(b[2]), e.getMessage());
            assertEquals(-1, e.getMessage().indexOf('\n'));
        }
    }

    @Test
    void normalizeMaskTakesMeanAndSigmaFromInsideTheRunsMask() {
        // --mask mask.sharp:outer_radius=1 on a 4^3 box keeps the centre (2, 2, 2) and its six neighbours: with
        // v[i] = i these are 26, 38, 41, 42, 43, 46, 58: mean 42, variance (256 + 16 + 1 + 0 + 1 + 16 + 256) / 7 = 78
        SubtomoOptions r = SubtomoOptions.parse(
                List.of("--input=x", "--nref=1", "--normproc=normalize.mask", "--mask=mask.sharp:outer_radius=1"));
        double[] v = new double[64];
        for (int i = 0; i < 64; i++) {
            v[i] = i;
        }
        SubtomoRefinement.normalizer(r, 4, null).apply(v, 4, 1);
        assertEquals(0, v[42], 1e-12);
        assertEquals(16 / Math.sqrt(78), v[58], 1e-12);
        assertEquals(-42 / Math.sqrt(78), v[0], 1e-12);
        // a mask file narrows the region further: only 41, 42, 43 (mean 42, variance 2 / 3); no_sigma only subtracts
        double[] file = new double[64];
        file[41] = file[42] = file[43] = 0.5;
        double[] w = new double[64];
        for (int i = 0; i < 64; i++) {
            w[i] = i;
        }
        SubtomoRefinement.normalizer(r, 4, file).apply(w, 4, 1);
        assertEquals(1 / Math.sqrt(2 / 3.0), w[43], 1e-12);
        double[] u = {1, 2, 3, 10, 0, 0, 0, 0};
        Processor.parse("--normproc", "normalize.mask:no_sigma=1")
                .withRegion(new double[] {1, 1, 1, 0, 0, 0, 0, 0})
                .apply(u, 2, 1);
        assertArrayEquals(new double[] {-1, 0, 1, 8, -2, -2, -2, -2}, u, 1e-12);
        UserError e = assertThrows(
                UserError.class,
                () -> SubtomoOptions.parse(List.of("--input=x", "--nref=1", "--normproc=normalize.mask"))
                        .validate());
        assertTrue(e.getMessage().contains("--mask or --maskfile"), e.getMessage());
    }
}
