"""Serve MathJax 3 from the built book itself instead of a CDN.

MathJax comes from the npm registry at build time (`npm install`, pinned in package.json); this
extension points Sphinx's `mathjax_path` at `_static/mathjax/tex-chtml.js` and copies just that file
and its web fonts (about 1 MB) into the build, so the book typesets math offline.
"""
import pathlib
import shutil

from sphinx.errors import ExtensionError

SOURCE = pathlib.Path(__file__).resolve().parent.parent / "node_modules" / "mathjax" / "es5"
FILES = ["tex-chtml.js"]
FOLDERS = ["output/chtml/fonts/woff-v2"]


def _require_mathjax():
    if not (SOURCE / FILES[0]).is_file():
        raise ExtensionError(
            f"MathJax not found at {SOURCE}. Run `npm install` in the repository root first "
            "(it installs the MathJax version pinned in package.json)."
        )


def _set_path(app, config):
    _require_mathjax()
    config.mathjax_path = "mathjax/tex-chtml.js"


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = pathlib.Path(app.outdir) / "_static" / "mathjax"
    for name in FILES:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SOURCE / name, target / name)
    for folder in FOLDERS:
        shutil.copytree(SOURCE / folder, target / folder, dirs_exist_ok=True)


def setup(app):
    app.connect("config-inited", _set_path)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
