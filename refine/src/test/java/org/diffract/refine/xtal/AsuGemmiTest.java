package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Our asymmetric-unit representatives are the ones gemmi (CCP4 conventions) picks, for every Laue class. */
class AsuGemmiTest {
    @TempDir
    Path dir;

    @Test
    void representativesMatchGemmiForEveryLaueClass() throws Exception {
        String[] groups = {
            "P 1",
            "P -1",
            "C 1 2 1",
            "P 1 21 1",
            "P 21 21 21",
            "C 2 2 21",
            "I 4",
            "P 43 21 2",
            "P -4 m 2",
            "P -4 2 m",
            "P 3",
            "R 3",
            "P 31 2 1",
            "P 31 1 2",
            "P 3 m 1",
            "P 3 1 m",
            "R 3 2",
            "P 6",
            "P 61 2 2",
            "P -6 2 m",
            "P 2 3",
            "I 21 3",
            "P 43 3 2",
            "F m -3 m"
        };
        StringBuilder sb = new StringBuilder();
        int[] rep = new int[3];
        int n = 0;
        for (String g : groups) {
            SpaceGroup sg = SpaceGroups.find(g);
            Asu asu = new Asu(sg);
            for (int h = -4; h <= 4; h++) {
                for (int k = -4; k <= 4; k++) {
                    for (int l = -4; l <= 4; l++) {
                        if (h == 0 && k == 0 && l == 0) {
                            continue;
                        }
                        asu.map(h, k, l, rep);
                        sb.append(sg.number())
                                .append(' ')
                                .append(h)
                                .append(' ')
                                .append(k)
                                .append(' ')
                                .append(l)
                                .append(' ')
                                .append(rep[0])
                                .append(' ')
                                .append(rep[1])
                                .append(' ')
                                .append(rep[2])
                                .append('\n');
                        n++;
                    }
                }
            }
        }
        Path f = dir.resolve("reps.txt");
        Files.writeString(f, sb.toString());
        String out = Python.require("gemmi").run("""
                import sys, gemmi
                bad = []
                n = 0
                cache = {}
                for line in open(sys.argv[1]):
                    num, h, k, l, a, b, c = map(int, line.split())
                    if num not in cache:
                        sg = gemmi.find_spacegroup_by_number(num)
                        cache[num] = (gemmi.ReciprocalAsu(sg), sg.operations())
                    asu, ops = cache[num]
                    got = tuple(asu.to_asu([h, k, l], ops)[0])
                    n += 1
                    if got != (a, b, c):
                        bad.append('%d: %d %d %d -> ours %d %d %d, gemmi %s' % (num, h, k, l, a, b, c, got))
                print(n, len(bad))
                print('\\n'.join(bad[:10]))
                """, f.toString());
        assertEquals(n + " 0", out.split("\n")[0], out);
    }

    /** The I(+)/I(-) decision is CCP4's: gemmi's ISYM is odd for I(+), even for I(-); centric counts as I(+). */
    @Test
    void bijvoetSignMatchesGemmisIsym() throws Exception {
        String[] groups = {
            "P 1",
            "P 1 21 1",
            "P 21 21 21",
            "P 43 21 2",
            "P 4",
            "P -4 2 m",
            "P 31 2 1",
            "P 3 1 2",
            "R 3",
            "P 61",
            "P 6 m m",
            "P 21 3",
            "F 4 3 2",
            "P -1",
            "P 4/m m m"
        };
        int count = 0;
        StringBuilder sb = new StringBuilder();
        int[] rep = new int[3];
        for (String g : groups) {
            SpaceGroup sg = SpaceGroups.find(g);
            Asu asu = new Asu(sg);
            for (int h = -3; h <= 3; h++) {
                for (int k = -3; k <= 3; k++) {
                    for (int l = -3; l <= 3; l++) {
                        if (h == 0 && k == 0 && l == 0) {
                            continue;
                        }
                        boolean minus = asu.map(h, k, l, rep);
                        count++;
                        boolean centric = asu.isCentric(h, k, l);
                        sb.append(sg.number())
                                .append(' ')
                                .append(h)
                                .append(' ')
                                .append(k)
                                .append(' ')
                                .append(l)
                                .append(' ')
                                .append(minus ? 1 : 0)
                                .append(' ')
                                .append(centric ? 1 : 0)
                                .append('\n');
                    }
                }
            }
        }
        Path f = dir.resolve("signs.txt");
        Files.writeString(f, sb.toString());
        String out = Python.require("gemmi").run("""
                import sys, gemmi
                bad = []
                n = 0
                cache = {}
                for line in open(sys.argv[1]):
                    num, h, k, l, minus, centric = map(int, line.split())
                    if num not in cache:
                        sg = gemmi.find_spacegroup_by_number(num)
                        cache[num] = (gemmi.ReciprocalAsu(sg), sg.operations())
                    asu, ops = cache[num]
                    isym = asu.to_asu([h, k, l], ops)[1]
                    n += 1
                    gc = 1 if ops.is_reflection_centric([h, k, l]) else 0
                    gm = 0 if (isym % 2 == 1 or gc) else 1
                    if gm != minus or gc != centric:
                        bad.append('%d: %d %d %d ours minus %d centric %d, gemmi isym %d centric %d' % (num, h, k, l, minus, centric, isym, gc))
                print(n, len(bad))
                print('\\n'.join(bad[:10]))
                """, f.toString());
        assertEquals(count + " 0", out.split("\n")[0], out);
    }
}
