"""Property tests: on any input, reading and diffing raise nothing but WorkregError subclasses."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workreg.errors import WorkregError
from workreg.registers.diff import as_fact, diff_registers
from workreg.registers.lint import lint_register
from workreg.registers.model import WorkRegister
from workreg.registers.read import read_register
from workreg.registers.vocabulary import load_vocabulary

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Lines likely to reach deep into the parser: headings, table rows, labels, contacts, placeholders.
LINES = st.sampled_from([
    "Alliance Organizations", "Alliance Benefits", "Activities", "Limitations", "Milestones / Dates",
    "Access", "Documentation", "Work Register Review Date", "Resources Identified / Points of Contact:",
    "Corresponding Partner Document", "Approval by the DMTF Board of Directors", "## Additional Considerations",
    "Foo Org (FO) and the DMTF", "FO:", "DMTF:", "The FO will make the following documents available:",
    "Milestone/Deliverables\tTimeframe", "Spec review - done\tQ3 2024", "\t", "\t?", "\tTBD", "",
    "- Jane Doe, jane@fo.example", "- VP (vp@dmtf.org)", "?", "…?", "xx/xx/2018", "<date>",
    "Board Resolution <resolution ID>, on <date>.", "Board Resolution 2024-01-02 on 13/45/2024.",
    "The next review date is expected to be Smarch 2020", "Version", "Date:", "| a | b |", "|---|",
    "- MCTP and Redfish", "**", "*", "[bookmark: _GoBack]", "# ", "Date Initiated: 99/99/9999",
])
DOCUMENTS = st.lists(st.one_of(LINES, st.text(max_size=40)), max_size=40).map("\n".join)


def _read(content: bytes, suffix: str) -> WorkRegister | None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"input{suffix}"
        path.write_bytes(content)
        try:
            return read_register(path)
        except WorkregError:
            return None


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".md", ".docx", ".yaml", ".json", ""]))
def test_read_arbitrary_bytes(content, suffix):
    _read(content, suffix)


@SETTINGS
@given(st.text(max_size=2000), st.sampled_from([".txt", ".yaml", ".json"]))
def test_read_arbitrary_text(text, suffix):
    _read(text.encode("utf-8", errors="surrogatepass"), suffix)


@SETTINGS
@given(DOCUMENTS, DOCUMENTS)
def test_read_lint_and_diff_register_like_documents(old_text, new_text):
    from datetime import date

    vocabulary = load_vocabulary()
    old = _read(old_text.encode("utf-8", errors="surrogatepass"), ".txt")
    new = _read(new_text.encode("utf-8", errors="surrogatepass"), ".txt")
    for register in (old, new):
        if register is not None:
            lint_register(register, today=date(2026, 1, 1))
    if old is not None and new is not None:
        for record in diff_registers(old, new, vocabulary):
            assert all(isinstance(value, (str, bool, int)) for value in as_fact(record).values())
        assert diff_registers(old, old, vocabulary) == []


@given(st.text(alphabet=st.sampled_from(["-", " ", "\t", "\u00a0", "\u2003", "\u3000", "\u2028", "a", "*", "_", "#",
                                         "1", ".", ")", "[", "•"]), max_size=12))
def test_clean_line_is_clean_and_is_bullet(text):
    """clean_line's shortcut for the '-' marker gives what clean and is_bullet give."""
    from workreg.registers.inline import clean, clean_line, is_bullet

    stripped = text.strip()
    assert clean_line(text) == (clean(text), not stripped.startswith("#") and is_bullet(stripped))


# Pieces around every branch of clean_line and odd_lines: markers, markup, spaces of every kind,
# done markers; now and then a line break inside a text.
LINE_PIECES = st.sampled_from(["-", " ", "  ", "\t", "\u00a0", "\u2003", "\x1c", "\r", "\n", "a", "B", "*", "_",
                               "#", "1", ".", ")", "(", "[", "<", "•", "é", "- ", "x]", "done", "Complete", "word"])
PIECE_TEXTS = st.lists(LINE_PIECES, max_size=8).map("".join)


@given(st.lists(PIECE_TEXTS, max_size=12))
def test_clean_lines_is_clean_line_of_each_line(texts):
    """clean_lines' plain-line shortcut gives clean_line's answer for every non-blank line."""
    from workreg.registers.inline import clean_line, clean_lines

    lines = list(enumerate(texts, start=1))
    expected = [(number, *clean_line(text)) for number, text in lines if text and not text.isspace()]
    assert list(zip(*clean_lines(lines))) == expected


@given(st.lists(st.one_of(PIECE_TEXTS, LINES, st.text(max_size=12)), max_size=12))
@example(["-", "- Jane Doe, jane@fo.example"])  # two list markers after line breaks, one after the other
def test_keys_is_key_of_each_text(texts):
    """The diff's whole-list keys are each text's own normalised key."""
    from workreg.registers.diff import _key, _keys
    from workreg.registers.inline import comparable

    assert _keys(texts) == [_key(text) for text in texts] == [comparable(text).casefold() for text in texts]


def test_keys_find_every_done_ending_of_a_plain_text():
    """The reversed search for done markers finds each ending a plain text's done marker can have."""
    from workreg.registers.diff import _REVERSED_TAILS
    from workreg.registers.inline import PLAIN_DONE_TAILS

    for tail in PLAIN_DONE_TAILS:
        assert _REVERSED_TAILS.match(f"task {tail}\n"[::-1]), tail


@given(st.lists(st.tuples(st.text(max_size=5), st.integers(1, 10**6)), max_size=5),
       st.none() | st.text(max_size=3), st.none() | st.sampled_from(["partner", "dmtf"]))
def test_items_of_is_item(pairs, group, organization):
    """The list-at-a-time Items are the Items the dataclass makes, field for field."""
    from workreg.registers.model import Item, items_of

    made = items_of([text for text, _ in pairs], [line for _, line in pairs], group, organization)
    assert made == [Item(text, line, group, organization) for text, line in pairs]
    assert all(type(item) is Item for item in made)
    assert not hasattr(Item, "__post_init__")  # nothing of __init__'s is skipped


@given(st.binary(max_size=40) | st.text(max_size=20).map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_decode_finds_control_characters_by_their_bytes(data):
    """decode's byte test of UTF-8 and Windows-1252 text rejects what the pattern finds in the text."""
    from workreg.errors import RegisterError
    from workreg.registers.read import _BINARY_CONTROL, decode

    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return
    try:
        assert decode(data, file="x") == text
        rejected = False
    except RegisterError as error:
        rejected = error.code == "binary"
    assert rejected == (_BINARY_CONTROL.search(text) is not None)


def _split_line_by_line(lines, template):
    """split_sections as it was written before its C-level filter: every line tested in turn (the oracle)."""
    from workreg.registers.structure import RawSection, heading_id
    from workreg.registers.inline import clean

    preamble, sections, seen = [], [], set()
    for line in lines:
        section = heading_id(line.text, template)
        if section is not None and section not in seen:
            seen.add(section)
            sections.append(RawSection(section, clean(line.text), line.number))
        elif sections:
            sections[-1].body.append(line)
        else:
            preamble.append(line)
    return preamble, sections


@SETTINGS
@given(st.lists(st.one_of(LINES, PIECE_TEXTS, LINES.map(lambda line: f"  {line} \t")), max_size=40))
def test_split_sections_is_each_line_in_turn(texts):
    """The sections split_sections finds are those of testing each line in turn."""
    from workreg.registers.read import text_lines
    from workreg.registers.structure import split_sections
    from workreg.registers.template import default_template

    lines = text_lines("\n".join(texts))
    assert split_sections(lines, default_template()) == _split_line_by_line(lines, default_template())


_SCOPE_WORDS = st.sampled_from(["Redfish", "SPDM", "PMCI", "MCTP", "security", "forum", "the", "and", "Swordfish",
                                "redfish", "REDFISH", "ſpdm", "\x00", "-", " "])


@SETTINGS
@given(st.lists(st.lists(_SCOPE_WORDS, max_size=6).map(" ".join), max_size=8), st.sets(st.integers(0, 7)))
def test_groups_in_any_is_each_texts_groups(texts, remembered):
    """One search of the texts joined, with the texts whose mentions are remembered left out of it,
    finds the groups each text finds alone."""
    from workreg.registers.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    for index in remembered:
        if index < len(texts):
            vocabulary.mentioned_in(texts[index])
    assert vocabulary.groups_in_any(texts) == frozenset().union(*map(vocabulary.groups_in, texts))


@given(st.lists(st.one_of(PIECE_TEXTS, LINES, st.text(max_size=12)), max_size=12))
def test_strip_markup_each_is_strip_markup_of_each(texts):
    """The list-at-a-time strip_markup answers what strip_markup answers for each text."""
    from workreg.registers.inline import strip_markup, strip_markup_each

    assert strip_markup_each(texts) == [strip_markup(text) for text in texts]
