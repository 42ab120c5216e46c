package org.diffract.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.diffract.core.UserError;

/**
 * Pixel masks with Dragonfly's values (0 = used for orientation and merging, 1 = merging only, 2 = unused),
 * from NumPy {@code .npy} files (format 1, 2 or 3) or raw uint8 {@code .byt/.bin}. The result is in C
 * order of the (Nx, Ny) frame, i.e. the detector's pixel order.
 */
public final class MaskFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private MaskFile() {}

    public static byte[] read(Path file, int expectedPixels) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file; check the mask path", e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + "); check the file's permissions", e);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        byte[] mask;
        if (name.endsWith(".npy")) {
            mask = readNpy(file, bytes, expectedPixels);
        } else if (name.endsWith(".byt") || name.endsWith(".bin")) {
            if (bytes.length != expectedPixels) {
                throw new UserError(file + ": raw mask has " + bytes.length + " bytes but the detector has "
                        + expectedPixels + " pixels; make the mask for this detector (one uint8 per pixel)");
            }
            mask = bytes;
        } else {
            throw new UserError(file + ": unknown mask format; give a .npy file or raw uint8 .byt/.bin");
        }
        for (int t = 0; t < mask.length; t++) {
            if (mask[t] < 0 || mask[t] > 2) {
                throw new UserError(file + ": mask value " + (mask[t] & 0xff) + " at pixel " + t
                        + "; use 0 (orientation and merge), 1 (merge only) or 2 (unused)");
            }
        }
        return mask;
    }

    private static byte[] readNpy(Path file, byte[] bytes, int expectedPixels) {
        if (bytes.length < 10 || !Arrays.equals(bytes, 0, 6, MAGIC, 0, 6)) {
            throw new UserError(file + ": not a NumPy .npy file; save the mask with numpy.save");
        }
        int major = bytes[6];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new UserError(file + ": .npy header is truncated; save the mask again with numpy.save");
            }
            headerLen = buf.getInt(8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw new UserError(file + ": .npy format version " + major + " is not supported; save it with numpy.save");
        }
        if (headerStart + headerLen > bytes.length) {
            throw new UserError(file + ": .npy header is truncated; save the mask again with numpy.save");
        }
        String header = new String(
                bytes, headerStart, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(file, DESCR, header, "descr");
        boolean fortran = group(file, FORTRAN, header, "fortran_order").equals("True");
        int[] shape = parseShape(file, group(file, SHAPE, header, "shape"));
        int dataStart = headerStart + (int) headerLen;
        int itemSize = itemSize(file, descr);
        long count = 1;
        for (int s : shape) {
            count *= s;
        }
        if (shape.length < 1 || shape.length > 2) {
            throw new UserError(
                    file + ": mask has shape " + Arrays.toString(shape) + " but must be (Nx, Ny) or (Npix,)");
        }
        if (count != expectedPixels) {
            throw new UserError(file + ": mask has " + count + " values (shape " + Arrays.toString(shape)
                    + ") but the detector has " + expectedPixels + " pixels; make the mask for this detector");
        }
        long needed = dataStart + count * itemSize;
        if (bytes.length != needed) {
            throw new UserError(file + ": file is " + bytes.length + " bytes but its header needs " + needed
                    + "; save the mask again with numpy.save");
        }
        byte[] mask = decode(file, buf, dataStart, (int) count, descr);
        if (fortran && shape.length == 2) {
            mask = transpose(mask, shape[0], shape[1]);
        }
        return mask;
    }

    private static String group(Path file, Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new UserError(file + ": .npy header has no '" + key + "'; save the mask again with numpy.save");
        }
        return m.group(1);
    }

    private static int[] parseShape(Path file, String text) {
        String[] parts = text.split(",");
        int n = 0;
        int[] shape = new int[parts.length];
        for (String p : parts) {
            String s = p.trim();
            if (s.isEmpty()) {
                continue;
            }
            try {
                shape[n++] = Integer.parseInt(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
            } catch (NumberFormatException e) {
                throw new UserError(
                        file + ": .npy shape (" + text + ") is not readable; save the mask with numpy.save");
            }
        }
        return Arrays.copyOf(shape, n);
    }

    private static int itemSize(Path file, String descr) {
        switch (descr) {
            case "|u1", "|i1", "|b1", "<u1", "<i1":
                return 1;
            case "<i2", "<u2":
                return 2;
            case "<i4", "<u4", "<f4":
                return 4;
            case "<i8", "<f8":
                return 8;
            default:
                throw new UserError(file + ": mask dtype '" + descr + "' is not supported; save it as uint8, e.g. "
                        + "numpy.save(name, mask.astype(numpy.uint8))");
        }
    }

    /** Converts any supported dtype to mask bytes, refusing values that are not 0, 1 or 2. */
    private static byte[] decode(Path file, ByteBuffer buf, int start, int count, String descr) {
        byte[] out = new byte[count];
        String code = descr.substring(1);
        for (int i = 0; i < count; i++) {
            double v = switch (code) {
                case "u1", "b1" -> buf.get(start + i) & 0xff;
                case "i1" -> buf.get(start + i);
                case "i2" -> buf.getShort(start + 2 * i);
                case "u2" -> buf.getShort(start + 2 * i) & 0xffff;
                case "i4" -> buf.getInt(start + 4 * i);
                case "u4" -> buf.getInt(start + 4 * i) & 0xffffffffL;
                case "f4" -> buf.getFloat(start + 4 * i);
                case "i8" -> buf.getLong(start + 8 * i);
                default -> buf.getDouble(start + 8 * i);
            };
            if (v != 0 && v != 1 && v != 2) {
                throw new UserError(file + ": mask value " + v + " at index " + i
                        + "; use 0 (orientation and merge), 1 (merge only) or 2 (unused)");
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** Fortran order stores column by column; the detector wants rows of the (nx, ny) frame. */
    private static byte[] transpose(byte[] f, int nx, int ny) {
        byte[] c = new byte[f.length];
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                c[x * ny + y] = f[y * nx + x];
            }
        }
        return c;
    }

    /** Writes an (nx, ny) uint8 .npy file (format 1.0, header padded to 64 bytes as NumPy does). */
    public static void writeNpy(Path file, byte[] mask, int nx, int ny) {
        if ((long) nx * ny != mask.length) {
            throw new IllegalArgumentException("mask of " + mask.length + " values is not " + nx + " x " + ny);
        }
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + nx + ", " + ny + "), }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer out = ByteBuffer.allocate(total + mask.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(mask);
        AtomicFiles.writeBytes(file, out.array());
    }
}
