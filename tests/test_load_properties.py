"""Property tests: the policy loader raises only workreg's own errors, whatever it is given."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from workreg.errors import WorkregError
from workreg.policy.load import load_policy, load_policy_text
from tests.conftest import FIXTURES, SHIPPED_POLICY

BASE = (FIXTURES / "policies" / "minimal.yaml").read_text()
SHIPPED = SHIPPED_POLICY.read_text()

yaml_ish = st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>#'\"\n\t 019.@%<")), max_size=300)


def _loads_or_refuses(text: str) -> None:
    try:
        load_policy_text(text, "prop.yaml")
    except WorkregError as error:
        assert str(error).startswith("prop.yaml")


@settings(max_examples=400, deadline=None)
@given(yaml_ish)
def test_arbitrary_yaml_like_text(text):
    _loads_or_refuses(text)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(SHIPPED)), st.integers(min_value=0, max_value=80), yaml_ish)
def test_mutated_shipped_policy(position, cut, insert):
    _loads_or_refuses(SHIPPED[:position] + insert + SHIPPED[position + cut:])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_from_a_file(tmp_path, data):
    path = tmp_path / "bytes.yaml"
    path.write_bytes(data)
    try:
        load_policy(path)
    except WorkregError as error:
        assert str(error).startswith(str(path))


def test_billion_laughs_is_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    try:
        load_policy_text(bomb, "bomb.yaml")
    except WorkregError as error:
        assert error.code == "yaml-alias"
    else:
        raise AssertionError("an alias bomb loaded")


def test_deep_nesting_is_refused():
    try:
        load_policy_text("a: " + "[" * 200 + "]" * 200, "deep.yaml")
    except WorkregError as error:
        assert error.code == "too-deep"
    else:
        raise AssertionError("200 levels of nesting loaded")


def _same_as_reference(text: str) -> None:
    """Where libyaml answers, it answers as PyYAML's pure-Python loader; where that refuses, libyaml does not answer."""
    from workreg.inputs import _parse_with_libyaml, parse_yaml_reference

    fast = _parse_with_libyaml(text)
    try:
        reference = parse_yaml_reference(text, "prop.yaml")
    except WorkregError:
        assert fast is None
        return
    if fast is not None:
        assert repr(fast) == repr(reference)  # repr: NaN is not equal to itself


@settings(max_examples=300, deadline=None)
@given(yaml_ish)
def test_libyaml_agrees_with_pyyaml_on_yaml_like_text(text):
    _same_as_reference(text)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=len(BASE)), st.integers(min_value=0, max_value=80), yaml_ish)
def test_libyaml_agrees_with_pyyaml_on_mutated_policies(position, cut, insert):
    _same_as_reference(BASE[:position] + insert + BASE[position + cut:])


def test_libyaml_answers_for_the_shipped_policies():
    from workreg.inputs import _parse_with_libyaml, parse_yaml_reference

    for path in sorted(SHIPPED_POLICY.parent.parent.glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        fast = _parse_with_libyaml(text)
        assert fast is not None and fast == parse_yaml_reference(text, str(path)), path
