package org.diffract.emc;

import java.util.ArrayList;
import java.util.List;

import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.diffract.core.geometry.DetectorGeometry;
import org.diffract.core.io.DetectorFile;
import org.diffract.core.io.EmcPhotonsFile;
import org.diffract.core.io.EmcPhotonsH5;
import org.diffract.core.io.MaskFile;
import org.diffract.core.io.PatternsH5;
import org.diffract.core.io.SparsePhotons;
import org.diffract.core.io.VolumeFile;

/**
 * The first step of a run: the detector (a file, or made from [parameters]; mask file applied), the frames
 * (Dragonfly photons files, binary or HDF5, concatenated in order; or spipy patterns), the selection, and the
 * start model (Dragonfly's random start or a model file).
 */
public final class EmcSetup {
    private EmcSetup() {}

    /** Reads the detector the settings describe; {@code framesNx} > 0 checks it against the frames' shape. */
    public static Detector loadDetector(EmcSettings s, int framesNx, int framesNy) {
        Detector det;
        if (s.detectorFile() != null) {
            det = DetectorFile.read(s.detectorFile());
        } else {
            DetectorGeometry.Params d = s.detectorSpec();
            int nx = d.nx(), ny = d.ny();
            if (framesNx > 0 && (framesNx != nx || framesNy != ny)) {
                throw new UserError(s.configFile().getFileName() + ": [parameters] detsize " + nx + " " + ny
                        + " does not match the patterns' frame shape " + framesNx + " x " + framesNy
                        + "; set detsize = "
                        + framesNx + " " + framesNy);
            }
            det = DetectorGeometry.make(d);
        }
        if (s.maskFile() != null) {
            det = det.withMask(MaskFile.read(s.maskFile(), det.numPix()));
        }
        return det;
    }

    /** Reads the frames and the detector and applies the selection. */
    public static EmcData loadData(EmcSettings s) {
        SparsePhotons photons;
        Detector det;
        if (!s.photons().isEmpty()) {
            det = loadDetector(s, -1, -1);
            List<SparsePhotons> parts = new ArrayList<>();
            for (EmcSettings.PhotonsSource src : s.photons()) {
                parts.add(readPhotons(src, det));
            }
            photons = SparsePhotons.concat(parts);
        } else {
            PatternsH5.Patterns p = PatternsH5.read(s.patternsFile(), s.patternsDataset());
            det = loadDetector(s, p.nx(), p.ny());
            if (det.numPix() != p.nx() * p.ny()) {
                throw new UserError(s.patternsFile().getFileName() + ": frames have " + p.nx() * p.ny()
                        + " pixels but the detector " + det.numPix() + "; use the matching detector file");
            }
            photons = p.photons();
        }
        return EmcData.select(photons, det, s.selection());
    }

    /** One photons file: binary .emc or Dragonfly's HDF5 layout (told apart by the HDF5 signature), or dense frames. */
    static SparsePhotons readPhotons(EmcSettings.PhotonsSource src, Detector det) {
        if (src.denseDataset() != null) {
            PatternsH5.Patterns p = PatternsH5.read(src.file(), src.denseDataset());
            if (p.nx() * p.ny() != det.numPix()) {
                throw new UserError(src.file() + ": frames have " + p.nx() * p.ny() + " pixels but the detector "
                        + det.numPix() + "; use the matching detector file");
            }
            return p.photons();
        }
        return EmcPhotonsH5.isHdf5(src.file())
                ? EmcPhotonsH5.read(src.file(), det.numPix())
                : EmcPhotonsFile.read(src.file(), det.numPix());
    }

    /** Dragonfly's random start, or the settings' start model file (checked for size and values). */
    public static EmcState startState(EmcSettings settings, EmcData data, int n) {
        EmcState random = EmcState.random(data, n, settings.params().seed());
        if (settings.startModelFile() == null) {
            return random;
        }
        VolumeFile.Cube cube = VolumeFile.readCube(settings.startModelFile());
        if (cube.n() != n) {
            throw new UserError(
                    settings.startModelFile() + ": start model is " + cube.n() + "^3 but this detector needs " + n
                            + "^3; make it with the same detector or drop start_model_file");
        }
        for (double v : cube.data()) {
            if (!Double.isFinite(v) || v < 0) {
                throw new UserError(settings.startModelFile() + ": start model has negative or non-finite voxels; "
                        + "an intensity model must be >= 0 everywhere");
            }
        }
        return random.withModel(cube.data());
    }
}
