"""The shape of a chapter as a reader meets it: words of prose, paragraphs, key ideas and summary.

    python3 ci/prose_shape.py            # a table for every chapter

Words are counted as a reader counts them: the text of the Markdown cells without maths ($...$,
$$...$$), fenced code and directive options, and with a link or a citation counted as its text.
A paragraph is a block between blank lines (a tight list is one block; a list with blank lines
between its items is one block an item); table rows and headings are not paragraphs. tests/test_prose_shape.py holds every chapter to the limits.
"""
import json
import pathlib
import re
import sys

WORD_BUDGET = 2800
PARAGRAPH_LIMIT = 150
KEY_IDEAS = re.compile(r"```\{admonition\} Key ideas\n(.*?)```", re.S)


def _markdown(nb):
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def reader_text(markdown):
    """What a reader reads of a Markdown cell: no maths, code fences' contents, directive lines."""
    text = re.sub(r"\$\$.*?\$\$", " ", markdown, flags=re.S)
    text = re.sub(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]*\$", " x ", text)  # inline maths reads as one word
    text = re.sub(r"^(`{3,})(?!\{).*?^\1", " ", text, flags=re.S | re.M)  # fenced code
    text = re.sub(r"^\s*(`{3,}|:{3,}).*$", " ", text, flags=re.M)  # directive fences
    text = re.sub(r"^\s*:\w[\w-]*:.*$", " ", text, flags=re.M)  # directive options (:label: ...)
    text = re.sub(r"\{(cite|cite:t|cite:p)\}`[^`]*`", " citation ", text)
    text = re.sub(r"\{\w+\}`([^`<]*)(<[^>]*>)?`", r" \1 ", text)  # {ref}`text <label>` reads as text
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r" \1 ", text)  # [text](target)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    return text


def words(text):
    return len(re.findall(r"[\w\u4e00-\u9fff][\w'’\u4e00-\u9fff.,%-]*", text))


def paragraphs(markdown):
    """The blocks of a Markdown cell a reader takes in one go (text between blank lines: a list
    whose items are not separated by blank lines is one block), with their word counts."""
    blocks, current = [], []
    for line in reader_text(markdown).splitlines() + [""]:
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "|")):
            if current:
                blocks.append(" ".join(current))
            current = []
            continue
        current.append(stripped)
    return [(words(b), b) for b in blocks if words(b)]


def chapter_words(nb):
    return sum(words(reader_text(m)) for m in _markdown(nb))


def key_ideas(nb):
    """The bullet points of the chapter's 'Key ideas' box, if it has one among its first cells."""
    for markdown in _markdown(nb)[:3]:
        match = KEY_IDEAS.search(markdown)
        if match:
            return [line for line in match.group(1).splitlines() if re.match(r"\s*[*-]\s", line)]
    return []


def has_summary_before_exercises(nb):
    headings = [line for m in _markdown(nb) for line in m.splitlines() if line.startswith("## ")]
    names = [re.sub(r"^##\s+(\d+\.\d+\s+)?", "", h).strip().lower() for h in headings]
    if "summary" not in names:
        return False
    return "exercises" not in names or names.index("summary") < names.index("exercises")


def report(paths):
    print(f"{'chapter':28} {'words':>6} {'longest paragraph':>17} {'over 150':>8} {'key ideas':>9} {'summary':>7}")
    for path in paths:
        nb = json.loads(path.read_text())
        lengths = [n for m in _markdown(nb) for n, _ in paragraphs(m)]
        print(f"{path.stem:28} {chapter_words(nb):>6} {max(lengths, default=0):>17} "
              f"{sum(n > PARAGRAPH_LIMIT for n in lengths):>8} {len(key_ideas(nb)):>9} "
              f"{'yes' if has_summary_before_exercises(nb) else 'no':>7}")


if __name__ == "__main__":
    root = pathlib.Path(__file__).resolve().parent.parent
    report([pathlib.Path(p) for p in sys.argv[1:]] or sorted((root / "chapters").glob("*.ipynb")))
