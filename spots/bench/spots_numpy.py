#!/usr/bin/env python3
"""The lu_hdf2spots pipeline in numpy/scipy, for `diffract spots bench --numpy` only (never used at run
time). Same work as the Java SpotFinder with default options: per-pixel sort, drop the 25 % largest,
avg/std/iqr of the rest, max/argmax; per frame the raw mask I >= avg + 3 std, 1 erosion and 2
dilations with generate_binary_structure(2, 2), labels, and per spot I, I_bg, most intense pixel, box
and pixel list. Data: N(100, 5^2) counts with Gaussian spots, made in memory (not timed).
Usage: spots_numpy.py FRAMES SIZE; the last line is 'fps FRAMES_PER_S CPU_SECONDS'."""
import sys
import time

import numpy as np
from scipy import ndimage

n, size = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
frames = np.rint(rng.normal(100, 5, size=(n, size, size))).astype(np.float32)
per_angle = n // 10
yy, xx = np.mgrid[-3:4, -3:4]
blob = np.rint(300 * np.exp(-(yy ** 2 + xx ** 2) / 2)).astype(np.float32)
for a in range(10):
    for _ in range(min(20, size // 24)):
        y, x = rng.integers(4, size - 4, size=2)
        frames[a * per_angle:(a + 1) * per_angle, y - 3:y + 4, x - 3:x + 4] += blob

t0 = time.perf_counter()
c0 = time.process_time()
k = n * 25 // 100
s = np.sort(frames, axis=0)[: n - k]
avg = s.mean(axis=0, dtype=np.float64)
std = s.std(axis=0, dtype=np.float64)
q75, q25 = np.percentile(s, [75, 25], axis=0)
iqr = q75 - q25
mx = frames.max(axis=0)
arg = frames.argmax(axis=0)
del s
t1 = time.perf_counter()
thr = avg + 3.0 * std
st = ndimage.generate_binary_structure(2, 2)
spots = 0
for f in range(n):
    img = frames[f]
    raw = img >= thr
    filt = ndimage.binary_dilation(ndimage.binary_erosion(raw, st, iterations=1), st, iterations=2)
    lab, nl = ndimage.label(filt, st)
    if nl:
        idx = np.arange(1, nl + 1)
        inten = ndimage.sum(img, lab, idx)
        inten_bg = ndimage.sum(img - avg, lab, idx)
        pos = ndimage.maximum_position(img, lab, idx)
        boxes = ndimage.find_objects(lab)
        flat = lab.ravel()
        order = np.argsort(flat, kind="stable")
        counts = np.bincount(flat, minlength=nl + 1)
        pixel_list = order[counts[0]:]
        spots += nl
t2 = time.perf_counter()
print(f"numpy: {n} frames of {size} x {size}: statistics {t1 - t0:.2f} s, masks+labels+spots {t2 - t1:.2f} s, "
      f"total {t2 - t0:.2f} s, {spots} spots")
print(f"fps {n / (t2 - t0):.3f} {time.process_time() - c0:.2f}")
