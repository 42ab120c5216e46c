#!/usr/bin/env python3
"""lu_hdf2spots from its description, in numpy/scipy, for SpotsIT (tests only, never used at run time).

  spots_reference.py make INPUT            writes a LaueCollect laser series as the beamline writes it (h5py):
                                           frames uint16 (N, H, W) with H != W, lauecollect/{angle,
                                           frame_number_global, laser_on}, attribute lauecollect/block_size,
                                           with planted Gaussian spots (static, and laser-on only)
  spots_reference.py compare INPUT OUTPUT [--method M] [--n N] [--alpha A] [--cutoff C] [--erosions E]
                                           [--dilations D] [--structure R,C] [--sync S]
                                           recomputes the whole output file and compares every dataset

The pipeline, as the tool describes it (README, spots section; LaueUtil wiki lu_hdf2spots; Kalinowski et
al. 2012, J. Synchrotron Rad. 19, 637):
  statistics per pixel over all frames: max, argmax; avg, std (ddof 0) and Q75 - Q25 (numpy's linear
  percentile) of the values left after dropping the floor(N n / 100) largest (n_removed), or, for laser
  data, at each angle the largest value while scipy.stats.kruskal over the laser groups gives p < alpha
  (kruskal; of equal values the one of the higher laser group goes first; at least 3 values stay);
  per frame the raw mask I >= avg + cutoff std, binary_erosion then binary_dilation with
  generate_binary_structure(rank, connectivity);
  masks: each frame's filtered mask (none), the union of frames 2k and 2k+1 (pairs) or of all frames at one
  angle, angles in order of first appearance (blocks); ndimage.label of each mask;
  spots, by frame then label, every label of the frame's mask: I = sum of the frame's pixels, I_bg = sum of
  (I - avg), XY = (row, column) of the first maximum in raster order, box = (row_min, col_min, row_max,
  col_max), pixel_list = flat row * W + column ascending, with begin/end index pairs.
Prints one line starting with OK, or fails with an AssertionError naming the dataset.
"""
import argparse
import sys

import h5py
import numpy as np
from scipy import ndimage, stats

H, W = 36, 52
ANGLES, PER_ANGLE = 10, 8


def make(path):
    rng = np.random.default_rng(20240611)
    n = ANGLES * PER_ANGLE
    frames = rng.poisson(200, size=(n, H, W)).astype(np.float64)
    laser_on = np.tile([0, 1], n // 2)
    angle = np.repeat(np.arange(ANGLES) * 0.75 + 10.0, PER_ANGLE)
    yy, xx = np.mgrid[0:H, 0:W]
    taken = []
    for a in range(ANGLES):
        for k in range(4):
            while True:
                r, c = int(rng.integers(4, H - 4)), int(rng.integers(4, W - 4))
                if all(max(abs(r - r2), abs(c - c2)) >= 11 for r2, c2, a2 in taken if a2 == a):
                    break
            taken.append((r, c, a))
            # elongated along the columns, so that a row/column swap changes every box
            blob = rng.uniform(500, 1500) * np.exp(-((yy - r) ** 2 / (2 * 0.9 ** 2) + (xx - c) ** 2 / (2 * 1.8 ** 2)))
            frames_a = np.arange(a * PER_ANGLE, (a + 1) * PER_ANGLE)
            if k == 0:
                frames_a = frames_a[laser_on[frames_a] == 1]  # a laser-induced spot
            frames[frames_a] += np.rint(blob)
    with h5py.File(path, "w") as f:
        f.create_dataset("frames", data=np.minimum(frames, 65535).astype(np.uint16), chunks=(1, H, W),
                         compression="gzip")
        g = f.create_group("lauecollect")
        g.create_dataset("angle", data=angle)
        g.create_dataset("frame_number_global", data=np.arange(n) + 5000)
        g.create_dataset("laser_on", data=laser_on.astype(np.int32))
        g.attrs["block_size"] = PER_ANGLE
    print("OK made", path, n, "frames of", H, "x", W)


def kruskal_keep(values, groups, alpha):
    """Indices kept at one pixel and angle: drop the largest while the laser groups differ at alpha."""
    order = np.lexsort((groups, values))
    keep = len(order)
    while keep > 2:
        kept = order[:keep]
        samples = [values[kept][groups[kept] == g] for g in np.unique(groups[kept])]
        if len(samples) < 2:
            break
        try:
            p = stats.kruskal(*samples).pvalue
        except ValueError:  # all values identical
            break
        if not p < alpha:
            break
        keep -= 1
    return order[:keep]


def reference(inp, o):
    with h5py.File(inp, "r") as f:
        img = f["frames"][()].astype(np.float64)
        angle = f["lauecollect/angle"][()]
        laser = f["lauecollect/laser_on"][()]
    n, h, w = img.shape
    out = {}
    if o.method == "n_removed":
        k = n * o.n // 100
        kept = np.sort(img, axis=0)[: n - k]
        avg, std = kept.mean(axis=0), kept.std(axis=0)
        q75, q25 = np.percentile(kept, [75, 25], axis=0)
        iqr = q75 - q25
        n_removed_total = k
    else:
        _, angle_index = np.unique(angle, return_index=True)
        angles = angle[np.sort(angle_index)]
        avg, std, iqr = (np.zeros((h, w)) for _ in range(3))
        removed = np.zeros((h, w), dtype=np.int32)
        for r in range(h):
            for c in range(w):
                kept = []
                for a in angles:
                    fa = np.flatnonzero(angle == a)
                    kept.append(img[fa, r, c][kruskal_keep(img[fa, r, c], laser[fa], o.alpha)])
                kept = np.concatenate(kept)
                avg[r, c], std[r, c] = kept.mean(), kept.std()
                q75, q25 = np.percentile(kept, [75, 25])
                iqr[r, c] = q75 - q25
                removed[r, c] = n - len(kept)
        out["stats/n_removed"] = removed
        n_removed_total = int(removed.sum())
    out["stats/avg"], out["stats/std"], out["stats/iqr"] = avg, std, iqr
    out["stats/max"], out["stats/arg"] = img.max(axis=0), img.argmax(axis=0).astype(np.int32)

    rank, conn = (int(v) for v in o.structure.split(","))
    st = ndimage.generate_binary_structure(rank, conn)
    raw = img >= (avg + o.cutoff * std)[None]
    filtered = np.zeros_like(raw)
    for i in range(n):
        m = raw[i]
        if o.erosions:  # iterations=0 would mean "until nothing changes" to scipy
            m = ndimage.binary_erosion(m, st, iterations=o.erosions)
        if o.dilations:
            m = ndimage.binary_dilation(m, st, iterations=o.dilations)
        filtered[i] = m
    out["masks/masks_raw"], out["masks/masks_filtered"] = raw.astype(np.int8), filtered.astype(np.int8)

    if o.sync == "none":
        units = [[i] for i in range(n)]
    elif o.sync == "pairs":
        units = [[i, i + 1] for i in range(0, n, 2)]
    else:
        _, first = np.unique(angle, return_index=True)
        units = [list(np.flatnonzero(angle == angle[i])) for i in np.sort(first)]
    mask_of = np.zeros(n, dtype=int)
    labels, counts, synced = [], [], []
    for m, u in enumerate(units):
        union = np.logical_or.reduce(filtered[u])
        synced.append(union)
        lab, cnt = ndimage.label(union, st)
        labels.append(lab)
        counts.append(cnt)
        mask_of[u] = m
    if o.sync != "none":
        out["masks/masks_synced"] = np.array(synced).astype(np.int8)
    out["masks/labels"] = np.array(labels).astype(np.int32)
    out["masks/counts"] = np.array(counts, dtype=np.int32)

    cols = {k: [] for k in ("I", "I_bg", "XY", "box", "frame", "label", "mask", "pixel_list", "pixel_list_BE")}
    f2s, at, pat = [], 0, 0
    for i in range(n):
        m = mask_of[i]
        lab = labels[m].ravel()
        f2s.append((at, at + counts[m]))
        for l in range(1, counts[m] + 1):
            idx = np.flatnonzero(lab == l)
            vals = img[i].ravel()[idx]
            rows, cs = np.divmod(idx, w)
            best = idx[np.argmax(vals)]
            cols["I"].append(vals.sum())
            cols["I_bg"].append((vals - avg.ravel()[idx]).sum())
            cols["XY"].append(divmod(int(best), w))
            cols["box"].append((rows.min(), cs.min(), rows.max(), cs.max()))
            cols["frame"].append(i)
            cols["label"].append(l)
            cols["mask"].append(m)
            cols["pixel_list"].extend(idx)
            cols["pixel_list_BE"].append((pat, pat + len(idx)))
            pat += len(idx)
        at += counts[m]
    ns = len(cols["I"])
    types = {"I": np.float64, "I_bg": np.float64, "pixel_list_BE": np.int64}
    shapes = {"XY": (ns, 2), "box": (ns, 4), "pixel_list_BE": (ns, 2)}
    for k, v in cols.items():
        out["spots/" + k] = np.array(v, dtype=types.get(k, np.int32)).reshape(shapes.get(k, (-1,)))
    out["frame2spotsBE"] = np.array(f2s, dtype=np.int64).reshape(n, 2)
    return out, n_removed_total, len(units), units


def compare(inp, outp, o):
    want, n_removed_total, n_masks, units = reference(inp, o)
    with h5py.File(outp, "r") as f:
        names = []
        f.visititems(lambda k, v: names.append(k) if isinstance(v, h5py.Dataset) else None)
        assert sorted(names) == sorted(want), ("datasets", sorted(names), sorted(want))
        for k, v in want.items():
            got = f[k][()]
            assert got.shape == v.shape, (k, "shape", got.shape, v.shape)
            assert got.dtype == v.dtype, (k, "dtype", got.dtype, v.dtype)
            if v.dtype == np.float64:
                bad = ~np.isclose(got, v, rtol=1e-11, atol=1e-8)
                assert not bad.any(), (k, "differs at", np.argwhere(bad)[:5].tolist(), got[bad][:5], v[bad][:5])
            else:
                bad = got != v
                assert not bad.any(), (k, "differs at", np.argwhere(bad)[:5].tolist(), got[bad][:5], v[bad][:5])
        # what a downstream script relies on: each spot is its label in its mask, at XY and at every pixel
        lab, mk, xy, la = f["masks/labels"][()], f["spots/mask"][()], f["spots/XY"][()], f["spots/label"][()]
        pl, be = f["spots/pixel_list"][()], f["spots/pixel_list_BE"][()]
        assert (lab[mk, xy[:, 0], xy[:, 1]] == la).all(), "labels[mask][X, Y] != label"
        for s in range(len(la)):
            assert (lab[mk[s]].ravel()[pl[be[s, 0]:be[s, 1]]] == la[s]).all(), ("pixel_list of spot", s)
        a = f["info"].attrs
        text = lambda v: v.decode() if isinstance(v, bytes) else str(v)
        assert int(a["n_removed"]) == n_removed_total, ("info n_removed", a["n_removed"], n_removed_total)
        assert int(a["num_masks"]) == n_masks and int(a["num_spots"]) == len(la), "info num_masks/num_spots"
        assert text(a["sync"]) == o.sync and text(a["method"]) == o.method, "info sync/method"
        comp = {f[k].compression for k in names}
    # the data is what the test means: every frame lists the planted spots (kruskal keeps static spots in the
    # statistics, so there only the laser-induced one stands out)
    per_frame = want["frame2spotsBE"][:, 1] - want["frame2spotsBE"][:, 0]
    assert (per_frame >= (1 if o.method == "kruskal" else 3)).all(), ("frames without the planted spots", per_frame)
    print("OK", len(la), "spots in", n_masks, "masks;", len(names), "datasets equal; compression", sorted(map(str, comp)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["make", "compare"])
    p.add_argument("input")
    p.add_argument("output", nargs="?")
    p.add_argument("--method", default="n_removed")
    p.add_argument("--n", type=int, default=25)
    p.add_argument("--alpha", type=float, default=0.05)
    p.add_argument("--cutoff", type=float, default=3.0)
    p.add_argument("--erosions", type=int, default=1)
    p.add_argument("--dilations", type=int, default=2)
    p.add_argument("--structure", default="2,2")
    p.add_argument("--sync", default="none")
    o = p.parse_args()
    if o.what == "make":
        make(o.input)
    else:
        compare(o.input, o.output, o)


if __name__ == "__main__":
    sys.exit(main())
