"""Races: several optimizers start from one point and step together on a surface.

``race(surface, {label: optimizer})`` runs ``optlib.surfaces.path`` once per optimizer and
returns an ``IPython.display.HTML`` that a notebook shows as a playable animation (play, pause
and a frame slider are matplotlib's ``HTMLWriter``; no external JavaScript, and ``offline``
removes the player's one external resource, a Font Awesome stylesheet, drawing its button icons
as text). The frames are
PNG images embedded in the HTML as base64, without the "Software" metadata (so they do not name
the Matplotlib version); matplotlib writes no date into PNG frames.

Each frame shows, for every optimizer, its trail ``w_0 .. w_t`` and a marker at ``w_t``, where
t runs over ``frames`` steps spread evenly over 0..steps (frame thinning). The contours are
drawn once, by ``optlib.plot.paths``. ``HTMLWriter`` gives each animation a random id
(``uuid4().hex``); ``nbval_sanitize.cfg`` at the repository root replaces exactly those ids so
that strict nbval can compare a stored race with a re-run.
"""

import base64
import io
import pathlib
import re
import tempfile

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation
from matplotlib import colors as mcolors
from PIL import Image

from optlib import plot, surfaces

BOOK_STEPS = {"quadratic": 100, "rosenbrock": 300, "beale": 300, "saddle": 150}
"""Steps per surface for the book's races (enough for the fast optimizers to arrive)."""

BOOK_RATES = {
    # The chapters' rates: ch 5 (SGD, SGDM, NAG at 0.4 on the bowl), ch 6 (AdaGrad 0.4),
    # ch 7 (RMSProp 0.1), ch 8 (AdaDelta 1, Zeiler's method), ch 9 (Adam 0.1). The momentum
    # optimizers get rates SGD cannot use on Rosenbrock and Beale (SGD diverges on Beale
    # at 0.05; on Rosenbrock it needs about 0.002).
    "quadratic": {
        "SGD": 0.4,
        "SGDM": 0.4,
        "NAG": 0.4,
        "AdaGrad": 0.4,
        "RMSProp": 0.1,
        "AdaDelta": 1.0,
        "Adam": 0.1,
    },
    "rosenbrock": {
        "SGD": 0.002,
        "SGDM": 0.005,
        "NAG": 0.005,
        "AdaGrad": 0.4,
        "RMSProp": 0.1,
        "AdaDelta": 1.0,
        "Adam": 0.1,
    },
    "beale": {
        "SGD": 0.01,
        "SGDM": 0.05,
        "NAG": 0.05,
        "AdaGrad": 0.4,
        "RMSProp": 0.1,
        "AdaDelta": 1.0,
        "Adam": 0.1,
    },
    "saddle": {
        "SGD": 0.1,
        "SGDM": 0.4,
        "NAG": 0.4,
        "AdaGrad": 0.4,
        "RMSProp": 0.1,
        "AdaDelta": 1.0,
        "Adam": 0.1,
    },
}
"""Learning rate per surface and optimizer name (``optlib.OPTIMIZERS``) for the book."""


def book_optimizers(surface):
    """{"SGD, lr 0.4": optlib.SGD(0.4), ...}: the seven optimizers at ``BOOK_RATES``."""
    from optlib import OPTIMIZERS  # the package imports this module

    rates = BOOK_RATES[_surface(surface).name]
    return {
        f"{name}, lr {lr:g}": OPTIMIZERS[name](learning_rate=lr)
        for name, lr in rates.items()
    }


def _surface(surface):
    if not isinstance(surface, surfaces.Surface):
        raise TypeError(
            "race() needs an optlib.surfaces.Surface (e.g. "
            f"optlib.surfaces.QUADRATIC), got {type(surface).__name__}."
        )
    return surface


def race_paths(surface, optimizers, start=None, steps=100):
    """{label: ``optlib.surfaces.path(optimizer, surface, start, steps)``}, one start."""
    _surface(surface)
    if not isinstance(optimizers, dict) or not optimizers:
        raise TypeError(
            "race() needs a non-empty dict {label: optlib optimizer}, e.g. "
            "{'SGD': optlib.SGD(0.1)}, got "
            f"{type(optimizers).__name__}."
        )
    return {
        str(label): surfaces.path(opt, surface, start=start, steps=steps)
        for label, opt in optimizers.items()
    }


def frame_steps(steps, frames):
    """The steps t shown, ``frames`` of them evenly spaced over 0..steps
    (all steps when ``frames`` > steps); always starts at 0 and ends at steps."""
    frames = max(2, min(int(frames), steps + 1))
    return np.unique(np.round(np.linspace(0, steps, frames)).astype(int))


def race_animation(
    surface,
    optimizers,
    start=None,
    steps=100,
    *,
    frames=32,
    figsize=(7.0, 3.9),
    dpi=96,
    interval=150,
    title=None,
):
    """A ``FuncAnimation`` of the race; its figure (``race_figure``) is already closed.

    Frame k shows every path up to step ``frame_steps(steps, frames)[k]``. Paths are cut
    where ``optlib.plot.paths`` cuts them (at the first inf/NaN point, or far outside the
    window), and their legend label then says "diverges" or "leaves window". The
    animation also keeps ``race_paths`` (label -> points) and ``race_steps`` (t per frame).
    """
    paths = race_paths(surface, optimizers, start, steps)
    shown = frame_steps(steps, frames)
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    fig.subplots_adjust(left=0.09, right=0.66, bottom=0.13, top=0.9)
    plot.paths(surface, {}, ax=ax, levels=20)  # contours and minimum, once
    ax.set_title("")
    fig.suptitle(
        surface.label if title is None else title,
        x=0.02,
        y=0.98,
        ha="left",
        fontsize="medium",
    )
    start_point = next(iter(paths.values()))[0]
    ax.plot(*start_point, "s", color="black", ms=5, label="start", zorder=5)
    artists = []
    for i, (label, points) in enumerate(paths.items()):
        points, note = plot._clip_path(points, surface.xlim, surface.ylim)
        text = f"{label} ({note})" if note else label
        color = f"C{i % 10}"
        (trail,) = ax.plot([], [], "-", lw=1.2, color=color, label=text)
        (marker,) = ax.plot(
            [], [], "o", ms=5, color=color, mec="black", mew=0.5, zorder=6
        )
        artists.append((points, trail, marker))
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize="small",
        borderaxespad=0.0,
    )
    counter = ax.text(
        0.02,
        0.96,
        "",
        transform=ax.transAxes,
        va="top",
        fontsize="small",
        bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8},
    )

    def draw(k):
        t = int(shown[k])
        for points, trail, marker in artists:
            visible = points[: t + 1]
            trail.set_data(visible[:, 0], visible[:, 1])
            tip = visible[-1:] if t < len(points) else visible[:0]
            marker.set_data(tip[:, 0], tip[:, 1])
        counter.set_text(f"step {t} / {steps}")
        return [a for _, *pair in artists for a in pair] + [counter]

    anim = animation.FuncAnimation(
        fig, draw, frames=len(shown), interval=interval, repeat=False
    )
    plt.close(fig)  # the notebook shows the HTML, not also the static figure
    anim.race_figure, anim.race_paths, anim.race_steps = fig, paths, shown
    return anim


class PaletteHTMLWriter(animation.HTMLWriter):
    """matplotlib's ``HTMLWriter`` with every frame reduced to a ``colors``-colour
    palette PNG, no dithering: about a quarter of the bytes of the RGBA frame.

    The palette is Pillow's median cut of the frame plus the colours the trails are
    drawn in (matplotlib's C0-C9, black, white), so that a thin trail keeps its exact
    colour and matches its legend entry (median cut alone merged them with the
    contours' colours)."""

    KEEP = [mcolors.to_hex(f"C{i}") for i in range(10)] + ["#000000", "#ffffff"]

    def __init__(self, *args, colors=128, **kwargs):
        super().__init__(*args, embed_frames=True, **kwargs)
        self.colors = int(colors)

    def grab_frame(self, **savefig_kwargs):
        rgba = io.BytesIO()
        self.fig.savefig(rgba, format="png", dpi=self.dpi, **savefig_kwargs)
        frame = Image.open(rgba).convert("RGB")
        adaptive = frame.quantize(
            colors=self.colors - len(self.KEEP),
            method=Image.Quantize.MEDIANCUT,
            dither=Image.Dither.NONE,
        )
        used = adaptive.getpalette()[: 3 * (self.colors - len(self.KEEP))]
        kept = [v for hex_ in self.KEEP for v in mcolors.to_rgb(hex_)]
        palette = Image.new("P", (1, 1))
        palette.putpalette(used + [round(255 * v) for v in kept])
        image = frame.quantize(palette=palette, dither=Image.Dither.NONE)
        png = io.BytesIO()
        # No text or time chunks; pHYs declares the figure's dpi, as matplotlib's
        # own PNGs do, so that a page can tell the frame's size in figure-inches.
        image.save(png, format="png", optimize=True, dpi=(self.dpi, self.dpi))
        self._saved_frames.append(
            base64.encodebytes(png.getvalue()).decode("ascii")
        )


def to_html(anim, default_mode="once", colors=128):
    """The animation as matplotlib's self-contained JavaScript player (a str).

    Like ``anim.to_jshtml()``, with palette PNG frames (``PaletteHTMLWriter``)
    that carry no metadata (no "Software", no date).
    """
    fps = 1000.0 / getattr(anim, "_interval", 200)  # as to_jshtml does
    writer = PaletteHTMLWriter(
        fps=fps, default_mode=default_mode, colors=colors
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp, "race.html")
        anim.save(str(out), writer=writer)
        return offline(out.read_text())


ICONS = {  # matplotlib's Font Awesome icons as plain text (title and aria-label stay)
    "fa-minus": "\u2212",
    "fa-fast-backward": "|\u25c0\u25c0",
    "fa-step-backward": "|\u25c0",
    "fa-play fa-flip-horizontal": "\u25c0",
    "fa-pause": "\u275a\u275a",
    "fa-play": "\u25b6",
    "fa-step-forward": "\u25b6|",
    "fa-fast-forward": "\u25b6\u25b6|",
    "fa-plus": "+",
}


def offline(html):
    """matplotlib's player without its one external resource: the Font Awesome
    stylesheet it links from a CDN (which an offline reader, or a page that allows
    no external requests, cannot load). The button icons become text glyphs."""
    html = re.sub(
        r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">\s*',
        "",
        html,
    )

    def glyph(match):
        classes = match.group(1).removeprefix("fa ")
        if classes not in ICONS:
            raise ValueError(f"unknown player icon {classes!r}")
        return ICONS[classes]

    return re.sub(r'<i class="(fa [^"]+)"></i>', glyph, html)


def race(surface, optimizers, start=None, steps=100, **options):
    """The race as ``IPython.display.HTML``: a notebook cell shows it as a player.

    ``optimizers`` is a dict label -> optlib optimizer; all start at ``start`` (default
    ``surface.start``) and take ``steps`` steps. ``options`` go to ``race_animation``
    (``frames``, ``figsize``, ``dpi``, ``interval`` in ms, ``title``).
    """
    from IPython.display import HTML

    anim = race_animation(surface, optimizers, start, steps, **options)
    return HTML(to_html(anim))


def book_race(surface, **options):
    """``race`` of the seven optimizers at ``BOOK_RATES`` for ``BOOK_STEPS`` steps."""
    steps = BOOK_STEPS[_surface(surface).name]
    return race(surface, book_optimizers(surface), steps=steps, **options)


def race_table(surface, optimizers=None, steps=None, within=0.1):
    """What a race shows, in numbers: {name: {"lr", "distance after N steps",
    "first step within <within>"}} (formatted strings, for a ``pandas.DataFrame``),
    with the distance to ``surface.minimum``. Defaults: the book's race of ``surface``
    (``book_optimizers``, ``BOOK_STEPS``); labels "name, lr x" give name and lr."""
    surface = _surface(surface)
    optimizers = book_optimizers(surface) if optimizers is None else optimizers
    steps = BOOK_STEPS[surface.name] if steps is None else steps
    rows = {}
    for label, points in race_paths(surface, optimizers, steps=steps).items():
        distance = np.hypot(*(points - np.asarray(surface.minimum, float)).T)
        near = np.flatnonzero(distance < within)
        name, _, lr = label.partition(", lr ")
        rows[name] = {
            "lr": lr,
            f"distance after {steps} steps": f"{distance[-1]:.3g}",
            f"first step within {within:g}": str(near[0])
            if near.size
            else "never",
        }
    return rows


__all__ = [
    "BOOK_RATES",
    "BOOK_STEPS",
    "book_optimizers",
    "book_race",
    "frame_steps",
    "offline",
    "race",
    "race_animation",
    "race_paths",
    "race_table",
    "to_html",
]
