"""Large synthetic work registers for the diff benchmark and the diff's complexity tests.

``register_pair(lines, modified)`` writes two versions of one register in the DMTF template: the
ESA fixture's sections, with ``lines`` activities, a tenth as many milestones and contacts,
where the new version edits ``modified`` of those lines (a word or two changed, as a real
revision does), drops a few and adds a few.  ``repeated=True`` makes most lines the same text,
the other shape that made a line-by-line diff quadratic.  Seeded: the same inputs every run.
"""

from __future__ import annotations

import random
from pathlib import Path

WORDS = (
    "joint Redfish SPDM PMCI storage profile plugfest workshop specification schema conformance test "
    "interoperability security telemetry firmware update management model events alignment review "
    "publish liaison members webinar whitepaper mapping tooling validator registry sessions annual "
    "quarterly working group forum committee partner industry adoption reference implementation"
).split()


def _sentence(rng: random.Random, number: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    return f"{' '.join(words).capitalize()} (item {number})"


def _edit(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 2)):
        words[rng.randrange(len(words) - 2)] = rng.choice(WORDS)
    return " ".join(words)


def register_texts(lines: int, modified: int, *, repeated: bool = False, seed: int = 4003) -> tuple[str, str]:
    """The old and new text of a register with ``lines`` activity lines, ``modified`` of them edited."""
    rng = random.Random(seed)
    if repeated:
        activities = [_sentence(rng, n) if n % 10 == 0 else "Joint Redfish plugfests" for n in range(lines)]
    else:
        activities = [_sentence(rng, n) for n in range(lines)]
    milestones = [(f"{_sentence(rng, n)} deliverable", f"Q{n % 4 + 1} {2020 + n % 9}") for n in range(lines // 10)]
    contacts = [(f"Person {n} Name{n}", f"person{n}@example.org") for n in range(lines // 10)]

    new_activities = list(activities)
    for index in rng.sample(range(lines), min(modified, lines)):
        new_activities[index] = _edit(rng, new_activities[index])
    new_milestones = [(_edit(rng, d) if rng.random() < 0.2 else d, t) for d, t in milestones]
    new_contacts = [(name, email.replace("example.org", "example.com") if rng.random() < 0.1 else email)
                    for name, email in contacts]
    removed = set(rng.sample(range(lines), min(lines // 50, lines)))
    new_activities = [a for n, a in enumerate(new_activities) if n not in removed]
    new_activities += [_sentence(rng, lines + n) for n in range(lines // 50)]
    return (_text("1.0", activities, milestones, contacts), _text("1.1", new_activities, new_milestones, new_contacts))


def _text(version: str, activities, milestones, contacts) -> str:
    out = ["Example Storage Alliance (ESA) / DMTF Work Register", f"Version {version}", "Date Initiated: 01/10/2020",
           "", "Alliance Organizations", "", "Example Storage Alliance (ESA) and the Distributed Management Task "
           "Force (DMTF)", "", "Alliance Partnership Benefits", "", "- Ensure the DMTF and ESA standards are aligned",
           "", "Activities", ""]
    out += [f"- {activity}" for activity in activities]
    out += ["", "Milestones / Dates", "", "Milestone/Deliverables\tTimeframe"]
    out += [f"{deliverable}\t{timeframe}" for deliverable, timeframe in milestones]
    out += ["", "Access", "", "- Redfish Specification (public)", "", "Work Register Review Date", "",
            "The next review date is expected to be January 2022.", "",
            "Resources Identified / Points of Contact:", "", "ESA:", ""]
    out += [f"- {name}, {email}" for name, email in contacts]
    out += ["", "DMTF:", "", "- John Doe, VP of Alliances (vp-alliances@dmtf.org)", "",
            "Corresponding Alliance Partner Document", "", "There are no corresponding documents created by ESA.", "",
            "Approval by the DMTF Board of Directors", "", "Board Resolution 2020-03-01 on March 9, 2020.", ""]
    return "\n".join(out)


def register_pair(directory: Path, lines: int, modified: int, *, repeated: bool = False) -> tuple[Path, Path]:
    """Write the two versions as ``old.txt`` and ``new.txt`` in ``directory``."""
    old_text, new_text = register_texts(lines, modified, repeated=repeated)
    old, new = directory / f"old-{lines}.txt", directory / f"new-{lines}.txt"
    old.write_text(old_text, encoding="utf-8")
    new.write_text(new_text, encoding="utf-8")
    return old, new


def lines_for_bytes(size: int) -> int:
    """About how many activity lines make a register of ``size`` bytes."""
    sample = register_texts(1000, 0)[0]
    return max(1, int(1000 * size / len(sample.encode("utf-8"))))


# --- the shapes of the reliability probe (issue 18) ------------------------------------------------

SHARED_WORDS = ("alliance", "redfish", "schema", "profile", "review", "publish",
                "forum", "members", "plugfest", "mapping", "events", "security")


def _frame(activities: list[str], milestone_rows: list[str], version: str = "1.0") -> str:
    out = ["Example Storage Alliance (ESA) / DMTF Work Register", f"Version {version}", "Date Initiated: 01/10/2020",
           "", "Alliance Organizations", "", "Example Storage Alliance (ESA) and the Distributed Management Task "
           "Force (DMTF)", "", "Alliance Partnership Benefits", "", "- Ensure the DMTF and ESA standards are aligned",
           "", "Activities", ""]
    out += activities
    out += ["", "Milestones / Dates", "", "Milestone/Deliverables\tTimeframe", *milestone_rows,
            "", "Access", "", "- Redfish Specification (public)", "", "Work Register Review Date", "",
            "The next review date is expected to be January 2022.", "",
            "Resources Identified / Points of Contact:", "", "ESA:", "", "- Jane Roe, jane@example.org", "",
            "Corresponding Alliance Partner Document", "", "There are no corresponding documents created by ESA.", "",
            "Approval by the DMTF Board of Directors", "", "Board Resolution 2020-03-01 on March 9, 2020.", ""]
    return "\n".join(out)


def many_milestones_texts(rows: int, *, seed: int = 4003) -> tuple[str, str]:
    """Two versions of a register whose milestone table has ``rows`` short rows (about 33 bytes
    each: 300,000 rows make the 10 MB limit), a tenth of them edited in the new version."""
    rng = random.Random(seed)
    old = [f"Deliverable {n} review\tQ{n % 4 + 1} {2020 + n % 9}" for n in range(rows)]
    new = list(old)
    for index in rng.sample(range(rows), rows // 10):
        new[index] = new[index].replace("review", rng.choice(("draft", "publish", "plugfest")))
    return _frame(["- Joint work"], old), _frame(["- Joint work"], new, "1.1")


def shared_vocabulary_texts(lines: int, *, seed: int = 4003) -> tuple[str, str]:
    """Two registers of ``lines`` activity lines, each the same 12 words shuffled (20,000 lines are
    about 2 MB): every line shares every word with every other, so an index of words cannot prune."""
    rng = random.Random(seed)

    def shuffled() -> list[str]:
        result = []
        for _ in range(lines):
            words = list(SHARED_WORDS)
            rng.shuffle(words)
            result.append("- " + " ".join(words))
        return result

    return _frame(shuffled(), []), _frame(shuffled(), [], "1.1")


def huge_word_text(size: int) -> str:
    """A register with one activity line of ``size`` bytes without a space (9 MB: near the limit)."""
    return _frame(["- " + "x" * size], ["Spec review\tQ3 2024"])
