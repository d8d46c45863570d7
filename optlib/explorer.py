"""A live explorer: sliders for an optimizer's settings, and its path on a surface.

``draw_path(settings)`` is the pure part: it builds the optimizer, runs
``optlib.surfaces.path`` and draws the path with ``optlib.plot.paths``, returning
``(points, figure)``. ``explorer()`` wires it to ipywidgets (imported only there, so this
module imports without them; Colab has ipywidgets preinstalled). ``static()`` draws the
default settings for the HTML book, where no kernel runs and sliders cannot move.
"""

import base64
import dataclasses
import io

import matplotlib.pyplot as plt

from optlib import plot, surfaces
from optlib.animate import BOOK_STEPS

COLAB_NOTE = "Open this chapter in Colab to move the sliders."

DECAYS = {  # the optimizer's keyword for the first and the second slider
    "SGD": (None, None),
    "SGDM": ("beta", None),
    "NAG": ("beta", None),
    "AdaGrad": (None, None),
    "RMSProp": ("beta", None),
    "AdaDelta": ("rho", None),
    "Adam": ("beta_1", "beta_2"),
}
"""Which keyword the β slider (first) and the β₂ slider (second) set, per optimizer."""


@dataclasses.dataclass(frozen=True)
class Settings:
    """What the widgets choose. ``beta`` is β for SGDM, NAG and RMSProp, ρ for AdaDelta and
    β₁ for Adam; ``beta_2`` is Adam's β₂. Settings an optimizer has no use for are ignored."""

    optimizer: str = "SGDM"
    learning_rate: float = 0.4
    beta: float = 0.9
    beta_2: float = 0.999
    surface: str = "quadratic"
    steps: int = None  # None: optlib.animate.BOOK_STEPS[surface]

    def keywords(self):
        """The optimizer's keyword arguments, e.g. {"learning_rate": 0.4, "beta": 0.9}."""
        if self.optimizer not in DECAYS:
            raise ValueError(
                f"`optimizer` must be one of {sorted(DECAYS)}, "
                f"got {self.optimizer!r}."
            )
        first, second = DECAYS[self.optimizer]
        kwargs = {"learning_rate": float(self.learning_rate)}
        if first:
            kwargs[first] = float(self.beta)
        if second:
            kwargs[second] = float(self.beta_2)
        return kwargs

    def label(self):
        return ", ".join(
            [self.optimizer]
            + [
                f"{k.replace('learning_rate', 'lr')} {v:g}"
                for k, v in self.keywords().items()
            ]
        )


def make_optimizer(settings):
    """``optlib.OPTIMIZERS[settings.optimizer](**settings.keywords())``."""
    from optlib import OPTIMIZERS  # the package imports this module

    return OPTIMIZERS[settings.optimizer](**settings.keywords())


def draw_path(settings=Settings(), ax=None):
    """(points, figure): ``optlib.surfaces.path`` of the chosen optimizer on the chosen
    surface from its start, drawn by ``optlib.plot.paths``. No widgets involved."""
    if settings.surface not in surfaces.SURFACES:
        raise ValueError(
            f"`surface` must be one of {sorted(surfaces.SURFACES)}, "
            f"got {settings.surface!r}."
        )
    surface = surfaces.SURFACES[settings.surface]
    steps = (
        BOOK_STEPS[surface.name] if settings.steps is None else settings.steps
    )
    points = surfaces.path(make_optimizer(settings), surface, steps=steps)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.4))
    plot.paths(
        surface,
        {settings.label(): points},
        ax=ax,
        markersize=2,
        title=f"{surface.name}, {steps} steps",
    )
    return points, ax.figure


def static(settings=Settings()):
    """The explorer's picture at ``settings`` (default: the sliders' start), with
    ``COLAB_NOTE`` under it: for the HTML book. Returns the figure (not closed)."""
    _, fig = draw_path(settings)
    fig.text(
        0.5,
        0.005,
        COLAB_NOTE,
        ha="center",
        va="bottom",
        fontsize="small",
        style="italic",
    )
    fig.subplots_adjust(bottom=0.16)
    return fig


def _require_ipywidgets():
    try:
        import ipywidgets
    except ImportError as error:
        raise ImportError(
            "optlib.explorer.explorer() needs ipywidgets (preinstalled on Colab): "
            "run `pip install ipywidgets` and restart the kernel."
        ) from error
    return ipywidgets


def explorer(settings=Settings()):
    """Widgets (optimizer, log-scale learning rate, β, β₂, surface) above the path; moving
    one redraws it (on release: a new β compiles a new XLA program). Only the common API of
    ipywidgets 7.7 (Colab) and 8 is used. Returns the VBox."""
    widgets = _require_ipywidgets()

    slider = {
        "continuous_update": False,
        "readout_format": ".3g",
        "style": {"description_width": "initial"},
    }
    controls = {
        "optimizer": widgets.Dropdown(
            options=list(DECAYS),
            value=settings.optimizer,
            description="optimizer",
        ),
        "learning_rate": widgets.FloatLogSlider(
            value=settings.learning_rate,
            base=10,
            min=-4,
            max=1,
            step=0.05,
            description="learning rate",
            **slider,
        ),
        "beta": widgets.FloatSlider(
            value=settings.beta,
            min=0.0,
            max=0.99,
            step=0.01,
            description="β (β₁, ρ)",
            **slider,
        ),
        "beta_2": widgets.FloatSlider(
            value=settings.beta_2,
            min=0.9,
            max=0.9999,
            step=0.0001,
            description="β₂ (Adam)",
            **{**slider, "readout_format": ".4f"},
        ),
        "surface": widgets.Dropdown(
            options=list(surfaces.SURFACES),
            value=settings.surface,
            description="surface",
        ),
    }

    def enable_decays(change=None):
        first, second = DECAYS[controls["optimizer"].value]
        controls["beta"].disabled = first is None
        controls["beta_2"].disabled = second is None

    shown = widgets.Output()

    def redraw(change=None):
        chosen = {name: control.value for name, control in controls.items()}
        now = dataclasses.replace(settings, **chosen)
        _, fig = draw_path(now)
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=100, metadata={"Software": None})
        plt.close(fig)
        # A state change of the Output widget, not a display or clear_output message
        # inside `with shown:`: such messages reach every kernel client (nbval would
        # count them as outputs of the cell), and only a widget frontend reroutes them.
        shown.outputs = (
            {
                "output_type": "display_data",
                "data": {
                    "image/png": base64.b64encode(png.getvalue()).decode(
                        "ascii"
                    ),
                    "text/plain": now.label(),
                },
                "metadata": {},
            },
        )

    controls["optimizer"].observe(enable_decays, names="value")
    enable_decays()
    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox(
        [
            widgets.HBox([controls["optimizer"], controls["surface"]]),
            controls["learning_rate"],
            controls["beta"],
            controls["beta_2"],
            shown,
        ]
    )


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class Explorer:
    """The explorer as one notebook output that works with and without a kernel.

    A cell that ends in ``Explorer()`` displays one output whose mimebundle holds
    the live widgets (``WIDGET_VIEW``, what Jupyter and Colab show), the picture of
    ``static()`` at the sliders' start, with ``COLAB_NOTE`` drawn under it
    (``image/png``, what the HTML book shows: it renders no widget views, see
    ``nb_mime_priority_overrides`` in _config.yml) and ``COLAB_NOTE`` as text/plain.
    Without ipywidgets the bundle has no widget view: the picture still shows.
    The widget model ids are random; nbval does not compare widget views.
    """

    def __init__(self, settings=Settings(), dpi=144):
        self.settings, self.dpi, self.view = settings, dpi, None

    def picture(self):
        """static()'s figure as PNG bytes (the figure is closed)."""
        fig = static(self.settings)
        png = io.BytesIO()
        fig.savefig(
            png, format="png", dpi=self.dpi, metadata={"Software": None}
        )
        plt.close(fig)
        return png.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {
            "image/png": base64.b64encode(self.picture()).decode("ascii"),
            "text/plain": COLAB_NOTE,
        }
        try:
            self.view = explorer(self.settings)  # kept alive by this object
        except ImportError:
            return bundle
        bundle[WIDGET_VIEW] = {
            "version_major": 2,
            "version_minor": 0,
            "model_id": self.view.model_id,
        }
        return bundle


__all__ = [
    "COLAB_NOTE",
    "DECAYS",
    "Explorer",
    "Settings",
    "draw_path",
    "explorer",
    "make_optimizer",
    "static",
]
