"""The README's picture is the figure the executed chapter 11 shows, not a stale copy."""
import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("readme_figure", ROOT / "docs" / "readme_figure.py")
readme_figure = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readme_figure)


def test_readme_shows_the_chapters_figure():
    assert f"]({readme_figure.FIGURE.relative_to(ROOT)})" in (ROOT / "README.md").read_text()
    assert readme_figure.FIGURE.read_bytes() == readme_figure.chapter_figure(), \
        "docs/side_by_side.png differs from chapter 11's figure: run python3 docs/readme_figure.py"
