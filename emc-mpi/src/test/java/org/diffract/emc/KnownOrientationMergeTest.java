package org.diffract.emc;

import java.util.Arrays;

import org.diffract.core.geometry.Detector;
import org.diffract.core.geometry.DetectorGeometry;
import org.diffract.core.io.SparsePhotons;
import org.diffract.core.rotation.Quaternions;
import org.diffract.core.stats.ShellCorrelation;
import org.diffract.core.volume.Slicer;
import org.diffract.emc.sim.DensityModel;
import org.diffract.emc.sim.FrameSimulator;
import org.diffract.emc.sim.IntensityModel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Simulation and merging agree on geometry: merging simulated frames at their true orientations gives
 * back the true intensity (up to scale) in every shell the detector covers.
 */
class KnownOrientationMergeTest {
    @Test
    void mergingAtTrueOrientationsRecoversTheTruth() {
        Detector det = DetectorGeometry.make(
                new DetectorGeometry.Params(100, 6.2, 41, 41, 0.5, 3, "x", Double.NaN, Double.NaN, Double.NaN));
        int n = det.modelSize();
        double[] intens = IntensityModel.fromDensity(DensityModel.randomAtoms(n, 20, 1.0, n / 8.0, 3), n);
        FrameSimulator.Result r = FrameSimulator.simulate(intens, n, det, 3000, 500, 5);
        SparsePhotons p = r.photons();
        double[] num = new double[n * n * n], den = new double[n * n * n];
        double[] view = new double[det.numPix()];
        boolean[] use = new boolean[det.numPix()];
        for (int t = 0; t < use.length; t++) {
            use[t] = det.mask(t) != Detector.MASK_UNUSED;
        }
        double[] r9 = new double[9];
        for (int d = 0; d < p.numFrames(); d++) {
            Arrays.fill(view, 0);
            for (long i = p.onesStart[d]; i < p.onesStart[d + 1]; i++) {
                view[p.placeOnes[(int) i]] += 1;
            }
            for (long i = p.multiStart[d]; i < p.multiStart[d + 1]; i++) {
                view[p.placeMulti[(int) i]] += p.countMulti[(int) i];
            }
            for (int t = 0; t < view.length; t++) {
                view[t] /= det.corr(t);
            }
            Quaternions.toMatrix(r.quaternions(), 4 * d, r9);
            Slicer.merge(view, 1.0, r9, det.copyQx(), det.copyQy(), det.copyQz(), use, num, den, n);
        }
        double[] model = new double[num.length];
        for (int i = 0; i < model.length; i++) {
            model[i] = den[i] > 0 ? num[i] / den[i] : 0;
        }
        double[] cc = ShellCorrelation.compute(model, intens, n, 10, 20);
        for (int s = 2; s < 10; s++) {
            assertTrue(cc[s] > 0.9, "shell " + s + " correlation " + cc[s]);
        }
    }
}
