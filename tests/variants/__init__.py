"""Notebooks written by sessions playing students, as edits of the solution or the blank notebook."""


def load():
    """(correct, cheats, twins): lists of {name, description, edits, start?, twin?}."""
    from tests.variants import (
        cheats,
        cheats_more,
        cheats_round3,
        cheats_round4,
        cheats_round5,
        correct,
        correct_more,
        correct_round3,
        correct_round4,
        correct_round5,
    )

    def prefixed(prefix, items):  # the two catalogues' twins share names
        return [
            dict(v, name=prefix + v["name"], **({"twin": prefix + v["twin"]} if "twin" in v else {})) for v in items
        ]

    return (
        correct.VARIANTS
        + correct_more.VARIANTS
        + correct_round3.VARIANTS
        + correct_round4.VARIANTS
        + correct_round5.VARIANTS,
        cheats.CHEATS
        + prefixed("more_", cheats_more.CHEATS)
        + prefixed("r3_", cheats_round3.CHEATS)
        + prefixed("r4_", cheats_round4.CHEATS)
        + prefixed("r5_", cheats_round5.CHEATS),
        cheats.TWINS
        + prefixed("more_", cheats_more.TWINS)
        + prefixed("r3_", cheats_round3.TWINS)
        + prefixed("r4_", cheats_round4.TWINS)
        + prefixed("r5_", cheats_round5.TWINS),
    )


def notebook(variant, solution, student):
    from tests.notebook_edits import apply

    return apply(solution if variant.get("start", "solution") == "solution" else student, variant["edits"])


def write(variant, solution, student, folder, prefix):
    """Write the variant's file into `folder` (its own sub-folder if it names its file); its path."""
    import nbformat

    nb = notebook(variant, solution, student)
    path = folder / f"{prefix}__{variant['name']}.ipynb"
    if "filename" in variant:  # names with spaces, accents: as students name them
        path = folder / f"{prefix}__{variant['name']}" / variant["filename"]
        path.parent.mkdir()
    if "post" in variant:  # bytes nbformat would not write: a BOM, CRLF, deep JSON
        variant["post"](path, nb)
    else:
        nbformat.write(nb, path)
    return path
