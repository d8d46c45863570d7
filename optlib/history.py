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

    @property
    def final_loss(self):
        return self.loss[..., -1]

    @property
    def final_test_accuracy(self):
        return self.test_accuracy[..., -1]
