package org.diffract.correlate;

/**
 * The fitted ring: centre (x = column, y = row, in pixels), radius (for an ellipse the semi-axes along
 * x and y), the intensity-weighted RMS radial distance of the used pixels from the fitted curve, and how
 * many pixels the last fit used.
 */
public record RingFit(
        double xCenter,
        double yCenter,
        double radius,
        double radiusX,
        double radiusY,
        double residual,
        int pixels,
        boolean ellipse) {}
