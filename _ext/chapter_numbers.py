"""Number each chapter's exercises by chapter: "Exercise 5.2" is the second exercise of chapter 5.

sphinx-exercise numbers exercises with Sphinx's figure numbering, which, in a book whose table of
contents is not numbered, counts across the whole book (chapter 5 opened with "Exercise 11"). After
Sphinx has assigned its numbers, this extension renumbers the exercises of every document whose name
starts with a chapter number (chapters/05_sgdm_and_nag -> 5), in their order on the page, so that
the exercise, every {ref} and {numref} to it, and the prose all say "Exercise 5.2".
"""
import re


def _renumber(app, env):
    for docname, figtypes in env.toc_fignumbers.items():
        match = re.match(r"(?:.*/)?(\d+)_", docname)
        exercises = figtypes.get("exercise")
        if not match or not exercises:
            continue
        chapter = int(match.group(1))
        in_order = sorted(exercises, key=lambda node_id: exercises[node_id])
        figtypes["exercise"] = {node_id: (chapter, k) for k, node_id in enumerate(in_order, 1)}
    return []


def setup(app):
    # After Sphinx's own TocTreeCollector (priority 500) has assigned figure numbers.
    app.connect("env-get-updated", _renumber, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
