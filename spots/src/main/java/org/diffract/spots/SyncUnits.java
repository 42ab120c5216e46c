package org.diffract.spots;

import java.util.ArrayList;
import java.util.List;

import org.diffract.core.UserError;

/**
 * The groups of frames that share one mask after syncing: each frame alone (none), consecutive off/on
 * pairs (pairs), or all frames at the same angle (blocks). A unit is never split between ranks.
 */
public final class SyncUnits {
    private SyncUnits() {}

    /** Units as frame lists, in order of their first frame. */
    public static int[][] of(LaueSeries s, SpotsOptions.Sync sync, String file) {
        int n = s.numFrames();
        switch (sync) {
            case NONE: {
                int[][] u = new int[n][];
                for (int f = 0; f < n; f++) {
                    u[f] = new int[] {f};
                }
                return u;
            }
            case PAIRS: {
                if (n % 2 != 0) {
                    throw new UserError(file + ": -S pairs needs off/on frame pairs but there are " + n
                            + " frames (odd); use -S blocks or -S none");
                }
                int[][] u = new int[n / 2][];
                for (int k = 0; k < n / 2; k++) {
                    int a = 2 * k;
                    int b = a + 1;
                    if (s.angle(a) != s.angle(b)) {
                        throw new UserError(
                                file + ": -S pairs: frames " + a + " and " + b
                                        + " are taken at different angles; pairs must be consecutive off/on frames at one angle");
                    }
                    if (s.hasLaser() && s.numLaserGroups() == 2 && s.laserGroup(a) == s.laserGroup(b)) {
                        throw new UserError(file + ": -S pairs: frames " + a + " and " + b
                                + " have the same laser state; pairs must be one laser-off and one laser-on frame");
                    }
                    u[k] = new int[] {a, b};
                }
                return u;
            }
            case BLOCKS: {
                List<int[]> u = new ArrayList<>();
                for (int a = 0; a < s.numAngles(); a++) {
                    u.add(s.framesOfAngle(a).clone());
                }
                return u.toArray(new int[0][]);
            }
            default:
                throw new IllegalArgumentException(sync.toString());
        }
    }
}
