"""Submissions written as edits of the built notebooks, so that the catalogue follows the template.

An edit is a tuple:
  ("replace", old, new)                 replace text `old` (must occur exactly once in all code cells)
  ("replace_in", anchor, old, new)      replace `old` (exactly once) in the code cell containing `anchor`
  ("insert_before", anchor, source)     a new code cell before the code cell containing `anchor`
  ("insert_after", anchor, source)      a new code cell after the code cell containing `anchor`
  ("append", source)                    a new code cell at the end
  ("prepend", source)                   a new code cell at the start
  ("delete", anchor)                    remove the code cell containing `anchor`
  ("set_source", anchor, source)        replace the whole source of the code cell containing `anchor`
  ("metadata", dict)                    merge dict into the notebook's metadata
  ("untag", anchor)                     remove the tags of the code cell containing `anchor`
  ("raw", function)                     function(nb) -> nb, for anything else
`start` says which notebook the edits apply to: "solution" (the reference notebook) or "student" (the
blank notebook students get).
"""

import nbformat


def _cell_index(nb, anchor):
    hits = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and anchor in c.source]
    if not hits:
        raise ValueError(f"no code cell contains {anchor!r}")
    return hits[0]


def apply(nb, edits):
    nb = nbformat.from_dict(nb)
    for edit in edits:
        kind, args = edit[0], edit[1:]
        if kind == "replace":
            old, new = args
            hits = sum(c.source.count(old) for c in nb.cells if c.cell_type == "code")
            if hits != 1:
                raise ValueError(f"{old!r} occurs {hits} times in the code cells")
            for c in nb.cells:
                if c.cell_type == "code":
                    c.source = c.source.replace(old, new)
        elif kind == "replace_in":
            anchor, old, new = args
            cell = nb.cells[_cell_index(nb, anchor)]
            if cell.source.count(old) != 1:
                raise ValueError(f"{old!r} occurs {cell.source.count(old)} times in the cell of {anchor!r}")
            cell.source = cell.source.replace(old, new)
        elif kind in ("insert_before", "insert_after"):
            anchor, source = args
            i = _cell_index(nb, anchor) + (kind == "insert_after")
            nb.cells.insert(i, nbformat.v4.new_code_cell(source))
        elif kind == "append":
            nb.cells.append(nbformat.v4.new_code_cell(args[0]))
        elif kind == "prepend":
            nb.cells.insert(0, nbformat.v4.new_code_cell(args[0]))
        elif kind == "delete":
            del nb.cells[_cell_index(nb, args[0])]
        elif kind == "set_source":
            nb.cells[_cell_index(nb, args[0])].source = args[1]
        elif kind == "metadata":
            nb.metadata.update(args[0])
        elif kind == "untag":
            nb.cells[_cell_index(nb, args[0])].metadata.pop("tags", None)
        elif kind == "raw":
            nb = args[0](nb)
        else:
            raise ValueError(f"unknown edit {kind}")
    for i, c in enumerate(nb.cells):  # new cells get fresh ids; keep them unique and stable
        c.id = f"cell-{i:02d}"
    return nb
