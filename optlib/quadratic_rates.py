"""How fast SGDM and NAG converge on a quadratic: the spectral radius of one step.

On f(w) = 1/2 w^T H w every eigenvector of H is a separate one-dimensional problem with
gradient g = lambda * w. With h = lr * lambda and the state (w, u), u = lr * m, one step of
optlib's EMA forms (m_0 = 0) is linear:

    SGDM:  m' = beta m + (1 - beta) g,  w' = w - lr m'
           u' = beta u + (1 - beta) h w,   w' = (1 - (1 - beta) h) w - beta u
    NAG:   m' = beta m + (1 - beta) g,  w' = w - lr (beta m' + (1 - beta) g)
           u' = beta u + (1 - beta) h w,   w' = (1 - (1 - beta^2) h) w - beta^2 u

so (w', u') = A (w, u) with A = [[a, -c], [(1 - beta) h, beta]], a = 1 - (1 - beta) h,
c = beta (SGDM) or a = 1 - (1 - beta^2) h, c = beta^2 (NAG). The eigenvalues z of A solve
z^2 - T z + D = 0 with T = trace A = a + beta and D = det A = beta a + c (1 - beta) h:

    SGDM:  T = 1 + beta - (1 - beta) h,          D = beta
    NAG:   T = 1 + beta - (1 - beta^2) h,        D = beta (1 - (1 - beta) h)

The error along that direction shrinks per step, in the long run, by the spectral radius
rho = max |z| (sqrt(D) for complex roots); on the whole quadratic by the largest rho over the
eigenvalues of H. rho >= 1 means divergence. ``rate_map`` tabulates it over lr x beta.
"""

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from optlib import surfaces

METHODS = ("SGDM", "NAG")


def _method(method):
    if method not in METHODS:
        raise ValueError(f"`method` must be one of {METHODS}, got {method!r}.")
    return method


def iteration_matrix(method, h, beta):
    """A, with (w_t, lr m_t) = A (w_{t-1}, lr m_{t-1}) along a direction with h = lr lambda;
    shape (..., 2, 2) for broadcast arrays h and beta."""
    _method(method)
    h, beta = np.broadcast_arrays(
        np.asarray(h, float), np.asarray(beta, float)
    )
    if method == "SGDM":
        a, c = 1.0 - (1.0 - beta) * h, beta
    else:
        a, c = 1.0 - (1.0 - beta**2) * h, beta**2
    return np.stack(
        [np.stack([a, -c], -1), np.stack([(1.0 - beta) * h, beta], -1)], -2
    )


def spectral_radius(method, h, beta):
    """rho = max |z| over the roots of z^2 - T z + D = 0 (the module's T and D):
    (|T| + sqrt(T^2 - 4D)) / 2 for real roots, sqrt(D) for complex ones."""
    _method(method)
    h, beta = np.broadcast_arrays(
        np.asarray(h, float), np.asarray(beta, float)
    )
    if method == "SGDM":
        trace, det = 1.0 + beta - (1.0 - beta) * h, beta
    else:
        trace, det = (
            1.0 + beta - (1.0 - beta**2) * h,
            beta * (1.0 - (1.0 - beta) * h),
        )
    disc = trace**2 - 4.0 * det
    real = (np.abs(trace) + np.sqrt(np.maximum(disc, 0.0))) / 2.0
    return np.where(disc >= 0, real, np.sqrt(np.abs(det)))


def stability_limit(method, beta):
    """The largest stable h = lr lambda (rho < 1 for 0 < h < limit):
    SGDM 2 (1 + beta) / (1 - beta);  NAG 2 (1 + beta) / ((1 - beta) (1 + 2 beta))."""
    beta = np.asarray(beta, float)
    if _method(method) == "SGDM":
        return 2.0 * (1.0 + beta) / (1.0 - beta)
    return 2.0 * (1.0 + beta) / ((1.0 - beta) * (1.0 + 2.0 * beta))


def hessian_eigenvalues(surface=surfaces.QUADRATIC):
    """Eigenvalues of the Hessian of ``surface.f`` (ascending), from TensorFlow's autodiff in
    float64. ValueError unless the Hessian is the same at the minimum and at the start
    (a quadratic surface: QUADRATIC's eigenvalues are 0.2 and 4)."""

    def hessian(point):
        w = tf.constant(point, tf.float64)
        with tf.GradientTape() as outer:
            outer.watch(w)
            with tf.GradientTape() as inner:
                inner.watch(w)
                value = surface.f(w[0], w[1])
            g = inner.gradient(value, w)
        return outer.jacobian(g, w).numpy()

    at_minimum = hessian(surface.minimum)
    if not np.allclose(
        at_minimum, hessian(surface.start), rtol=1e-9, atol=1e-12
    ):
        raise ValueError(
            f"{surface.name} is not a quadratic: its Hessian varies."
        )
    return np.linalg.eigvalsh(at_minimum)


@dataclasses.dataclass(frozen=True)
class RateMap:
    """``radius[i, j]``: the spectral radius at ``betas[i]``, ``learning_rates[j]`` (the
    largest over ``eigenvalues``); >= 1 where the method diverges."""

    method: str
    learning_rates: np.ndarray
    betas: np.ndarray
    radius: np.ndarray
    eigenvalues: np.ndarray

    @property
    def diverges(self):
        return self.radius >= 1.0

    @property
    def best(self):
        """(lr, beta, radius) of the grid cell with the smallest radius."""
        i, j = np.unravel_index(np.argmin(self.radius), self.radius.shape)
        return (
            float(self.learning_rates[j]),
            float(self.betas[i]),
            float(self.radius[i, j]),
        )


def rate_map(
    method, learning_rates=None, betas=None, surface=surfaces.QUADRATIC
):
    """rho(lr, beta) = max over the Hessian's eigenvalues lambda of
    ``spectral_radius(method, lr * lambda, beta)``, on a grid (default: 161 rates
    log-spaced over 0.01..30, 100 betas over 0..0.99)."""
    _method(method)
    lrs = (
        np.geomspace(0.01, 30.0, 161)
        if learning_rates is None
        else learning_rates
    )
    betas = np.linspace(0.0, 0.99, 100) if betas is None else betas
    lrs = np.asarray(lrs, float)
    betas = np.asarray(betas, float)
    eigenvalues = hessian_eigenvalues(surface)
    h = lrs[None, :, None] * eigenvalues[None, None, :]
    radius = spectral_radius(method, h, betas[:, None, None]).max(axis=-1)
    return RateMap(method, lrs, betas, radius, eigenvalues)


def plot_rate_map(rates, ax=None, *, title=None):
    """Heatmap of ``rates.radius`` over log lr (x) and beta (y), colours up to 1; the
    divergence region (radius >= 1) grey and hatched, bounded by the contour radius = 1; the
    smallest radius a star. Returns the Axes (a new figure when None)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2))
    lrs, betas = rates.learning_rates, rates.betas
    converging = np.ma.masked_where(rates.diverges, rates.radius)
    low = (
        np.floor(10 * min(rates.radius.min(), 0.9)) / 10
    )  # colours for the range seen
    mesh = ax.pcolormesh(
        lrs,
        betas,
        converging,
        cmap="viridis_r",
        vmin=low,
        vmax=1.0,
        shading="nearest",
    )
    ax.figure.colorbar(mesh, ax=ax, label=r"error factor per step $\rho$")
    if rates.diverges.any():
        ax.contourf(
            lrs,
            betas,
            rates.diverges.astype(float),
            levels=[0.5, 1.5],
            colors=["0.8"],
            hatches=["//"],
        )
        ax.contour(
            lrs,
            betas,
            rates.radius,
            levels=[1.0],
            colors="black",
            linewidths=1.0,
        )
        ax.plot(
            [],
            [],
            "s",
            color="0.8",
            mec="black",
            label=r"diverges ($\rho \geq 1$)",
        )
    lr, beta, radius = rates.best
    ax.plot(
        [lr],
        [beta],
        "*",
        color="red",
        mec="black",
        ms=14,
        ls="none",
        label=f"fastest: lr {lr:.3g}, β {beta:.3g}, ρ {radius:.3f}",
    )
    ax.set_xscale("log")
    ax.set_xlabel("learning rate lr (log scale)")
    ax.set_ylabel(r"$\beta$")
    lams = ", ".join(f"{v:g}" for v in rates.eigenvalues)
    ax.set_title(
        title or f"{rates.method} on the quadratic (curvatures {lams})"
    )
    ax.legend(loc="lower left", fontsize="small")
    return ax


__all__ = [
    "METHODS",
    "RateMap",
    "hessian_eigenvalues",
    "iteration_matrix",
    "plot_rate_map",
    "rate_map",
    "spectral_radius",
    "stability_limit",
]
