"""optlib.explorer: the update function draws optlib.surfaces.path's points; the widgets
only pass their values to it; the module imports without ipywidgets."""

import dataclasses
import importlib.util
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optlib
from optlib import explorer as E
from optlib import surfaces as S


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_draw_path_is_optlib_surfaces_path():
    settings = E.Settings(
        "Adam", 0.05, beta=0.8, beta_2=0.99, surface="beale", steps=20
    )
    points, fig = E.draw_path(settings)
    expected = S.path(
        optlib.Adam(0.05, beta_1=0.8, beta_2=0.99), S.BEALE, steps=20
    )
    np.testing.assert_array_equal(points, expected)
    (line,) = [
        ln
        for ln in fig.axes[0].get_lines()
        if ln.get_label().startswith("Adam")
    ]
    np.testing.assert_array_equal(line.get_xydata(), expected)
    assert line.get_label() == "Adam, lr 0.05, beta_1 0.8, beta_2 0.99"


def test_each_optimizer_gets_its_own_keywords():
    def keywords(name):
        return E.Settings(name, 0.1, beta=0.7, beta_2=0.95).keywords()

    assert keywords("SGD") == keywords("AdaGrad") == {"learning_rate": 0.1}
    assert (
        keywords("SGDM")
        == keywords("NAG")
        == {"learning_rate": 0.1, "beta": 0.7}
    )
    assert keywords("AdaDelta") == {"learning_rate": 0.1, "rho": 0.7}
    assert keywords("Adam") == {
        "learning_rate": 0.1,
        "beta_1": 0.7,
        "beta_2": 0.95,
    }
    assert set(E.DECAYS) == set(optlib.OPTIMIZERS)
    nag = E.make_optimizer(E.Settings("NAG", 0.3, beta=0.5))
    assert isinstance(nag, optlib.NAG) and nag.hyperparameters == {"beta": 0.5}
    with pytest.raises(ValueError, match="optimizer"):
        E.Settings("Lion").keywords()
    with pytest.raises(ValueError, match="surface"):
        E.draw_path(E.Settings(surface="himmelblau"))


def test_static_draws_the_default_settings_with_the_colab_note():
    fig = E.static()
    texts = [t.get_text() for t in fig.texts]
    assert texts == [E.COLAB_NOTE] and "Colab" in E.COLAB_NOTE
    (line,) = [
        ln
        for ln in fig.axes[0].get_lines()
        if ln.get_label().startswith("SGDM")
    ]
    expected = S.path(optlib.SGDM(0.4, beta=0.9), S.QUADRATIC, steps=100)
    np.testing.assert_array_equal(line.get_xydata(), expected)


def test_widgets_pass_their_values_to_draw_path(monkeypatch):
    widgets = pytest.importorskip("ipywidgets")
    seen = []

    def spy(settings):
        seen.append(settings)
        return None, plt.figure()

    monkeypatch.setattr(E, "draw_path", spy)
    box = E.explorer(E.Settings(steps=5))
    (optimizer, surface), lr, beta, beta_2 = (
        box.children[0].children,
        *box.children[1:4],
    )
    assert isinstance(box.children[-1], widgets.Output)
    assert isinstance(lr, widgets.FloatLogSlider) and seen[-1] == E.Settings(
        steps=5
    )
    lr.value = 0.1
    assert seen[-1] == E.Settings(learning_rate=0.1, steps=5)
    optimizer.value = "Adam"
    surface.value = "saddle"
    assert dataclasses.astuple(seen[-1]) == (
        "Adam",
        0.1,
        0.9,
        0.999,
        "saddle",
        5,
    )
    assert not beta.disabled and not beta_2.disabled
    optimizer.value = "SGD"
    assert beta.disabled and beta_2.disabled
    assert plt.get_fignums() == []  # every drawn figure was shown and closed


def test_module_imports_without_ipywidgets_and_explains_how_to_get_them(
    monkeypatch,
):
    monkeypatch.setitem(
        sys.modules, "ipywidgets", None
    )  # "import ipywidgets" fails
    spec = importlib.util.spec_from_file_location("explorer_copy", E.__file__)
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)  # the module body does not need ipywidgets
    assert copy.static is not None
    with pytest.raises(ImportError, match="pip install ipywidgets"):
        copy.explorer()


def test_explorer_output_carries_widgets_picture_and_note(monkeypatch):
    import base64

    bundle = E.Explorer()._repr_mimebundle_()
    assert bundle["text/plain"] == E.COLAB_NOTE
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"pHYs" in png
    assert b"atplotlib" not in png  # no Software chunk naming the version
    view = bundle[E.WIDGET_VIEW]
    assert view["version_major"] == 2 and len(view["model_id"]) == 32
    # Without ipywidgets (a kernel that lacks them) the picture still shows.
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    bundle = E.Explorer()._repr_mimebundle_()
    assert set(bundle) == {"image/png", "text/plain"}
