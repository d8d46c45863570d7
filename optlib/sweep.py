"""A learning-rate sweep: every optimizer at every rate of a grid, several seeds each, and what to
read off it (the best rate, the window of good rates). Each optimizer's program is compiled once:
``optlib.train`` takes the rate as an input."""
import dataclasses

import numpy as np

from optlib import training, validate


@dataclasses.dataclass
class Sweep:
    """``runs[name][i]`` is the History of ``seeds`` models of optimizer ``name`` at ``rates[i]``."""

    rates: np.ndarray
    runs: dict

    def mean_final_loss(self, name):
        """Mean final training loss over the seeds at each rate; inf where any seed diverged, so
        that a rate some seed cannot survive is never the best."""
        final = np.array([h.final_loss for h in self.runs[name]]).reshape(len(self.rates), -1)
        finite = np.isfinite(final).all(axis=1)
        return np.where(finite, final.mean(axis=1), np.inf)

    def best_index(self, name):
        """Index of the rate with the lowest mean final training loss."""
        return int(np.argmin(self.mean_final_loss(name)))

    def best_rate(self, name):
        return float(self.rates[self.best_index(name)])

    def best(self, name):
        """The History at the best rate."""
        return self.runs[name][self.best_index(name)]

    def window(self, name, factor=2.0):
        """(lowest, highest) rate of the grid whose mean final loss is within ``factor`` of the best."""
        loss = self.mean_final_loss(name)
        good = self.rates[loss <= factor * loss.min()]
        return float(good.min()), float(good.max())


def run(optimizers, rates, seeds, epochs, task=None, batch_size=32):
    """Train ``optimizers[name](learning_rate=lr)`` for every name and rate on ``seeds``; a Sweep."""
    rates = np.asarray(rates, dtype=float)
    if rates.ndim != 1 or not len(rates) or not (rates > 0).all():
        raise ValueError(f"`rates` must be a non-empty list of positive learning rates, got {rates!r}.")
    validate.positive_int("epochs", epochs)
    runs = {
        name: [training.train(make(learning_rate=float(lr)), epochs=epochs, batch_size=batch_size,
                              seeds=seeds, task=task) for lr in rates]
        for name, make in optimizers.items()
    }
    return Sweep(rates, runs)
