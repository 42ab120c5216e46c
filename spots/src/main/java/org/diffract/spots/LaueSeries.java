package org.diffract.spots;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What lu_hdf2spots knows about a frame series besides the pixels: the frame size, the goniometer angle
 * of each frame, LaueCollect's global frame numbers and block size, and for laser (pump-probe) data the
 * laser group of each frame (laser off/on, or the pump delay), from which the Kruskal-Wallis rule and
 * the off/on pairing work.
 */
public final class LaueSeries {
    private final int numFrames;
    private final int height;
    private final int width;
    private final double[] angle;
    private final long[] frameNumberGlobal;
    private final int blockSize;
    private final int[] laserGroup;
    private final int numLaserGroups;
    private final int[] angleOfFrame;
    private final int[][] framesOfAngle;

    /**
     * @param laserGroup per frame 0 .. G-1 (0 = laser off for laser_on data), or null without laser data
     */
    public LaueSeries(
            int numFrames,
            int height,
            int width,
            double[] angle,
            long[] frameNumberGlobal,
            int blockSize,
            int[] laserGroup) {
        this.numFrames = numFrames;
        this.height = height;
        this.width = width;
        this.angle = angle;
        this.frameNumberGlobal = frameNumberGlobal;
        this.blockSize = blockSize;
        this.laserGroup = laserGroup;
        int g = 0;
        if (laserGroup != null) {
            for (int v : laserGroup) {
                g = Math.max(g, v + 1);
            }
        }
        this.numLaserGroups = g;
        // frames grouped by exact angle value, groups in order of first appearance
        Map<Double, Integer> index = new LinkedHashMap<>();
        angleOfFrame = new int[numFrames];
        int[] counts = new int[numFrames];
        for (int f = 0; f < numFrames; f++) {
            int a = index.computeIfAbsent(angle[f], k -> index.size());
            angleOfFrame[f] = a;
            counts[a]++;
        }
        framesOfAngle = new int[index.size()][];
        int[] fill = new int[index.size()];
        for (int a = 0; a < framesOfAngle.length; a++) {
            framesOfAngle[a] = new int[counts[a]];
        }
        for (int f = 0; f < numFrames; f++) {
            int a = angleOfFrame[f];
            framesOfAngle[a][fill[a]++] = f;
        }
    }

    /** Laser groups from per-frame pump delays: group = rank of the delay among the distinct delays. */
    public static int[] groupsOf(double[] values) {
        TreeMap<Double, Integer> distinct = new TreeMap<>();
        for (double v : values) {
            distinct.put(v, 0);
        }
        int k = 0;
        for (Map.Entry<Double, Integer> e : distinct.entrySet()) {
            e.setValue(k++);
        }
        int[] g = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            g[i] = distinct.get(values[i]);
        }
        return g;
    }

    public int numFrames() {
        return numFrames;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int pixels() {
        return height * width;
    }

    public double angle(int frame) {
        return angle[frame];
    }

    public double[] angles() {
        return angle.clone();
    }

    public long[] frameNumberGlobal() {
        return frameNumberGlobal.clone();
    }

    public int blockSize() {
        return blockSize;
    }

    public boolean hasLaser() {
        return laserGroup != null;
    }

    public int laserGroup(int frame) {
        return laserGroup[frame];
    }

    public int numLaserGroups() {
        return numLaserGroups;
    }

    public int numAngles() {
        return framesOfAngle.length;
    }

    public int angleIndex(int frame) {
        return angleOfFrame[frame];
    }

    public int[] framesOfAngle(int a) {
        return framesOfAngle[a];
    }

    public int maxFramesPerAngle() {
        int m = 0;
        for (int[] f : framesOfAngle) {
            m = Math.max(m, f.length);
        }
        return m;
    }

    @Override
    public String toString() {
        return numFrames + " frames of " + height + " x " + width + ", " + numAngles() + " angles"
                + (hasLaser() ? ", " + numLaserGroups + " laser groups" : "");
    }
}
