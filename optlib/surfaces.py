"""Two-variable test surfaces and the paths optimizers take on them.

Each ``Surface`` has a function ``f(x, y)`` written with arithmetic operators and ``**`` only, so
the same code evaluates NumPy arrays (for contour plots) and TensorFlow tensors (for gradients).
``path(optimizer, surface)`` runs an optlib optimizer's update rule on the point (x, y):

    w_0 = start;  w_t = w_{t-1} - lr_t * direction_t,  t = 1, 2, ..., steps

with the gradient of f from ``tf.GradientTape``, all steps in one XLA-compiled ``tf.function``
(float32, like the library). A diverging path is returned as it is: its points become huge,
then inf or NaN.
"""
import dataclasses
import math
import numbers

import numpy as np
import tensorflow as tf

from optlib import compiled, rules, validate


@dataclasses.dataclass(frozen=True)
class Surface:
    """A function of two variables with a known global minimum.

    ``f(x, y)`` works on NumPy arrays and on TensorFlow tensors; ``minimum`` is an (x, y) of a
    global minimum and ``minimum_value`` is f there; ``start`` the default starting point;
    ``xlim`` / ``ylim`` the plotting window; ``label`` a LaTeX string for titles.
    """

    name: str
    label: str
    f: object
    minimum: tuple
    minimum_value: float
    start: tuple
    xlim: tuple
    ylim: tuple

    def __post_init__(self):
        for field in ("minimum", "start", "xlim", "ylim"):
            object.__setattr__(self, field, _pair(field, getattr(self, field)))
        object.__setattr__(self, "minimum_value", float(self.minimum_value))
        if not callable(self.f):
            raise TypeError(f"Surface `f` must be a function f(x, y), got {self.f!r}.")

    def __call__(self, x, y):
        return self.f(x, y)


def _pair(name, value):
    """(a, b) as a tuple of two finite floats, else ValueError saying what to pass."""
    try:
        items = list(np.asarray(value, dtype=object).reshape(-1)) if not isinstance(value, str) else None
    except Exception:  # noqa: BLE001 - anything that is not array-like
        items = None
    ok = items is not None and len(items) == 2 and all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) for v in items
    )
    if not ok:
        raise ValueError(f"`{name}` must be a pair of finite numbers (x, y), got {value!r}.")
    return (float(items[0]), float(items[1]))


def _quadratic(x, y):
    return 0.1 * x ** 2 + 2.0 * y ** 2


def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


def _beale(x, y):
    # y**3 written as y * y * y: a float power of a negative base is best avoided on any backend.
    return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2
            + (2.625 - x + x * y * y * y) ** 2)


def _saddle(x, y):
    return x ** 2 + y ** 4 / 4.0 - y ** 2 / 2.0


QUADRATIC = Surface(
    name="quadratic",
    label=r"$f(x, y) = 0.1\,x^2 + 2\,y^2$",
    f=_quadratic,
    minimum=(0.0, 0.0),
    minimum_value=0.0,
    start=(-5.0, -2.0),
    xlim=(-6.0, 6.0),
    ylim=(-3.0, 3.0),
)
"""Ill-conditioned bowl (d2l's example): curvature 0.2 along x, 4 along y, so a step size that
makes progress along x makes y oscillate across the narrow valley."""

ROSENBROCK = Surface(
    name="rosenbrock",
    label=r"Rosenbrock: $f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$",
    f=_rosenbrock,
    minimum=(1.0, 1.0),
    minimum_value=0.0,
    start=(-1.5, 2.0),
    xlim=(-2.0, 2.0),
    ylim=(-1.0, 3.0),
)
"""A long curved banana-shaped valley: easy to reach, slow to follow to the minimum at (1, 1)."""

BEALE = Surface(
    name="beale",
    label=r"Beale: $f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2$",
    f=_beale,
    minimum=(3.0, 0.5),
    minimum_value=0.0,
    start=(1.0, 1.5),
    xlim=(-1.0, 4.5),
    ylim=(-1.5, 2.5),
)
"""Flat plateaus and steep walls: gradients range over orders of magnitude."""

SADDLE = Surface(
    name="saddle",
    label=r"$f(x, y) = x^2 + y^4/4 - y^2/2$",
    f=_saddle,
    minimum=(0.0, 1.0),
    minimum_value=-0.25,
    start=(-1.5, 1e-3),
    xlim=(-2.0, 2.0),
    ylim=(-2.0, 2.0),
)
"""A saddle point at (0, 0) between two minima (0, 1) and (0, -1) (value -1/4). Starting at
y = 1e-3, plain gradient descent reaches the saddle along x and leaves it only slowly along y."""

SURFACES = {s.name: s for s in (QUADRATIC, ROSENBROCK, BEALE, SADDLE)}

def _compiled_path(rule, schedule, surface, steps):
    """One XLA program: ``run(start (2,), lr) -> points (steps + 1, 2)``, float32."""
    f = surface.f

    @tf.function(jit_compile=True)
    def run(start, lr):
        state = tuple(tf.zeros_like(start) for _ in rule.slots)
        points = tf.TensorArray(tf.float32, size=steps + 1, element_shape=[2])
        points = points.write(0, start)

        def body(i, w, state, points):
            t = tf.cast(i, tf.float32) + 1.0
            with tf.GradientTape() as tape:
                tape.watch(w)
                value = f(w[0], w[1])
            g = tape.gradient(value, w)
            step_lr = compiled.learning_rate_at(schedule, lr, t - 1.0)
            state, direction = rules.step(rule, state, g, t, w)
            w = w - step_lr * direction
            return i + 1, w, state, points.write(i + 1, w)

        _, _, _, points = tf.while_loop(
            lambda i, *_: i < steps, body, (tf.constant(0), start, state, points)
        )
        return points.stack()

    return run


def path(optimizer, surface, start=None, steps=100):
    """The points an optimizer visits on ``surface``: an array of shape (steps + 1, 2).

    Row 0 is ``start`` (default ``surface.start``), row t the point after step t. The optimizer
    supplies its update rule and learning rate (a float or a Keras schedule, read at step t - 1
    as Keras does); its own Keras variables are not touched. The compiled program is cached per
    (rule, schedule, surface, steps) and takes the start and the learning rate as inputs, so
    sweeping either does not recompile. Diverging runs are returned with their inf/NaN points.
    """
    compiled.require_optimizer(optimizer, "path")
    if not isinstance(surface, Surface):
        raise TypeError(
            "path() needs an optlib.surfaces.Surface (e.g. optlib.surfaces.QUADRATIC, or "
            f"optlib.surfaces.SURFACES[{sorted(SURFACES)[0]!r}]), got {type(surface).__name__}."
        )
    steps = validate.positive_int("steps", steps)
    start = surface.start if start is None else _pair("start", start)
    run, lr = compiled.program(optimizer, (surface, steps),
                               lambda rule, schedule: _compiled_path(rule, schedule, surface, steps))
    points = run(tf.constant(start, tf.float32), lr)
    return points.numpy().astype(np.float64)


def values(surface, points):
    """f along a path: ``points`` of shape (..., 2) -> f of shape (...), NumPy float64.
    Overflow in diverged points gives inf/NaN without warnings."""
    if not isinstance(surface, Surface):
        raise TypeError(f"values() needs an optlib.surfaces.Surface, got {type(surface).__name__}.")
    points = np.asarray(points, dtype=np.float64)
    if points.shape[-1:] != (2,):
        raise ValueError(f"`points` must have shape (..., 2), got {points.shape}.")
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(surface.f(points[..., 0], points[..., 1]), dtype=np.float64)


__all__ = ["Surface", "QUADRATIC", "ROSENBROCK", "BEALE", "SADDLE", "SURFACES", "path", "values"]
