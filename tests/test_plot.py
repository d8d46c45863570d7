"""optlib.plot draws what it says: lines, labels, bands, contours, legends, and survives NaN."""
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

import optlib  # noqa: E402
from optlib import plot as P  # noqa: E402
from optlib import surfaces as S  # noqa: E402


@pytest.fixture(autouse=True)
def no_show_and_close(monkeypatch):
    def show(*args, **kwargs):
        raise AssertionError("optlib.plot must not call plt.show()")

    monkeypatch.setattr(plt, "show", show)
    yield
    plt.close("all")


def history(loss, acc=None, seeds=None):
    loss = np.asarray(loss, dtype=np.float64)
    acc = np.clip(1 - loss, 0, 1) if acc is None else np.asarray(acc, dtype=np.float64)
    return optlib.History(optimizer="test", loss=loss, test_accuracy=acc, seconds=0.0,
                          compile_seconds=0.0, weights={}, diverged_at=None, device="CPU:0",
                          seeds=seeds)


def bands(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None, "no legend"
    return [t.get_text() for t in legend.get_texts()]


EPOCHS = 20
DECAY = np.exp(-np.arange(EPOCHS) / 5.0)


def test_curves_one_line_per_single_run():
    hs = {"SGD": history(0.5 * DECAY), "Adam": history(0.2 * DECAY)}
    ax = P.curves(hs)
    assert isinstance(ax, plt.Axes)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["SGD", "Adam"]
    np.testing.assert_array_equal(lines[0].get_xdata(), np.arange(1, EPOCHS + 1))
    np.testing.assert_allclose(lines[1].get_ydata(), 0.2 * DECAY)
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "training loss (MSE)"
    assert legend_texts(ax) == ["SGD", "Adam"]
    assert not bands(ax)


def test_curves_several_seeds_mean_and_band():
    rng = np.random.default_rng(0)
    loss = DECAY * rng.uniform(0.5, 1.5, size=(3, 1))
    ax = P.curves({"SGD": history(loss, seeds=[1, 2, 3]), "one": history(DECAY)}, title="iris")
    (sgd, one) = ax.get_lines()
    assert sgd.get_label() == "SGD (3 seeds)" and one.get_label() == "one"
    np.testing.assert_allclose(sgd.get_ydata(), loss.mean(axis=0))
    (band,) = bands(ax)
    vertices = band.get_paths()[0].vertices
    # the band spans min..max over the seeds
    assert vertices[:, 1].min() == pytest.approx(loss.min())
    assert vertices[:, 1].max() == pytest.approx(loss.max())
    assert ax.get_title() == "iris"
    assert "min to max" in ax.get_legend().get_title().get_text()


def test_curves_test_accuracy_is_linear_and_logy_overrides():
    acc = np.linspace(0.3, 1.0, EPOCHS)
    ax = P.curves({"SGD": history(DECAY, acc)}, measure="test_accuracy")
    assert ax.get_yscale() == "linear" and ax.get_ylabel() == "test accuracy"
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), acc)
    assert P.curves({"SGD": history(DECAY)}, logy=False).get_yscale() == "linear"
    assert P.curves({"SGD": history(DECAY, acc)}, "test_accuracy", logy=True).get_yscale() == "log"


def test_curves_survive_nan_and_divergence():
    loss = np.tile(DECAY, (3, 1))
    loss[0, 5:] = np.nan  # one seed diverged at epoch 6
    loss[1, 12:] = np.nan
    loss[2, 12:] = np.inf  # not yet replaced: still drawn as a gap
    single = DECAY.copy()
    single[3:] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Mean of empty slice" warnings either
        ax = P.curves({"seeds": history(loss), "single": history(single)})
        ax.figure.canvas.draw()
    mean = ax.get_lines()[0].get_ydata()
    np.testing.assert_allclose(mean[:5], DECAY[:5])
    np.testing.assert_allclose(mean[5:12], DECAY[5:12])  # the mean of the seeds still running
    assert np.all(np.isnan(mean[12:]))
    assert len(bands(ax)) == 1


def test_curves_draw_on_a_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    assert P.curves({"a": history(DECAY)}, ax=right) is right
    assert not left.get_lines() and len(right.get_lines()) == 1


def test_curves_bad_arguments():
    with pytest.raises(ValueError, match="measure"):
        P.curves({"a": history(DECAY)}, measure="accuracy")
    with pytest.raises(TypeError, match="dict"):
        P.curves([history(DECAY)])
    with pytest.raises(TypeError, match="dict"):
        P.curves({})
    with pytest.raises(TypeError, match="History"):
        P.curves({"a": DECAY})


def test_paths_contours_lines_and_markers():
    quad = S.QUADRATIC
    t = np.arange(11)[:, None]
    one = np.array(quad.start) * 0.8 ** t
    two = np.array(quad.start) * np.array([0.9, -0.7]) ** t
    ax = P.paths(quad, {"SGD": one, "SGDM": two})
    assert isinstance(ax, plt.Axes)
    assert any(isinstance(c, ContourSet) for c in ax.collections)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["SGD", "SGDM", "start", "minimum"]
    sgd, sgdm, start, minimum = ax.get_lines()
    np.testing.assert_allclose(sgd.get_xydata(), one)
    assert sgd.get_marker() == "o"
    np.testing.assert_allclose(start.get_xydata(), [quad.start])  # one shared start
    np.testing.assert_allclose(minimum.get_xydata(), [quad.minimum])
    assert minimum.get_marker() == "*"
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    assert ax.get_title() == quad.label
    assert ax.get_xlim() == quad.xlim and ax.get_ylim() == quad.ylim
    assert legend_texts(ax) == labels
    ax.figure.canvas.draw()


def test_paths_contour_levels_are_log_spaced():
    ax = P.paths(S.ROSENBROCK, {}, levels=12)
    (contours,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    levels = np.asarray(contours.levels)
    assert len(levels) == 12
    ratios = levels[1:] / levels[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)
    assert ratios[0] > 1.5  # spans orders of magnitude, so the valley shows


def test_paths_cut_diverging_paths():
    quad = S.QUADRATIC
    diverging = S.path(optlib.SGD(1.1), quad, steps=100)  # |y| * 3.4 per step, then inf/NaN
    assert not np.isfinite(diverging).all()
    leaving = np.array([[-5.0, -2.0], [-4.0, 2.5], [-3.0, 1e6], [-2.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ax = P.paths(quad, {"lr 1.1": diverging, "jump": leaving, "ok": S.path(optlib.SGD(0.1), quad)})
        ax.figure.canvas.draw()
    div, jump, ok = ax.get_lines()[:3]
    assert div.get_label() == "lr 1.1 (diverges)"
    assert jump.get_label() == "jump (leaves window)" and ok.get_label() == "ok"
    for line in (div, jump):
        xy = line.get_xydata()
        assert np.isfinite(xy).all()
        assert np.all(np.abs(xy[:, 1]) <= 3 * 3.0)  # within the window widened by its size
    np.testing.assert_allclose(jump.get_xydata()[:2], leaving[:2])
    assert len(jump.get_xydata()) == 3 and len(ok.get_xydata()) == 101


def test_paths_single_array_and_given_axes():
    fig, ax = plt.subplots()
    points = S.path(optlib.Adam(0.1), S.SADDLE, steps=20)
    assert P.paths(S.SADDLE, points, ax=ax) is ax
    assert [line.get_label() for line in ax.get_lines()] == ["path", "start", "minimum"]


def test_paths_bad_arguments():
    with pytest.raises(TypeError, match="Surface"):
        P.paths("quadratic", {})
    with pytest.raises(TypeError, match="dict"):
        P.paths(S.QUADRATIC, 3.0)


def test_bars_means_and_error_bars():
    values = {"SGD": [0.9, 1.0, 0.8], "Adam": [1.0, 1.0, 1.0], "broken": [np.nan, np.nan],
              "part": [0.5, np.nan]}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ax = P.bars(values, "final test accuracy")
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, [0.9, 1.0, 0.5])  # no bar for the all-NaN label
    assert [t.get_text() for t in ax.get_xticklabels()] == list(values)
    assert ax.get_ylabel() == "final test accuracy"
    assert ax.containers  # the error bars
    with pytest.raises(TypeError, match="dict"):
        P.bars([1, 2], "y")
