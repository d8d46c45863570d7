"""The handwritten digits, from the copy of scikit-learn's data shipped in ``optlib/data/digits.csv``
(see ``optlib/data/README.md`` for its source and licence)."""
import pathlib

import numpy as np

from optlib.iris import Split

CSV = pathlib.Path(__file__).parent / "data" / "digits.csv"
SPLIT_SEED = 0
N_TEST = 360  # 1,437 training rows (80 %), 360 test rows


def raw():
    """scikit-learn's 1,797 digits in their order: (x float64 (1797, 64) with pixel counts 0-16,
    y int64 (1797,) with the digit 0-9). Row r of an image is x[:, 8r:8r + 8]."""
    table = np.loadtxt(CSV, delimiter=",", skiprows=1)
    return table[:, :64], table[:, 64].astype(np.int64)


def load(seed=SPLIT_SEED, n_test=N_TEST):
    """The book's split: rows in the order ``np.random.RandomState(seed).permutation(1797)``, the
    last ``n_test`` of them the test set. Pixels are scaled to [0, 1] (count / 16), float32."""
    x, y = raw()
    order = np.random.RandomState(seed).permutation(len(x))
    x = (x[order] / 16.0).astype(np.float32)
    y = y[order]
    return Split(x[:-n_test], y[:-n_test], x[-n_test:], y[-n_test:])
