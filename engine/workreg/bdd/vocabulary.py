"""The step vocabulary as Markdown, generated from the step definitions (``workreg steps``)."""

from __future__ import annotations


def markdown() -> str:
    """A Markdown table of every step: keyword, example and meaning."""
    from workreg.bdd.steps import VOCABULARY

    lines = ["| step | example | meaning |", "|---|---|---|"]
    for doc in VOCABULARY:
        pattern = doc.pattern.replace("|", "\\|")
        lines.append(f"| `{doc.keyword} {pattern}` | {doc.example} | {doc.meaning.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
