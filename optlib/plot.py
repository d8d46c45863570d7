"""Figures for the book: training curves, optimizer paths on surfaces, bar charts.

Matplotlib only. Every function draws on ``ax`` (a new figure when None), returns the Axes and
never calls ``plt.show()``.
"""
import contextlib
import warnings

import matplotlib.pyplot as plt
import numpy as np

_MEASURES = {"loss": "training loss (MSE)", "test_accuracy": "test accuracy"}
BAND = "min to max over seeds"


def _axes(ax, figsize=(6.4, 4.2)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


@contextlib.contextmanager
def _quiet_nan():
    """Silence 'Mean of empty slice' and friends for all-NaN columns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def curves(histories, measure="loss", ax=None, logy=None, *, title=None):
    """One line per run: ``histories`` is a dict label -> ``optlib.History``.

    ``measure`` is "loss" (training loss, log y axis by default) or "test_accuracy". The x axis
    is the epoch, 1..E. A History trained with several seeds (rows of ``loss``) is drawn as the
    mean over seeds (NaN-aware: seeds that diverged drop out) with a shaded band from the
    minimum to the maximum over seeds, and its label gets "(n seeds)". NaN values (after
    divergence) leave gaps. ``logy`` overrides the default y scale; ``title`` sets a title.
    """
    if measure not in _MEASURES:
        raise ValueError(f"`measure` must be one of {sorted(_MEASURES)}, got {measure!r}.")
    if not isinstance(histories, dict) or not histories:
        raise TypeError(
            "curves() needs a non-empty dict {label: optlib.History}, e.g. "
            f"{{'SGD': optlib.train(optlib.SGD())}}, got {type(histories).__name__}."
        )
    ax = _axes(ax)
    logy = (measure == "loss") if logy is None else bool(logy)
    any_band = False
    for label, history in histories.items():
        if not hasattr(history, measure):
            raise TypeError(f"curves(): {label!r} is a {type(history).__name__}, not an optlib.History.")
        data = np.array(getattr(history, measure), dtype=np.float64, ndmin=1)
        if data.ndim > 2:
            raise ValueError(f"curves(): {label!r} has {measure} of shape {data.shape}; "
                             "expected (epochs,) or (seeds, epochs).")
        data[~np.isfinite(data)] = np.nan
        if logy:
            data[data <= 0] = np.nan
        epochs = np.arange(1, data.shape[-1] + 1)
        if data.ndim == 2 and data.shape[0] > 1:
            with _quiet_nan():
                mean = np.nanmean(data, axis=0)
                low, high = np.nanmin(data, axis=0), np.nanmax(data, axis=0)
            (line,) = ax.plot(epochs, mean, lw=1.6, label=f"{label} ({data.shape[0]} seeds)")
            ax.fill_between(epochs, low, high, color=line.get_color(), alpha=0.2, lw=0)
            any_band = True
        else:
            ax.plot(epochs, data.reshape(-1), lw=1.6, label=str(label))
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(_MEASURES[measure])
    ax.set_xlim(1, max(ax.get_xlim()[1], 2))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(title=f"mean; band: {BAND}" if any_band else None, fontsize="small",
              title_fontsize="small")
    if title is not None:
        ax.set_title(title)
    return ax


def _clip_path(points, xlim, ylim):
    """The part of a path worth drawing: up to its first non-finite point, and up to (and
    including, clipped to the box) its first point far outside the window (the window widened by
    its own size on each side). Returns (points, note) with note None, "diverges" or
    "leaves window"."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    finite = np.all(np.isfinite(points), axis=1)
    note = None
    if not finite.all():
        points = points[: int(np.argmin(finite))]
        note = "diverges"
    (x0, x1), (y0, y1) = xlim, ylim
    lo = np.array([x0 - (x1 - x0), y0 - (y1 - y0)])
    hi = np.array([x1 + (x1 - x0), y1 + (y1 - y0)])
    outside = np.any((points < lo) | (points > hi), axis=1)
    if outside.any():
        k = int(np.argmax(outside))
        points = np.vstack([points[:k], np.clip(points[k], lo, hi)])
        note = note or "leaves window"
    return points, note


def paths(surface, paths, ax=None, levels=30, *, title=None, markersize=3):
    """Contours of ``surface.f`` over its window with optimizer paths on top.

    ``paths`` is a dict label -> array (steps + 1, 2) as ``optlib.surfaces.path`` returns (a
    single array is drawn with the label "path"). Contour levels are log-spaced in
    f - minimum_value (plus a small offset), so the valley floor shows. Each path is a line with
    small markers, cut at its first inf/NaN point or where it goes far outside the window (its
    label then says "diverges" or "leaves window"). Starts are black squares, the minimum a star.
    """
    if isinstance(paths, np.ndarray) or (isinstance(paths, (list, tuple)) and paths
                                         and np.ndim(paths) == 2):
        paths = {"path": np.asarray(paths)}
    if not isinstance(paths, dict):
        raise TypeError("paths() needs a dict {label: array of shape (steps + 1, 2)}, "
                        f"got {type(paths).__name__}.")
    for attr in ("f", "xlim", "ylim", "minimum", "minimum_value", "label"):
        if not hasattr(surface, attr):
            raise TypeError("paths() needs an optlib.surfaces.Surface as `surface` "
                            f"(e.g. optlib.surfaces.QUADRATIC), got {type(surface).__name__}.")
    ax = _axes(ax, figsize=(6.4, 4.8))
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    xs, ys = np.linspace(x0, x1, 400), np.linspace(y0, y1, 400)
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        z = np.asarray(surface.f(gx, gy), dtype=np.float64) - surface.minimum_value
    z = np.maximum(z, 0.0)
    top = float(np.nanmax(z)) if np.isfinite(z).any() else 1.0
    offset = max(top * 1e-5, 1e-12)
    low = max(float(np.nanmin(z)) + offset, offset)
    lv = np.geomspace(low, top + offset, int(levels))
    ax.contour(gx, gy, z + offset, levels=lv, cmap="viridis", linewidths=0.7, alpha=0.8,
               norm=_log_norm(lv))
    starts = []
    for label, pts in paths.items():
        pts, note = _clip_path(pts, surface.xlim, surface.ylim)
        text = f"{label} ({note})" if note else str(label)
        ax.plot(pts[:, 0], pts[:, 1], "-o", ms=markersize, lw=1.2, label=text)
        if len(pts):
            starts.append(pts[0])
    if starts:
        starts = np.unique(np.round(np.array(starts), 12), axis=0)
        ax.plot(starts[:, 0], starts[:, 1], "s", color="black", ms=6, ls="none", label="start",
                zorder=5)
    ax.plot([surface.minimum[0]], [surface.minimum[1]], "*", color="gold", mec="black", ms=15,
            ls="none", label="minimum", zorder=6)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(surface.label if title is None else title)
    ax.legend(fontsize="small", loc="best")
    return ax


def _log_norm(levels):
    from matplotlib.colors import LogNorm
    return LogNorm(vmin=levels[0], vmax=levels[-1])


def bars(values, ylabel, ax=None, *, title=None, logy=False):
    """One bar per label: ``values`` is a dict label -> array of per-seed results. The bar is
    the mean over seeds (NaN-aware) and the error bar spans the minimum to the maximum; each
    seed is also drawn as a dot. Labels whose values are all NaN get no bar (and "n/a")."""
    if not isinstance(values, dict) or not values:
        raise TypeError(f"bars() needs a non-empty dict {{label: array}}, got {type(values).__name__}.")
    ax = _axes(ax)
    labels = list(values)
    pos = np.arange(len(labels))
    with _quiet_nan():
        arrays = [np.array(values[k], dtype=np.float64, ndmin=1).reshape(-1) for k in labels]
        for a in arrays:
            a[~np.isfinite(a)] = np.nan
        means = np.array([np.nanmean(a) for a in arrays])
        lows = np.array([np.nanmin(a) for a in arrays])
        highs = np.array([np.nanmax(a) for a in arrays])
    ok = np.isfinite(means)
    colors = [f"C{i % 10}" for i in range(len(labels))]
    ax.bar(pos[ok], means[ok], color=[c for c, o in zip(colors, ok) if o], alpha=0.7)
    if ok.any():
        err = np.vstack([means[ok] - lows[ok], highs[ok] - means[ok]])
        ax.errorbar(pos[ok], means[ok], yerr=err, fmt="none", ecolor="black", capsize=4, lw=1)
    for i, a in enumerate(arrays):
        a = a[np.isfinite(a)]
        if a.size > 1:
            ax.plot(np.full(a.size, pos[i]), a, ".", color="black", ms=4, alpha=0.6)
        if not a.size:
            ax.text(pos[i], 0.02, "n/a", ha="center", va="bottom", transform=ax.get_xaxis_transform())
    ax.set_xticks(pos, [str(k) for k in labels])
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if title is not None:
        ax.set_title(title)
    return ax


__all__ = ["curves", "paths", "bars", "BAND"]
