"""Test helper for CorrelateIT, written from RingData's description and independent of diffract's code.

  ringdata.py make RUN.h5 PAIRS.json N_SHOTS N_DARK [NAN_SHOT]
      a SACLA run file written by h5py (/run_777/detector_2d_assembled_1/{detector_info, tag_T/detector_data}),
      72 x 64 float32 images of a ring at (35.3, 30.6), r = 20 px, modulated as 1 + 0.3 cos(6 phi + theta);
      the first N_DARK shots are dark (noise only). Every shot has a hot pixel of 1e7 at row 60, column 3,
      which RUN_mask.npy (uint8, 1 = good) masks. PAIRS.json is what RingData's SACLA example dumps:
      json.dump(zip(tags[K:-1], tags[K+1:])) with K = N_DARK. With NAN_SHOT, that shot has a NaN pixel.
  ringdata.py check-ringdata RUN.h5 PAIRS.json OUT_DIR
      prints "pairs <same|different> tagmap <same|different> tag_pairs <same|different> <num_pairs>"
  ringdata.py check-polar RUN.h5 OUT_DIR
      every shot's rows of polar.h5 against scipy.ndimage.map_coordinates (order 1) of the shot at the rings
      and angles polar.h5 names, and the ring normalisation: prints "shots <N> tags <same|different> values <ok|bad>"
  ringdata.py check-perpair OUT_DIR
      RingData's DiffCorr.autocorr (irfft |rfft(d)|^2) of each pair's masked difference of polar.h5's
      normalised images, against pair_correlations.h5: prints "rows <P> pairs <same|different> values <ok|bad>
      mean <ok|bad>"
"""
import json
import sys

import h5py
import numpy as np

RUN = "run_777/detector_2d_assembled_1"


def tags_of(run_file):
    with h5py.File(run_file, "r") as f:
        return [k for k in f[RUN].keys() if k.startswith("tag_")]


def make(run_file, pairs_file, n, dark, nan_shot=-1):
    rng = np.random.default_rng(5)
    y, x = np.mgrid[0:64, 0:72]
    r = np.hypot(x - 35.3, y - 30.6)
    phi = np.arctan2(y - 30.6, x - 35.3)
    ring = 5 + 100 * np.exp(-(r - 20.0) ** 2 / (2 * 3.0 ** 2))
    tags = ["tag_%d" % (166762140 + 2 * i) for i in range(n)]
    with h5py.File(run_file, "w") as f:
        f.create_dataset(RUN + "/detector_info/pixel_size_in_micro_meter", data=110.0)
        for i, t in enumerate(tags):
            if i < dark:
                img = 2 + 0.1 * rng.standard_normal((64, 72))
            else:
                img = ring * (1 + 0.3 * np.cos(6 * phi + rng.uniform(0, 2 * np.pi)))
            img[60, 3] = 1e7
            if i == nan_shot:
                img[30, 30] = np.nan
            f.create_dataset(RUN + "/" + t + "/detector_data", data=img.astype(np.float32))
    with open(pairs_file, "w") as fp:
        json.dump(list(zip(tags[dark:-1], tags[dark + 1:])), fp)
    mask = np.ones((64, 72), np.uint8)
    mask[60, 3] = 0
    np.save(run_file[:-3] + "_mask.npy", mask)


def check_ringdata(run_file, pairs_file, out):
    tags = tags_of(run_file)
    with open(pairs_file) as fp:
        expected_pairs = json.load(fp)
    with open(out + "/pairs.json") as fp:
        pairs = json.load(fp)
    with open(out + "/polar.json") as fp:
        tag_map = json.load(fp)
    with h5py.File(out + "/correlations.h5", "r") as f:
        tag_pairs = f["tag_pairs"][()].tolist()
        num = int(f["correlations/num_pairs"][()])
    as_ints = [[int(a[4:]), int(b[4:])] for a, b in expected_pairs]
    # as RingData's correlate_polar_images and CorTagPairs read the polar file
    with h5py.File(out + "/polar.h5", "r") as f:
        q_map = {i: val for i, val in f["q_mapping"][()]}
        assert len(q_map) == f["q_mapping"].shape[0] == f["polar_mask"].shape[0] == len(f["q_ring"])
        assert np.allclose([q_map[i] for i in range(len(q_map))], f["q_ring"][()])
        assert int(f["num_phi"][()]) == f["polar_data"].shape[2]
    print("pairs", "same" if pairs == expected_pairs else "different",
          "tagmap", "same" if tag_map == {t: i for i, t in enumerate(tags)} else "different",
          "tag_pairs", "same" if tag_pairs == as_ints else "different", num)


def check_polar(run_file, out):
    """Every shot's polar image against scipy's bilinear interpolation at the rings and angles polar.h5 names."""
    from scipy import ndimage
    with h5py.File(out + "/polar.h5", "r") as f:
        polar = f["polar_data"][()]
        norm = f["normalized_polar_data"][()]
        mask = f["polar_mask"][()] == 1
        radii = f["ring_radius_pix"][()]
        xc, yc = f["x_center"][()], f["y_center"][()]
        nphi = int(f["num_phi"][()])
        tag_map = [int(t) for t in f["tag_map"][()]]
    phi = 2 * np.pi * np.arange(nphi) / nphi
    x = xc + radii[:, None] * np.cos(phi)[None, :]
    y = yc + radii[:, None] * np.sin(phi)[None, :]
    worst = 0.0
    with h5py.File(run_file, "r") as f:
        tags = tags_of(run_file)
        for i, t in enumerate(tags):
            img = f[RUN + "/" + t + "/detector_data"][()].astype(np.float64)
            expected = ndimage.map_coordinates(img, [y, x], order=1)
            ring_means = np.array([expected[k][mask[k]].mean() for k in range(len(radii))])
            expected_norm = expected / ring_means[:, None]
            worst = max(worst, np.max(np.abs(polar[i][mask] - expected[mask]) / (1 + np.abs(expected[mask]))),
                        np.max(np.abs(norm[i][mask] - expected_norm[mask])), np.max(np.abs(norm[i][~mask]), initial=0.0))
    print("shots", len(polar), "tags", "same" if tag_map == [int(t[4:]) for t in tags] else "different",
          "values", "ok" if worst < 1e-9 else "bad %g" % worst)


def check_perpair(out):
    with h5py.File(out + "/pair_correlations.h5", "r") as f:
        dif_cors = f["dif_cors"][()]
        tag_pairs = f["tag_pairs"][()]
        mask_corr = f["mask_corr"][()]
    with h5py.File(out + "/polar.h5", "r") as f:
        norm = f["normalized_polar_data"][()]
        mask = f["polar_mask"][()].astype(float)
        tag_map = list(f["tag_map"][()])
    with h5py.File(out + "/correlations.h5", "r") as f:
        mean = f["correlations/mean"][()]
        same_pairs = np.array_equal(f["tag_pairs"][()], tag_pairs)
    diffs = np.array([(norm[tag_map.index(a)] - norm[tag_map.index(b)]) * mask for a, b in tag_pairs])
    fx = np.fft.rfft(diffs, axis=-1)
    ringdata = np.fft.irfft(fx * np.conj(fx), n=diffs.shape[-1], axis=-1)
    fm = np.fft.rfft(mask, axis=-1)
    counts = np.rint(np.fft.irfft(fm * np.conj(fm), n=mask.shape[-1], axis=-1))
    defined = np.broadcast_to(counts > 0.5, dif_cors.shape)
    expected = np.where(defined, ringdata / np.where(counts > 0.5, counts, 1), np.nan)
    scale = 1 + np.abs(np.nan_to_num(expected))
    values_ok = (np.array_equal(np.isnan(dif_cors), ~defined) and np.array_equal(counts, mask_corr)
                 and np.nanmax(np.abs(dif_cors - expected) / scale) < 1e-9
                 and np.nanmax(np.abs(np.where(defined, dif_cors * mask_corr, ringdata) - ringdata)
                               / (1 + np.abs(ringdata))) < 1e-9)
    with np.errstate(invalid="ignore"):
        pair_mean = np.where(counts > 0.5, np.nanmean(np.where(defined, dif_cors, 0), axis=0), np.nan)
    mean_ok = np.array_equal(np.isnan(pair_mean), np.isnan(mean)) and np.nanmax(np.abs(pair_mean - mean)) < 1e-9
    print("rows", len(dif_cors), "pairs", "same" if same_pairs else "different", "values",
          "ok" if values_ok else "bad", "mean", "ok" if mean_ok else "bad")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]) if len(sys.argv) > 6 else -1)
    elif sys.argv[1] == "check-ringdata":
        check_ringdata(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "check-polar":
        check_polar(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "check-perpair":
        check_perpair(sys.argv[2])
