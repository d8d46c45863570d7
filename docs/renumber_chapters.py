"""Make room for a new chapter: shift every chapter numbered FROM or more up by one.

    python3 docs/renumber_chapters.py 11     # 11_faq -> 12_faq, ..., then add chapters/11_<name>

Renames the notebooks (git mv) and rewrites, in the chapters' Markdown cells and in the repository's
text files (_toc.yml, README, AUTHORING, ci/, docs/, tests/, bench/): file names, the numbers of links
to a shifted chapter ("[chapter 12](12_practical_tips.ipynb)"), "chapter 12", "ch 12",
"section 12.3", and the shifted chapters' own headings ("# 12.", "## 12.3"). Code cells are not
changed (their outputs would no longer match); the script lists any that mention a shifted number.
"""
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
TEXT_FILES = ["_toc.yml", "README.md", "AUTHORING.md", "ci/*.py", "docs/*.py", "tests/*.py", "bench/*",
              "_ext/*.py"]


def shifted(number, start):
    return number + 1 if number >= start else number


def rewrite(text, start, stems, own=None):
    """``text`` with every reference to a chapter numbered >= start moved up by one."""
    def stem(match):
        return stems.get(match.group(0), match.group(0))

    text = re.sub(r"\b\d\d_[a-z_]+\b", stem, text)

    def link(match):  # [chapter 12](13_practical_tips.ipynb) after the file rename above
        label, target = match.group(1), int(match.group(2))
        label = re.sub(r"\b(\d+)\b", lambda m: str(target) if int(m.group(1)) == target - 1 and
                       target - 1 >= start else m.group(1), label)
        return f"[{label}]({match.group(2)}_"
    text = re.sub(r"\[([^\]]*)\]\((\d\d)_", link, text)

    def numbers(match):  # "chapters 10, 12 and 13", "ch 10-12", "section 12.3": every number moves
        listed = re.sub(r"\d+", lambda m: str(shifted(int(m.group(0)), start)), match.group(2))
        return match.group(1) + listed
    text = re.sub(r"\b((?:[Cc]hapters?|[Cc]h\.?)\s+)(\d+(?:(?:,\s*|\s+and\s+|\s+to\s+|\s*[-–]\s*)\d+)*)"
                  r"\b(?!\]\(|_)", numbers, text)
    text = re.sub(r"\b([Ss]ections?\s+)(\d+)(?=\.\d)", numbers, text)
    if own is not None:
        text = re.sub(rf"^(#+ ){own}(?=[.\s])", lambda m: f"{m.group(1)}{own + 1}", text, flags=re.M)
    return text


def main(start):
    paths = sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))
    stems = {}
    for path in paths:
        number = int(path.name[:2])
        if number >= start:
            stems[path.stem] = f"{number + 1:02d}{path.stem[2:]}"
    for path in sorted(paths, reverse=True):
        number = int(path.name[:2])
        nb = json.loads(path.read_text())
        for i, cell in enumerate(nb["cells"]):
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                new = rewrite(source, start, stems, own=number if number >= start else None)
                cell["source"] = new.splitlines(keepends=True)
            elif re.search(r"\b(?:[Cc]hapter|ch|[Ss]ection)s? ?(\d+)", source):
                print(f"check code cell {i} of {path.name}: {source[:80]!r}")
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        if path.stem in stems:
            subprocess.run(["git", "mv", path.name, stems[path.stem] + ".ipynb"], cwd=CHAPTERS, check=True)
    for pattern in TEXT_FILES:
        for path in ROOT.glob(pattern):
            if path.is_file() and path.resolve() != pathlib.Path(__file__).resolve():
                text = path.read_text()
                new = rewrite(text, start, stems)
                if new != text:
                    path.write_text(new)
                    print("rewrote", path.relative_to(ROOT))


if __name__ == "__main__":
    main(int(sys.argv[1]))
