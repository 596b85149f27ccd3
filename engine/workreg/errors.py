"""The one exception family workreg raises on purpose, printed as ``file:line: code: message``."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: the CLI imports this module before it can handle Ctrl-C
    from typing import Any, Iterable, Sequence


class WorkregError(Exception):
    """Base of every error workreg raises for bad input; prints as ``file:line: code: message``.

    ``exit_code`` is what the CLI exits with: 2 for usage or input errors.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        code: str = "error",
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        message = _without_secrets(message) or ""
        file, hint = _without_secrets(file), _without_secrets(hint)
        super().__init__(message)
        self.message = message
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.hint = hint

    @property
    def location(self) -> str:
        """``file:line`` (or just ``file``, or ``workreg``) for the start of the message."""
        if self.file is None:
            return "workreg"
        if self.line is None:
            return str(self.file)
        return f"{self.file}:{self.line}"

    def __str__(self) -> str:
        text = f"{self.location}: {self.code}: {self.message}"
        if self.field:
            text += f" (at {self.field})"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_dict(self) -> dict[str, Any]:
        """The error as a JSON-ready object (stable keys)."""
        return {
            "file": self.file,
            "line": self.line,
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "hint": self.hint,
        }


def _without_secrets(text: str | None) -> str | None:
    """Text an error will show, with database passwords masked (a driver may quote the URL back)."""
    if text is None or ("://" not in text and "=" not in text):
        return text
    from workreg.redact import redact_text  # only for text that may hold one: start-up stays light

    return redact_text(text)


class WorkregErrors(WorkregError):
    """Several errors found in one pass, reported together."""

    def __init__(self, errors: Sequence[WorkregError]) -> None:
        if not errors:
            raise ValueError("WorkregErrors needs at least one error")
        self.errors = tuple(errors)
        first = self.errors[0]
        super().__init__(
            first.message, code=first.code, file=first.file, line=first.line,
            field=first.field, hint=first.hint,
        )

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class PolicyError(WorkregError):
    """A policy file is unreadable or invalid."""


class UsageError(WorkregError):
    """The caller asked for something that does not exist (unknown policy, change kind, ...)."""


class RegisterError(WorkregError):
    """A work register document cannot be read or recognised."""


class OutputError(WorkregError):
    """Output cannot be written: a failed or closed stream, or an output file that cannot be made."""


class RulesError(WorkregError):
    """The rules engine adapter hit one of its limits or failed."""


def did_you_mean(word: str, choices: Iterable[str] | Suggestions) -> str | None:
    """A ``did you mean 'x'?`` hint for an unknown id, or None when nothing is close.

    ``choices`` may be a :class:`Suggestions` built once, for many look-ups in the same names.
    """
    index = choices if isinstance(choices, Suggestions) else Suggestions(choices)
    return index.hint(word)


class Suggestions:
    """Names to suggest from, indexed once: each hint costs about the same however many names.

    Up to ``SCAN_ALL`` names, difflib looks at every one (as it always did).  Beyond, an index of
    the names' character trigrams picks at most ``CANDIDATES`` names sharing the most trigrams
    with the word (reading at most ``POSTINGS`` index entries, rarest trigrams first) and difflib
    chooses among those: a typo of a 3,000-step policy's step id costs about a millisecond
    instead of 3,000 string comparisons.  A name that shares no trigram with the word can be
    missed; such a name is seldom what the writer meant.
    """

    SCAN_ALL = 200
    CANDIDATES = 12
    POSTINGS = 2000

    def __init__(self, choices: Iterable[str]) -> None:
        self.options = sorted(set(choices))
        self._grams: dict[str, list[int]] | None = None
        self._answers: dict[str, str | None] = {}

    def hint(self, word: str) -> str | None:
        """``did you mean 'x'?``, ``expected one of: ...`` (a dozen names or fewer) or None."""
        if word in self._answers:
            return self._answers[word]
        import difflib  # only when a hint is needed: the CLI imports this module at start-up

        candidates = self.options if len(self.options) <= self.SCAN_ALL else self._candidates(word)
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
        if close:
            answer: str | None = f"did you mean '{close[0]}'?"
        elif self.options and len(self.options) <= 12:
            answer = "expected one of: " + ", ".join(self.options)
        else:
            answer = None
        if len(self._answers) < 10_000:
            self._answers[word] = answer
        return answer

    def _candidates(self, word: str) -> list[str]:
        if self._grams is None:
            self._grams = {}
            for number, option in enumerate(self.options):
                for gram in _trigrams(option):
                    self._grams.setdefault(gram, []).append(number)
        from collections import Counter
        from itertools import chain

        postings = sorted((self._grams[gram] for gram in _trigrams(word) if gram in self._grams), key=len)
        taken, budget = [], self.POSTINGS
        for posting in postings:  # the rarest trigrams say the most, and cost the least
            taken.append(posting[:budget])
            budget -= len(posting)
            if budget <= 0:
                break
        shared = Counter(chain.from_iterable(taken))
        # Of the names sharing the most trigrams, those of about the word's length first (Dice).
        size = len(word) + 2
        best = sorted(shared.most_common(4 * self.CANDIDATES),
                      key=lambda item: (-2 * item[1] / (size + len(self.options[item[0]]) + 2), item[0]))
        return [self.options[number] for number, _ in best[:self.CANDIDATES]]


def _trigrams(text: str) -> set[str]:
    padded = f"\x02{text.casefold()}\x03"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class RenderError(WorkregError):
    """A diagram cannot be rendered (no Graphviz ``dot`` program, unknown output format)."""


class CaseError(WorkregError):
    """A case or its record cannot be used: unknown case, unreachable or foreign database, bad stored event."""


class RecordRefused(CaseError):
    """The policy does not allow what was asked of a case (out of order, not needed, already recorded)."""

    exit_code = 1
