"""optlib.animate: a race is one HTML player of optlib.surfaces.path's points, small, and
the same on every run once nbval_sanitize.cfg has replaced matplotlib's random ids."""

import base64
import pathlib
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from nbval.plugin import get_sanitize_patterns

import optlib
from optlib import animate as A
from optlib import surfaces as S

SANITIZER = pathlib.Path(__file__).parents[1] / "nbval_sanitize.cfg"
FAST = {
    "steps": 12,
    "frames": 5,
    "figsize": (4.0, 2.4),
    "dpi": 40,
}  # small and quick
FRAME = re.compile(
    r'frames\[(\d+)\] = "data:image/png;base64,(.*?)"\n', re.DOTALL
)


def race_html(**options):
    racers = {"SGD": optlib.SGD(0.1), "Adam": optlib.Adam(0.1)}
    return A.race(S.QUADRATIC, racers, **{**FAST, **options}).data


def frames(html):
    found = FRAME.findall(html)
    assert [int(i) for i, _ in found] == list(range(len(found)))
    return [base64.b64decode(data.replace("\\\n", "")) for _, data in found]


def png_chunks(png):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        chunks.append(png[at + 4 : at + 8].decode("ascii"))
        at += 12 + length
    return chunks


def sanitize(html):
    """What nbval does with --nbval-sanitize-with nbval_sanitize.cfg, with its own parser."""
    for regex, replace in get_sanitize_patterns(SANITIZER.read_text()):
        html = re.sub(regex, replace, html)
    return html


def test_frame_steps_thin_evenly_and_keep_both_ends():
    np.testing.assert_array_equal(A.frame_steps(100, 5), [0, 25, 50, 75, 100])
    np.testing.assert_array_equal(A.frame_steps(3, 40), [0, 1, 2, 3])
    assert A.frame_steps(300, 40)[[0, -1]].tolist() == [0, 300]
    assert len(A.frame_steps(300, 40)) == 40


def test_race_is_an_html_player_with_one_frame_per_shown_step():
    from IPython.display import HTML

    before = plt.get_fignums()
    shown = A.race(S.QUADRATIC, {"SGD": optlib.SGD(0.1)}, **FAST)
    assert isinstance(shown, HTML)
    html = shown.data
    assert plt.get_fignums() == before  # the figure is closed: no static copy
    for control in ("play_animation", "pause_animation", 'type="range"'):
        assert control in html
    # offline: no external script, stylesheet or font (matplotlib links Font
    # Awesome from a CDN; optlib.animate.offline removes it, icons become text)
    assert "<script src=" not in html and "http" not in html
    assert 'class="fa' not in html and "\u25b6" in html
    assert len(frames(html)) == len(
        A.frame_steps(FAST["steps"], FAST["frames"])
    )


def test_frames_are_palette_pngs_without_metadata():
    for png in frames(race_html()):
        chunks = png_chunks(png)
        assert chunks[0] == "IHDR" and png[25] == 3  # colour type 3: palette
        assert not {"tEXt", "iTXt", "zTXt", "tIME"} & set(
            chunks
        )  # no Software, no date
        assert b"atplotlib" not in png


def test_trails_are_the_paths_of_optlib_surfaces_path():
    racers = {"SGDM": optlib.SGDM(0.4), "diverging SGD": optlib.SGD(1.1)}
    anim = A.race_animation(S.QUADRATIC, racers, steps=40, frames=3, dpi=30)
    A.to_html(anim)  # draws every frame; the last one stays on the figure
    ax = anim.race_figure.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    sgdm = S.path(optlib.SGDM(0.4), S.QUADRATIC, steps=40)
    np.testing.assert_array_equal(lines["SGDM"].get_xydata(), sgdm)
    diverging = lines["diverging SGD (leaves window)"].get_xydata()
    assert np.isfinite(diverging).all() and len(diverging) < 41
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "minimum",
        "start",
        "SGDM",
        "diverging SGD (leaves window)",
    ]
    assert any(t.get_text() == "step 40 / 40" for t in ax.texts)
    np.testing.assert_array_equal(anim.race_steps, [0, 20, 40])


def test_sanitizer_is_needed_and_sufficient():
    first, second = race_html(), race_html()
    assert first != second  # matplotlib's uuid4 ids differ ...
    assert sanitize(first) == sanitize(second)  # ... and are all that differs
    (uid,) = set(re.findall(r"_anim_img([0-9a-f]{32})", first))
    (other,) = set(re.findall(r"_anim_img([0-9a-f]{32})", second))
    assert first.replace(uid, "X") == second.replace(other, "X")
    # the regex matches exactly the occurrences of that id, nothing else
    ((regex, _),) = get_sanitize_patterns(SANITIZER.read_text())
    matches = re.findall(regex, first)
    assert len(matches) == first.count(uid) > 10
    assert sanitize(first).count("ANIMATION_ID") == first.count(uid)
    assert frames(sanitize(first)) == frames(
        first
    )  # the frames are compared as they are


def test_book_races_use_the_book_rates():
    racers = A.book_optimizers(S.BEALE)
    assert list(racers) == [
        f"{name}, lr {lr:g}" for name, lr in A.BOOK_RATES["beale"].items()
    ]
    assert [type(o).__name__ for o in racers.values()] == list(
        optlib.OPTIMIZERS
    )
    assert set(A.BOOK_RATES) == set(A.BOOK_STEPS) == set(S.SURFACES)


def test_bad_arguments():
    with pytest.raises(TypeError, match="Surface"):
        A.race("quadratic", {"SGD": optlib.SGD(0.1)})
    with pytest.raises(TypeError, match="dict"):
        A.race(S.QUADRATIC, {})
    with (
        pytest.raises(TypeError, match="optlib optimizer"),
        warnings.catch_warnings(),
    ):
        import keras

        A.race(S.QUADRATIC, {"keras": keras.optimizers.SGD(0.1)}, **FAST)


def test_race_table_reads_the_book_race():
    rows = A.race_table(S.QUADRATIC, {"SGD, lr 0.4": optlib.SGD(0.4)}, steps=60)
    p = S.path(optlib.SGD(0.4), S.QUADRATIC, steps=60)
    d = np.hypot(p[:, 0], p[:, 1])
    assert rows == {
        "SGD": {
            "lr": "0.4",
            "distance after 60 steps": f"{d[-1]:.3g}",
            "first step within 0.1": str(np.flatnonzero(d < 0.1)[0]),
        }
    }
    assert list(A.race_table(S.SADDLE)) == list(A.BOOK_RATES["saddle"])
