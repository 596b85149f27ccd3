"""Reduced ordered binary decision diagrams over change kinds: small, pure Python, just what compare needs.

A node is an int; 0 and 1 are the constants.  Variable ``i`` is "the combination includes kind
i" (kinds in policy order).  Operations are memoised (and, or, xor, not), so building the same
function twice gives the same node: two functions are equal iff their nodes are.  Counting the
satisfying assignments and listing them smallest first is linear in the diagram, not in the
2^n assignments.  A diagram that grows past ``max_nodes`` raises :class:`TooLarge` (a caller
falls back to a bounded comparison and says so).
"""

from __future__ import annotations

import itertools
import sys
from typing import Iterator

FALSE, TRUE = 0, 1


class TooLarge(Exception):
    """The diagram outgrew its node budget."""


class BDD:
    def __init__(self, variables: int, max_nodes: int = 1_000_000) -> None:
        self.variables = variables
        self.max_nodes = max_nodes
        self.var = [variables, variables]
        self.lo = [0, 1]
        self.hi = [0, 1]
        self._unique: dict[tuple[int, int, int], int] = {}
        self._memo: dict[tuple[int, int, int], int] = {}
        self._not: dict[int, int] = {}
        if sys.getrecursionlimit() < 4 * variables + 200:
            sys.setrecursionlimit(4 * variables + 200)

    def node(self, var: int, lo: int, hi: int) -> int:
        if lo == hi:
            return lo
        key = (var, lo, hi)
        found = self._unique.get(key)
        if found is None:
            found = len(self.var)
            if found > self.max_nodes:
                raise TooLarge(f"more than {self.max_nodes} nodes")
            self.var.append(var)
            self.lo.append(lo)
            self.hi.append(hi)
            self._unique[key] = found
        return found

    def variable(self, index: int) -> int:
        return self.node(index, FALSE, TRUE)

    def any_of(self, indexes) -> int:
        """The disjunction of some variables."""
        result = FALSE
        for index in sorted(set(indexes), reverse=True):
            result = self.node(index, result, TRUE)
        return result

    # -- operations -------------------------------------------------------------------------------

    def AND(self, a: int, b: int) -> int:
        if a == FALSE or b == FALSE:
            return FALSE
        if a == TRUE or a == b:
            return b
        if b == TRUE:
            return a
        return self._apply(0, a, b)

    def OR(self, a: int, b: int) -> int:
        if a == TRUE or b == TRUE:
            return TRUE
        if a == FALSE or a == b:
            return b
        if b == FALSE:
            return a
        return self._apply(1, a, b)

    def XOR(self, a: int, b: int) -> int:
        if a == b:
            return FALSE
        if a == FALSE:
            return b
        if b == FALSE:
            return a
        if a == TRUE:
            return self.NOT(b)
        if b == TRUE:
            return self.NOT(a)
        return self._apply(2, a, b)

    def NOT(self, a: int) -> int:
        if a < 2:
            return 1 - a
        found = self._not.get(a)
        if found is None:
            found = self._not[a] = self.node(self.var[a], self.NOT(self.lo[a]), self.NOT(self.hi[a]))
        return found

    def diff(self, a: int, b: int) -> int:
        """a and not b."""
        return self.AND(a, self.NOT(b))

    def _apply(self, op: int, a: int, b: int) -> int:
        if a > b:
            a, b = b, a
        key = (op, a, b)
        found = self._memo.get(key)
        if found is not None:
            return found
        va, vb = self.var[a], self.var[b]
        top = va if va < vb else vb
        a0, a1 = (self.lo[a], self.hi[a]) if va == top else (a, a)
        b0, b1 = (self.lo[b], self.hi[b]) if vb == top else (b, b)
        call = (self.AND, self.OR, self.XOR)[op]
        found = self.node(top, call(a0, b0), call(a1, b1))
        self._memo[key] = found
        return found

    # -- questions --------------------------------------------------------------------------------

    def evaluate(self, u: int, chosen: set[int]) -> bool:
        while u > 1:
            u = self.hi[u] if self.var[u] in chosen else self.lo[u]
        return u == TRUE

    def count(self, u: int) -> int:
        """How many assignments of all the variables satisfy ``u``."""
        memo: dict[int, int] = {FALSE: 0, TRUE: 1}

        def below(node: int) -> int:  # assignments of the variables from var(node) on
            found = memo.get(node)
            if found is None:
                level = self.var[node]
                lo, hi = self.lo[node], self.hi[node]
                found = (below(lo) << (self.var[lo] - level - 1)) + (below(hi) << (self.var[hi] - level - 1))
                memo[node] = found
            return found

        return below(u) << self.var[u]

    def fewest_true(self, u: int) -> dict[int, int]:
        """Per node under ``u``: the fewest variables set to reach TRUE from it (unreachable: absent)."""
        memo: dict[int, int] = {TRUE: 0}
        infinity = self.variables + 1

        def best(node: int) -> int:
            if node == FALSE:
                return infinity
            found = memo.get(node)
            if found is None:
                found = memo[node] = min(best(self.lo[node]), best(self.hi[node]) + 1)
            return found

        best(u)
        return memo

    def smallest(self, u: int, limit: int) -> Iterator[tuple[int, ...]]:
        """Satisfying assignments (the variables set), fewest variables first, at most ``limit``."""
        if u == FALSE or limit <= 0:
            return
        fewest = self.fewest_true(u)
        n = self.variables
        produced = 0

        def exact(node: int, level: int, weight: int, chosen: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
            if node == FALSE or weight < 0 or weight > n - level:
                return
            if node == TRUE:
                for rest in itertools.combinations(range(level, n), weight):
                    yield chosen + rest
                return
            if fewest.get(node, n + 1) > weight:
                return
            var = self.var[node]
            if var > level:  # a kind the function does not look at here: either way
                yield from exact(node, level + 1, weight - 1, chosen + (level,))
                yield from exact(node, level + 1, weight, chosen)
                return
            yield from exact(self.hi[node], level + 1, weight - 1, chosen + (level,))
            yield from exact(self.lo[node], level + 1, weight, chosen)

        for weight in range(fewest.get(u, n + 1), n + 1):
            for found in exact(u, 0, weight, ()):
                yield found
                produced += 1
                if produced >= limit:
                    return
