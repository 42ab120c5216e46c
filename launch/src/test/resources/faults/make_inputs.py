"""Bad inputs for FaultTableIT, written with h5py/numpy the way the users' own tools write the good ones.

python3 make_inputs.py STAGE FOLDER

STAGE is spots, correlate, subtomo or emc. For each it writes a good input and one file per fault of issue 15
point 5: truncated (first 1 KiB, last 10 % cut off), wrong dtype, wrong rank, empty (0 frames / shots /
particles), NaN and Inf values. emc derives its faults from the data 'diffract simulate' wrote into FOLDER.
"""
import os
import sys

import h5py
import numpy as np


def truncate(good, folder):
    """trunc1k_NAME: the first 1 KiB; trunc90_NAME: the last 10 % cut off."""
    with open(good, 'rb') as f:
        data = f.read()
    name = os.path.basename(good)
    with open(os.path.join(folder, 'trunc1k_' + name), 'wb') as f:
        f.write(data[:1024])
    with open(os.path.join(folder, 'trunc90_' + name), 'wb') as f:
        f.write(data[:len(data) * 9 // 10])


def spots(folder):
    # LaueCollect's layout: frames (N, H, W) uint16, lauecollect/angle and frame_number_global, block_size
    rng = np.random.default_rng(7)
    n, h, w = 20, 16, 20
    frames = rng.poisson(100, (n, h, w)).astype(np.uint16)
    for f in range(n):
        frames[f, 4 + f % 8:7 + f % 8, 5:8] += 3000  # one bright 3 x 3 spot per frame

    def write(name, data, angles=None):
        with h5py.File(os.path.join(folder, name), 'w') as f:
            f['frames'] = data
            g = f.create_group('lauecollect')
            k = len(data) if data.ndim == 3 else n
            g['angle'] = np.repeat(np.arange(k // 2 + 1, dtype=np.float64), 2)[:k] if angles is None else angles
            g['frame_number_global'] = np.arange(k, dtype=np.int64)
            g.attrs['block_size'] = 2

    write('good__mccd.h5', frames)
    truncate(os.path.join(folder, 'good__mccd.h5'), folder)
    write('dtype__mccd.h5', frames.astype('S5'))
    write('rank__mccd.h5', frames[0])
    write('empty__mccd.h5', frames[:0], np.zeros(0))
    for bad, value in (('nan', np.nan), ('inf', np.inf)):
        f32 = frames.astype(np.float32)
        f32[13, 12, 4] = value  # row 12: in the second rank's rows
        write(bad + '__mccd.h5', f32)


def correlate(folder):
    # SACLA's run file: /run_N/detector_2d_assembled_1/tag_T/detector_data, plus a detector_info group
    rng = np.random.default_rng(3)
    size = 48
    y, x = np.mgrid[0:size, 0:size]
    ring = 50.0 * np.exp(-((np.hypot(x - 24.0, y - 24.0) - 12.0) ** 2) / 4.0)

    def write(name, shots, dtype=np.float32):
        with h5py.File(os.path.join(folder, name), 'w') as f:
            det = f.create_group('run_7/detector_2d_assembled_1')
            det.create_group('detector_info').create_dataset('pixel_size_in_micro_meter', data=110.0)
            for i, shot in enumerate(shots):
                det.create_dataset('tag_%d/detector_data' % (1000 + 2 * i), data=shot.astype(dtype)
                                   if dtype is not None else shot)

    good = [rng.poisson(ring + 5.0).astype(np.float32) for _ in range(8)]
    write('good.h5', good)
    truncate(os.path.join(folder, 'good.h5'), folder)
    np.save(os.path.join(folder, 'mask.npy'), np.ones((size, size), np.uint8))  # RingData's 1 = good
    truncate(os.path.join(folder, 'mask.npy'), folder)
    write('dtype.h5', [s.astype('S6') for s in good], None)
    write('rank.h5', [s.ravel() for s in good])
    write('empty.h5', [])
    for bad, value in (('nan', np.nan), ('inf', np.inf)):
        shots = [s.copy() for s in good]
        shots[5][10, 11] = value
        write(bad + '.h5', shots)


def subtomo(folder):
    # an HDF5 stack (N, n, n, n) float32, C order data[i][z][y][x]
    rng = np.random.default_rng(11)
    n = 12
    z, y, x = np.mgrid[0:n, 0:n, 0:n] - n // 2
    blob = np.exp(-((x - 2) ** 2 + y ** 2 + (z + 1) ** 2) / 6.0) + np.exp(-(x ** 2 + (y - 3) ** 2 + z ** 2) / 4.0)
    vols = np.stack([np.roll(blob, k, axis=2) + 0.2 * rng.standard_normal((n, n, n)) for k in range(4)])
    vols = vols.astype(np.float32)

    def write(name, data):
        with h5py.File(os.path.join(folder, name), 'w') as f:
            f['volumes'] = data

    write('good.h5', vols)
    truncate(os.path.join(folder, 'good.h5'), folder)
    # the same stack as MRC2014 (mrcfile's layout): nx = ny = n, nz = N n sections, mode 2, little-endian
    header = np.zeros(256, '<i4')
    header[0:4] = [n, n, 4 * n, 2]
    header[7:10] = [n, n, 4 * n]
    header[10:13] = np.array([n, n, 4 * n], '<f4').view('<i4')
    header[13:16] = np.array([90, 90, 90], '<f4').view('<i4')
    header[16:19] = [1, 2, 3]
    header = bytearray(header.tobytes())
    header[208:214] = b'MAP DD'
    with open(os.path.join(folder, 'good.mrc'), 'wb') as f:
        f.write(bytes(header) + vols.astype('<f4').tobytes())
    truncate(os.path.join(folder, 'good.mrc'), folder)
    write('dtype.h5', vols.astype('S8'))
    write('rank.h5', vols.reshape(4, n * n * n))
    write('empty.h5', vols[:0])
    for bad, value in (('nan', np.nan), ('inf', -np.inf)):
        v = vols.copy()
        v[2, 5, 6, 7] = value
        write(bad + '.h5', v)


def emc(folder):
    # from 'diffract simulate': photons.emc (Dragonfly sparse photons), det.h5, patterns.h5, intensity.bin
    truncate(os.path.join(folder, 'det.h5'), folder)
    truncate(os.path.join(folder, 'det.dat'), folder)
    truncate(os.path.join(folder, 'patterns.h5'), folder)
    with open(os.path.join(folder, 'photons.emc'), 'rb') as f:
        photons = f.read()
    with open(os.path.join(folder, 'trunc1k_photons.emc'), 'wb') as f:
        f.write(photons[:1024])
    with open(os.path.join(folder, 'trunc90_photons.emc'), 'wb') as f:
        f.write(photons[:len(photons) * 9 // 10])
    # Dragonfly's header: num_data, num_pix, ftype, zero padding to 1024 bytes; no frames after it
    num_pix = np.frombuffer(photons[4:8], '<i4')[0]
    with open(os.path.join(folder, 'empty.emc'), 'wb') as f:
        f.write(np.array([0, num_pix, 0], '<i4').tobytes() + bytes(1012))
    with h5py.File(os.path.join(folder, 'patterns.h5'), 'r') as f:
        patterns = f['patterns'][()]
    for name, data in (('dtype.h5', patterns.astype(np.float32)), ('rank.h5', patterns[0]),
                       ('empty.h5', patterns[:0])):
        with h5py.File(os.path.join(folder, name), 'w') as f:
            f['patterns'] = data
    model = np.fromfile(os.path.join(folder, 'intensity.bin'), '<f8')
    for bad, value in (('nan', np.nan), ('inf', np.inf)):
        m = model.copy()
        m[len(m) // 2] = value
        m.tofile(os.path.join(folder, bad + '.bin'))
    # a detector whose q vectors hold a NaN, as Dragonfly's make_detector never writes
    with h5py.File(os.path.join(folder, 'det.h5'), 'r') as f, \
            h5py.File(os.path.join(folder, 'nan_det.h5'), 'w') as g:
        for k in f:
            g[k] = f[k][()]
        qx = g['qx'][()]
        del g['qx']
        qx[3] = np.nan
        g['qx'] = qx


if __name__ == '__main__':
    {'spots': spots, 'correlate': correlate, 'subtomo': subtomo, 'emc': emc}[sys.argv[1]](sys.argv[2])
