package org.diffract.spots;

import java.util.Arrays;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-made cases, the results scipy.ndimage gives for them (border_value 0). */
class MorphologyTest {
    static final Structure CROSS = Structure.of(2, 1);
    static final Structure SQUARE = Structure.of(2, 2);

    static byte[] mask(String... rows) {
        int w = rows[0].length();
        byte[] m = new byte[rows.length * w];
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < w; x++) {
                m[y * w + x] = (byte) (rows[y].charAt(x) == '#' ? 1 : 0);
            }
        }
        return m;
    }

    @Test
    void structuresAreCrossAndSquare() {
        assertEquals(4, CROSS.size());
        assertEquals(8, SQUARE.size());
        assertThrows(UserError.class, () -> Structure.parse("3,1"));
        assertThrows(UserError.class, () -> Structure.parse("2,3"));
        assertThrows(UserError.class, () -> Structure.parse("2"));
        assertThrows(UserError.class, () -> Structure.parse("a,b"));
    }

    @Test
    void erosionOfPlusWithCrossKeepsCentreOnly() {
        byte[] in = mask(".....", "..#..", ".###.", "..#..", ".....");
        byte[] out = new byte[25];
        Morphology.erode(in, out, 5, 5, CROSS);
        assertArrayEquals(mask(".....", ".....", "..#..", ".....", "....."), out);
        Morphology.erode(in, out, 5, 5, SQUARE);
        assertArrayEquals(new byte[25], out);
    }

    @Test
    void erosionAtTheBorderEmptiesBlock() {
        byte[] in = mask("###..", "###..", "###..", ".....", ".....");
        byte[] out = new byte[25];
        Morphology.erode(in, out, 5, 5, SQUARE);
        // (1,1) has all 8 neighbours inside the block; edge pixels see the empty outside
        assertArrayEquals(mask(".....", ".#...", ".....", ".....", "....."), out);
        byte[] full = mask("#####", "#####", "#####");
        byte[] o2 = new byte[15];
        Morphology.erode(full, o2, 3, 5, CROSS);
        assertArrayEquals(mask(".....", ".###.", "....."), o2);
    }

    @Test
    void dilationOfPointIsStructure() {
        byte[] in = mask(".....", ".....", "..#..", ".....", ".....");
        byte[] out = new byte[25];
        Morphology.dilate(in, out, 5, 5, CROSS);
        assertArrayEquals(mask(".....", "..#..", ".###.", "..#..", "....."), out);
        Morphology.dilate(in, out, 5, 5, SQUARE);
        assertArrayEquals(mask(".....", ".###.", ".###.", ".###.", "....."), out);
        byte[] corner = mask("#..", "...", "...");
        byte[] o2 = new byte[9];
        Morphology.dilate(corner, o2, 3, 3, SQUARE);
        assertArrayEquals(mask("##.", "##.", "..."), o2);
    }

    @Test
    void openingRemovesSpeckleAndRegrowsSpot() {
        byte[] in = mask("#.......", "........", "..###...", "..###.#.", "..###...", "........");
        byte[] out = new byte[in.length];
        Morphology.open(in, out, new byte[in.length], 6, 8, SQUARE, 1, 1);
        assertArrayEquals(mask("........", "........", "..###...", "..###...", "..###...", "........"), out);
        // 1 erosion + 2 dilations grows the 3x3 block to 5x5
        Morphology.open(in, out, new byte[in.length], 6, 8, SQUARE, 1, 2);
        assertArrayEquals(mask("........", ".#####..", ".#####..", ".#####..", ".#####..", ".#####.."), out);
        Morphology.open(in, out, new byte[in.length], 6, 8, SQUARE, 0, 0);
        assertArrayEquals(in, out);
    }

    @Test
    void labelsFollowConnectivityAndRasterOrder() {
        byte[] in = mask("#...#", ".#..#", ".....", "##..#");
        int[] labels = new int[in.length];
        Labeler l = new Labeler();
        assertEquals(5, l.label(in, labels, 4, 5, CROSS));
        assertArrayEquals(new int[] {1, 0, 0, 0, 2, 0, 3, 0, 0, 2, 0, 0, 0, 0, 0, 4, 4, 0, 0, 5}, labels);
        assertEquals(4, l.label(in, labels, 4, 5, SQUARE));
        assertArrayEquals(new int[] {1, 0, 0, 0, 2, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 3, 0, 0, 4}, labels);
    }

    @Test
    void labelsLargeComponentWithoutOverflow() {
        int h = 300;
        int w = 300;
        byte[] in = new byte[h * w];
        Arrays.fill(in, (byte) 1);
        int[] labels = new int[in.length];
        assertEquals(1, new Labeler().label(in, labels, h, w, SQUARE));
        assertTrue(Arrays.stream(labels).allMatch(v -> v == 1));
    }
}
