"""Difference angular correlation with numpy's FFT, the reference for `diffract correlate bench` and for
the tests (an independent implementation of the same estimator as AngularCorrelator).

  python3 diffcorr_numpy.py bench NQ NPHI PAIRS   -> prints "numpy_pairs_per_s <value>"
  python3 diffcorr_numpy.py check correlations.h5 polar.h5
      -> the mean correlation of correlations.h5's tag_pairs from polar.h5's images, one value per line
"""
import sys
import time

import numpy as np


def pair_corr(a, b, mask, mask_corr):
    d = (a - b) * mask
    f = np.fft.rfft(d, axis=1)
    ac = np.fft.irfft(f * np.conj(f), n=d.shape[1], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mask_corr > 0.5, ac / mask_corr, np.nan)


def mask_autocorr(mask):
    f = np.fft.rfft(mask, axis=1)
    return np.fft.irfft(f * np.conj(f), n=mask.shape[1], axis=1)


def bench(nq, nphi, pairs):
    rng = np.random.default_rng(1)
    pool = 64
    shots = 1 + 0.1 * rng.standard_normal((pool, nq, nphi))
    mask = np.ones((nq, nphi))
    mask[:, nphi // 10: nphi // 10 + nphi // 20] = 0
    total = np.zeros((nq, nphi))
    total_sq = np.zeros((nq, nphi))
    count = np.zeros((nq, nphi))
    best = 0.0
    for rep in range(4):  # the first pass warms up; the best of the others is reported
        t0 = time.perf_counter()
        mc = mask_autocorr(mask)
        for i in range(pairs):
            c = pair_corr(shots[i % pool], shots[(i + 1) % pool], mask, mc)
            ok = ~np.isnan(c)
            total[ok] += c[ok]
            total_sq[ok] += c[ok] ** 2
            count += ok
        dt = time.perf_counter() - t0
        if rep > 0:
            best = max(best, pairs / dt)
    print("numpy_pairs_per_s %.3f" % best)


def check(path, polar_path):
    import h5py
    with h5py.File(path, "r") as f:
        pairs = f["tag_pairs"][()]
    with h5py.File(polar_path, "r") as f:
        norm = f["normalized_polar_data"][()]
        mask = f["polar_mask"][()].astype(float)
        tags = list(f["tag_map"][()])
    mc = mask_autocorr(mask)
    s = np.zeros(mask.shape)
    n = np.zeros(mask.shape)
    for t1, t2 in pairs:
        c = pair_corr(norm[tags.index(t1)], norm[tags.index(t2)], mask, mc)
        ok = ~np.isnan(c)
        s[ok] += c[ok]
        n += ok
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, s / n, np.nan)
    for v in mean.ravel():
        print(repr(float(v)))


if __name__ == "__main__":
    if sys.argv[1] == "bench":
        bench(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        check(sys.argv[2], sys.argv[3])
