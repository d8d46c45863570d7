"""What a training run returns."""
import dataclasses

import numpy as np


@dataclasses.dataclass
class History:
    """One run of ``optlib.train``.

    ``loss`` and ``test_accuracy`` have shape (epochs,) for one model, (len(seeds), epochs) for
    several; entries from ``diverged_at`` on are NaN. ``diverged_at`` is the first (0-based)
    epoch whose loss is not finite, else None (a list, one per seed, when seeds were given).
    """

    optimizer: str
    loss: np.ndarray
    test_accuracy: np.ndarray
    seconds: float
    compile_seconds: float
    weights: dict
    diverged_at: object
    device: str
    seeds: object = None

    @property
    def epochs(self):
        return self.loss.shape[-1]

    def epochs_to(self, accuracy=1.0):
        """First epoch (1-based count of epochs trained) at which test accuracy reached
        ``accuracy``; None where it never did (an array for several seeds)."""
        reached = self.test_accuracy >= accuracy
        first = np.where(reached.any(axis=-1), reached.argmax(axis=-1) + 1, -1)
        if first.ndim == 0:
            return None if first < 0 else int(first)
        return [None if f < 0 else int(f) for f in first]

    def epochs_to_stay(self, accuracy=1.0):
        """First epoch (1-based) from which test accuracy stays at or above ``accuracy`` to the end
        of the run; None where the last epoch is below it (a list for several seeds). Unlike
        ``epochs_to``, a run that touches the goal and falls back does not count as there."""
        below = ~(self.test_accuracy >= accuracy)  # NaN (diverged) counts as below
        ever_below = below.any(axis=-1)
        last_below = below.shape[-1] - 1 - below[..., ::-1].argmax(axis=-1)
        first = np.where(ever_below, last_below + 2, 1)
        first = np.where(below[..., -1], -1, first)
        if first.ndim == 0:
            return None if first < 0 else int(first)
        return [None if f < 0 else int(f) for f in first]

    @property
    def final_loss(self):
        return self.loss[..., -1]

    @property
    def final_test_accuracy(self):
        return self.test_accuracy[..., -1]
