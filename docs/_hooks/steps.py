"""MkDocs hooks of workreg's site (mkdocs.yml ``hooks:``).

* The step vocabulary page is generated from the step library when the site is built: the marker
  ``<!-- workreg:steps -->`` becomes the table ``workreg steps`` prints, so the page cannot drift
  from the steps.
* Pages that other work adds (``extra.pending_pages``) may be listed in the navigation before
  they exist: a missing one is left out of the navigation, with a note in the build's log,
  instead of failing ``mkdocs build --strict``.  Every other navigation entry and every link
  stays strictly checked.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.workreg")

MARKER = "<!-- workreg:steps -->"


def _prune(nav, docs_dir: Path, pending: set[str]):
    kept = []
    for item in nav:
        if isinstance(item, dict):
            (title, value), = item.items()
            if isinstance(value, list):
                value = _prune(value, docs_dir, pending)
                if value:
                    kept.append({title: value})
                continue
            if isinstance(value, str) and value in pending and not (docs_dir / value).is_file():
                log.info("page %s (%s) is not there yet: left out of the navigation", value, title)
                continue
        elif isinstance(item, str) and item in pending and not (docs_dir / item).is_file():
            log.info("page %s is not there yet: left out of the navigation", item)
            continue
        kept.append(item)
    return kept


def on_config(config):
    pending = set(config["extra"].get("pending_pages", ()))
    if pending and config["nav"]:
        config["nav"] = _prune(config["nav"], Path(config["docs_dir"]), pending)
    return config


def on_page_markdown(markdown, page, config, files):
    if MARKER not in markdown:
        return markdown
    from workreg.bdd.vocabulary import markdown as vocabulary

    return markdown.replace(MARKER, "<!-- steps:begin -->\n" + vocabulary() + "<!-- steps:end -->")
