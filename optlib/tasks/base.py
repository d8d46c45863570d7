"""What every task shares: checking the data and the starting weights it is given."""
import numpy as np


class Task:
    """A task for ``optlib.train``: data, a network and a loss.

    A task sets ``name``, ``data`` (a ``Split`` with x_train, y_train, x_test, y_test), ``features``
    (columns of x), ``classes``, ``default_seed`` (the model trained when no seeds are given) and
    ``shapes``, {weight name: shape for one model} in the network's order, and implements

    * ``initial_weights(seeds)``: {name: float32 array (S, *shape)}, one model per seed;
    * ``outputs(x, weights)``: (B, classes, S) for x (B, features) and ``weights`` a list of
      tensors (*shape, S); the predicted class is the argmax over axis 1;
    * ``loss(onehot, outputs)``: (S,), each model's mean loss over the batch;
    * ``keras_model(seed)``: the same network as a ``keras.Model`` with the same initial weights,
      whose output is the class probabilities.

    The model axis S is last and no model's output depends on another's weights, so the gradient
    of the sum of the S losses gives every model exactly its own gradient: ``train`` runs S
    independent trainings in one program. ``signature`` tells compiled programs apart.
    """

    name = "task"
    default_seed = 0

    @property
    def signature(self):
        return (type(self).__name__, tuple(self.shapes.items()))

    def __repr__(self):
        shapes = ", ".join(f"{n} {s}" for n, s in self.shapes.items())
        return f"<optlib task {self.name}: {shapes}>"

    def check_data(self, data):
        """``data`` if it fits this network (x (n, features), labels 0..classes-1), else ValueError."""
        names = ("x_train", "y_train", "x_test", "y_test")
        try:
            parts = [np.asarray(getattr(data, name)) for name in names]
        except AttributeError as missing:
            raise ValueError(f"`data` needs fields x_train, y_train, x_test, y_test (like "
                             f"optlib.iris.load()): {missing}") from None
        x_train, y_train, x_test, y_test = parts
        for part, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
            if x.ndim != 2 or x.shape[1] != self.features or y.shape != (x.shape[0],) or not len(x):
                raise ValueError(f"`data`: x_{part} must have shape (n, {self.features}) and y_{part} "
                                 f"shape (n,), n > 0, for the {self.name} network; got {x.shape} and {y.shape}.")
            if not np.isin(y, range(self.classes)).all():
                labels = ", ".join(map(str, range(self.classes - 1))) + f" or {self.classes - 1}"
                raise ValueError(f"`data`: y_{part} must hold class labels {labels}.")
            if not np.issubdtype(x.dtype, np.number) or not np.isfinite(x.astype(np.float64)).all():
                raise ValueError(f"`data`: x_{part} must hold finite numbers; it contains NaN, inf or "
                                 "non-numbers (drop or impute those rows first).")
        return data

    def check_initial_weights(self, start):
        """``start`` (a tuple in the order of ``shapes``, or a dict like History.weights) as
        ({name: float32 array (S, *shape)}, one_model), else ValueError."""
        names = list(self.shapes)
        listed = ", ".join(names)
        keys = " and ".join(f"'{n}'" for n in names)
        one = " and ".join(str(s) for s in self.shapes.values())
        many = " and ".join(str(("S",) + s) for s in self.shapes.values()).replace("'", "")
        expected = (f"`initial_weights` must be ({listed}), or a dict with keys {keys} like "
                    f"History.weights, with shapes {one} for one model or {many} for S models")
        try:
            arrays = [start[n] for n in names] if isinstance(start, dict) else list(start)
            arrays = [np.array(a, np.float32) for a in arrays]
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{expected}; got {start!r:.200}.") from None
        shapes = [a.shape for a in arrays]
        got = f"{expected}; got shapes {' and '.join(str(s) for s in shapes)}."
        if len(arrays) != len(names):
            raise ValueError(got)
        one_model = shapes == list(self.shapes.values())
        n = shapes[0][0] if shapes[0] else 0
        stacked = n > 0 and shapes == [(n,) + s for s in self.shapes.values()]
        if not (one_model or stacked):
            raise ValueError(got)
        if not all(np.isfinite(a).all() for a in arrays):
            raise ValueError("`initial_weights` must be finite (a diverged run's weights are NaN or inf).")
        return {k: a[None] if one_model else a for k, a in zip(names, arrays)}, one_model
