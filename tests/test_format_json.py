"""format_json writes what json.dumps(indent=2, ensure_ascii=False) writes, on any JSON-like data."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from workreg.outputs import format_json

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
DATA = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
    | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(DATA)
def test_format_json_is_json_dumps(data):
    assert format_json(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
