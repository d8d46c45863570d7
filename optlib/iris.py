"""The notes' iris split, from the copy of scikit-learn's data shipped in ``optlib/data/iris.csv``."""
import collections
import pathlib

import numpy as np

CSV = pathlib.Path(__file__).parent / "data" / "iris.csv"
FEATURES = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
CLASSES = ("setosa", "versicolor", "virginica")

Split = collections.namedtuple("Split", ["x_train", "y_train", "x_test", "y_test"])


def raw():
    """scikit-learn's 150 iris rows in their usual order: (x float64 (150, 4), y int64 (150,))."""
    table = np.loadtxt(CSV, delimiter=",", skiprows=1)
    return table[:, :4], table[:, 4].astype(np.int64)


def load(seed=116, n_test=30):
    """The notes' split: shuffle features, then labels, each after ``np.random.seed(seed)``
    (so rows stay paired); the last ``n_test`` rows are the test set. Features are float32.

    Uses a private ``RandomState`` seeded like the notes' global one: same permutation,
    without touching NumPy's global random state.
    """
    x, y = raw()
    np.random.RandomState(seed).shuffle(x)
    np.random.RandomState(seed).shuffle(y)
    x = x.astype(np.float32)
    return Split(x[:-n_test], y[:-n_test], x[-n_test:], y[-n_test:])
