package org.diffract.emc.sim;

import java.util.Arrays;

import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.diffract.core.geometry.DetectorGeometry;
import org.diffract.core.io.SparsePhotons;
import org.diffract.core.rotation.Quaternions;
import org.diffract.core.volume.Slicer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameSimulatorTest {
    // 24 x 24 pixels at D = 40 px: qmax about 15 voxels, so a 35-voxel model holds every pixel
    private static final Detector DET = DetectorGeometry.make(DetectorGeometry.Params.square(40, 2, 24, 1, 2, "x"));
    private static final int N = 35;

    private static double[] blobIntensity() {
        return IntensityModel.fromDensity(DensityModel.blob(N, 5, 9), N);
    }

    private static int[] dense(SparsePhotons p, int d) {
        int[] out = new int[p.numPix];
        for (long i = p.onesStart[d]; i < p.onesStart[d + 1]; i++) {
            out[p.placeOnes[(int) i]]++;
        }
        for (long i = p.multiStart[d]; i < p.multiStart[d + 1]; i++) {
            out[p.placeMulti[(int) i]] += p.countMulti[(int) i];
        }
        return out;
    }

    @Test
    void meanPhotonsPerFrameMatchesTheRequest() {
        assertTrue(DET.modelSize() <= N);
        int frames = 2000;
        double mean = 50;
        FrameSimulator.Result r = FrameSimulator.simulate(blobIntensity(), N, DET, frames, mean, 21, 2);
        assertEquals(frames, r.photons().numFrames());
        assertEquals(4 * frames, r.quaternions().length);
        long total = 0;
        for (int d = 0; d < frames; d++) {
            total += r.photons().photons(d);
        }
        assertEquals((double) total / frames, r.meanPhotons(), 1e-12);
        // the expected total is exactly mean * frames, so only Poisson noise remains
        double se = Math.sqrt(mean * frames) / frames;
        assertEquals(mean, r.meanPhotons(), 5 * se);
    }

    @Test
    void perPixelMeansOfAConstantIntensityMatchLambda() {
        double[] flat = new double[N * N * N];
        Arrays.fill(flat, 3.0);
        int frames = 4000;
        double mean = 200;
        FrameSimulator.Result r = FrameSimulator.simulate(flat, N, DET, frames, mean, 5, 3);
        // every frame sees the same lambda_t = mean * corr_t / sum of corr over used pixels
        double corrSum = 0;
        for (int t = 0; t < DET.numPix(); t++) {
            if (DET.mask(t) != Detector.MASK_UNUSED) {
                corrSum += DET.corr(t);
            }
        }
        long[] sums = new long[DET.numPix()];
        for (int d = 0; d < frames; d++) {
            int[] c = dense(r.photons(), d);
            for (int t = 0; t < c.length; t++) {
                sums[t] += c[t];
            }
        }
        double chi2 = 0;
        int dof = 0;
        for (int t = 0; t < DET.numPix(); t++) {
            if (DET.mask(t) == Detector.MASK_UNUSED) {
                assertEquals(0, sums[t], "unused pixel " + t + " got photons");
                continue;
            }
            double expected = frames * mean * DET.corr(t) / corrSum;
            chi2 += (sums[t] - expected) * (sums[t] - expected) / expected;
            dof++;
        }
        // chi-square with dof degrees of freedom: mean dof, standard deviation sqrt(2 dof)
        assertEquals(dof, chi2, 5 * Math.sqrt(2.0 * dof), "chi2 " + chi2 + " for " + dof + " pixels");
    }

    @Test
    void sameSeedSameDataWhateverTheThreadCount() {
        double[] in = blobIntensity();
        // 1100 frames spans two output blocks
        FrameSimulator.Result a = FrameSimulator.simulate(in, N, DET, 1100, 20, 77, 1);
        FrameSimulator.Result b = FrameSimulator.simulate(in, N, DET, 1100, 20, 77, 4);
        assertArrayEquals(a.quaternions(), b.quaternions());
        assertArrayEquals(a.photons().onesStart, b.photons().onesStart);
        assertArrayEquals(a.photons().placeOnes, b.photons().placeOnes);
        assertArrayEquals(a.photons().multiStart, b.photons().multiStart);
        assertArrayEquals(a.photons().placeMulti, b.photons().placeMulti);
        assertArrayEquals(a.photons().countMulti, b.photons().countMulti);
        FrameSimulator.Result c = FrameSimulator.simulate(in, N, DET, 1100, 20, 78, 4);
        assertFalse(Arrays.equals(a.quaternions(), c.quaternions()));
    }

    @Test
    void photonsFollowTheTrueOrientation() {
        double[] in = blobIntensity();
        FrameSimulator.Result r = FrameSimulator.simulate(in, N, DET, 4, 1e6, 3, 2);
        double[] rot = new double[9];
        double[] view = new double[DET.numPix()];
        for (int d = 0; d < 4; d++) {
            int[] counts = dense(r.photons(), d);
            double[] q = Arrays.copyOfRange(r.quaternions(), 4 * d, 4 * d + 4);
            assertEquals(1, q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3], 1e-12);
            Quaternions.toMatrix(q, 0, rot);
            Slicer.slice(in, N, rot, DET.copyQx(), DET.copyQy(), DET.copyQz(), view);
            double truth = correlation(counts, view, DET);
            // the same frame against the orientation of another frame
            double[] other = Arrays.copyOfRange(r.quaternions(), 4 * ((d + 1) % 4), 4 * ((d + 1) % 4) + 4);
            Quaternions.toMatrix(other, 0, rot);
            Slicer.slice(in, N, rot, DET.copyQx(), DET.copyQy(), DET.copyQz(), view);
            double wrong = correlation(counts, view, DET);
            assertTrue(truth > 0.95, "frame " + d + " correlation with its truth " + truth);
            assertTrue(truth > wrong + 0.05, "frame " + d + ": " + truth + " vs " + wrong);
        }
    }

    /** Pearson correlation of counts / corr with the model slice over used pixels. */
    private static double correlation(int[] counts, double[] view, Detector det) {
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        int m = 0;
        for (int t = 0; t < counts.length; t++) {
            if (det.mask(t) == Detector.MASK_UNUSED) {
                continue;
            }
            double x = counts[t] / det.corr(t), y = view[t];
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
            m++;
        }
        double cov = sxy / m - sx / m * sy / m;
        return cov / Math.sqrt((sxx / m - sx * sx / m / m) * (syy / m - sy * sy / m / m));
    }

    @Test
    void badArgumentsAreUserErrors() {
        double[] in = blobIntensity();
        assertThrows(UserError.class, () -> FrameSimulator.simulate(in, N, DET, 0, 10, 1, 1));
        assertThrows(UserError.class, () -> FrameSimulator.simulate(in, N, DET, 5, 0, 1, 1));
        assertThrows(UserError.class, () -> FrameSimulator.simulate(in, N, DET, 5, 10, 1, 0));
        assertThrows(UserError.class, () -> FrameSimulator.simulate(new double[10], N, DET, 5, 10, 1, 1));
        // a 21-voxel model cannot hold this detector's q range
        assertThrows(UserError.class, () -> FrameSimulator.simulate(new double[21 * 21 * 21], 21, DET, 5, 10, 1, 1));
        double[] neg = in.clone();
        neg[0] = -1;
        assertThrows(UserError.class, () -> FrameSimulator.simulate(neg, N, DET, 5, 10, 1, 1));
    }
}
