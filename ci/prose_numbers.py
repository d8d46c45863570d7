"""The rule that numbers quoted in a chapter's prose come from its cells, shared by
tests/test_book_notebooks.py (the stored outputs) and ci/colab_stack.py (Colab's outputs).

A quoted number is one in a Markdown cell, outside math, code and headings, with two or more decimals, or one
decimal and a percent sign (section numbers such as 7.3 are neither). It must occur in the chapter's
code or outputs, or be one of QUOTED_CONSTANTS, listed with the reason it needs no cell.
"""
import re

QUOTED_CONSTANTS = {
    "01_introduction": {"0.0001": "a threshold in the prose: the loss does not change by 0.0001"},
    "07_rmsprop": {"0.001": "Keras' default learning rate, quoted from its signature"},
    "09_adam": {"0.03": "sqrt(1 - 0.999), worked out in the prose"},
    "15_errata_and_conventions": {"0.95": "AdaDelta's rho in the conventions table (Keras, the paper)"},
}
_DECIMAL = re.compile(r"(?<![\w.^{\\])(\d+\.\d+)(?![\w.])")


def quoted_numbers(markdown):
    """The numbers a Markdown text quotes (math and fenced code removed)."""
    text = re.sub(r"```.*?```", " ", re.sub(r"\$[^$]*\$", " ", markdown), flags=re.S)
    text = re.sub(r"^#+ .*$", " ", text, flags=re.M)  # headings: section numbers such as 12.10
    for match in _DECIMAL.finditer(text):
        number = match.group(1)
        if len(number.split(".")[1]) >= 2 or re.match(r"\s*%", text[match.end():]):
            yield number


def output_text(output):
    """What a reader sees of one output: its stream text, text/plain, text/html and text/markdown."""
    data = output.get("data", {})
    parts = [output.get("text", "")] + [data.get(k, "") for k in ("text/plain", "text/html", "text/markdown")]
    return "".join("".join(p) if isinstance(p, list) else p for p in parts)


def produced_numbers(nb):
    """Every decimal number in the notebook's code and outputs."""
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            parts.append("".join(cell["source"]))
            parts.extend(output_text(out) for out in cell["outputs"])
    return set(re.findall(r"\d+\.\d+", "\n".join(parts)))


def stale_numbers(nb, stem):
    """(cell index, number) of every quoted number that no code, output or listed constant holds."""
    produced = produced_numbers(nb) | set(QUOTED_CONSTANTS.get(stem, {}))
    return [(i, n) for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "markdown"
            for n in quoted_numbers("".join(cell["source"])) if n not in produced]
