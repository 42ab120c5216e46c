package org.diffract.correlate;

import java.nio.file.Path;

import org.diffract.core.UserError;
import org.diffract.core.io.MaskFile;

/** The detector mask for correlate: .npy or raw uint8 .byt/.bin, 1 = good pixel, 0 = bad (RingData's convention). */
public final class DetectorMask {
    private DetectorMask() {}

    /** The mask in {@code [y * width + x]} order, or null (all good) when no file is given. */
    public static byte[] read(Path file, int height, int width) {
        if (file == null) {
            return null;
        }
        byte[] m = MaskFile.read(file, height * width);
        int good = 0;
        for (int t = 0; t < m.length; t++) {
            if (m[t] > 1) {
                throw new UserError(file + ": mask value " + m[t] + " at pixel " + t
                        + "; correlate masks are 1 = good, " + "0 = bad (not Dragonfly's 0/1/2)");
            }
            good += m[t];
        }
        if (good == 0) {
            throw new UserError(file + ": the mask has no good pixel; correlate masks are 1 = good, 0 = bad");
        }
        return m;
    }
}
