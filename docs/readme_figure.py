"""Copy the README's figure out of the executed chapter: the PNG output of the code cell tagged
`readme-figure` (cell metadata "tags") in chapters/11_side_by_side.ipynb -> docs/side_by_side.png.

    python3 docs/readme_figure.py
"""
import base64
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "chapters" / "11_side_by_side.ipynb"
FIGURE = ROOT / "docs" / "side_by_side.png"
TAG = "readme-figure"


def chapter_figure(chapter=CHAPTER, tag=TAG):
    """The PNG bytes of the one cell tagged ``tag``; an error that says what is missing otherwise."""
    cells = [c for c in json.loads(chapter.read_text())["cells"] if tag in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise LookupError(f"{chapter.name} must have exactly one cell tagged {tag!r}, found {len(cells)}.")
    pngs = [out["data"]["image/png"] for out in cells[0].get("outputs", []) if "image/png" in out.get("data", {})]
    if len(pngs) != 1:
        raise LookupError(f"the cell tagged {tag!r} in {chapter.name} must show one PNG figure, found {len(pngs)}; "
                          "execute the chapter first.")
    return base64.b64decode(pngs[0])


if __name__ == "__main__":
    FIGURE.write_bytes(chapter_figure())
    print(f"wrote {FIGURE.relative_to(ROOT)}")
