package org.diffract.correlate;

import org.diffract.core.UserError;

/**
 * Conversion between a radius on a flat detector (pixels from the beam centre) and momentum transfer
 * q = 4 pi sin(theta) / lambda in inverse Angstrom, as RingData's pix2invang: the scattering angle 2 theta
 * is atan(r * pixsize / detdist). pixsize and detdist share a length unit (metres in our configs);
 * wavelen is in Angstrom.
 */
public final class QMapping {
    private final double pixsize;
    private final double detdist;
    private final double wavelen;

    public QMapping(double pixsize, double detdist, double wavelen) {
        if (!(pixsize > 0) || !(detdist > 0) || !(wavelen > 0)) {
            throw new UserError("pixsize, detdist and wavelen must all be > 0 (got " + pixsize + ", " + detdist + ", "
                    + wavelen + "); set them in [geometry]");
        }
        this.pixsize = pixsize;
        this.detdist = detdist;
        this.wavelen = wavelen;
    }

    /** q (1/A) at a radius of {@code rPix} pixels. */
    public double pix2invang(double rPix) {
        return Math.sin(Math.atan(rPix * pixsize / detdist) / 2) * 4 * Math.PI / wavelen;
    }

    /** Radius in pixels where q (1/A) falls: the inverse of {@link #pix2invang}. */
    public double invang2pix(double q) {
        double s = q * wavelen / (4 * Math.PI);
        // beyond 2 theta = 90 degrees a flat detector can no longer record q
        if (!(s >= 0) || s >= Math.sqrt(0.5)) {
            throw new UserError("q = " + q + " 1/A cannot reach a flat detector at wavelen " + wavelen
                    + " A; lower [polar] qmin/qmax");
        }
        return Math.tan(2 * Math.asin(s)) * detdist / pixsize;
    }

    public double pixsize() {
        return pixsize;
    }

    public double detdist() {
        return detdist;
    }

    public double wavelen() {
        return wavelen;
    }
}
