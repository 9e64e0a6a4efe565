"""Fleet indexing queries (SearchIndex, GetStatistics, dynamic thing groups): a subset.

Supported, per the developer guide's query syntax and example queries:
- fields `thingName`, `thingId`, `thingTypeName`, `thingGroupNames`, `attributes.<name>`, and
  terms without a field (they search all of those);
- values: exact (`thingName:gw-1`, quoted `"a b"`, `\\` escapes), wildcards `*` and `?`
  (`thingName:meter-*`, `attributes.fw:2.4.?`), `*` alone for "has the field";
- ranges `[1 TO 5]`, `{1 TO 5]`, `["abcd" TO "abcf"}` with `*` for an open end, and
  comparisons `attributes.n<5`, `<=`, `>`, `>=`: numeric when the bounds are numbers (a value
  that is not a number then never matches), string order otherwise;
- `AND`, `OR`, `NOT`, `-` (exclude), parentheses and field grouping (`thingName:(a* OR b*)`);
  adjacent clauses are ANDed (the documented default operator).

Connectivity fields (`connectivity.connected`, `.timestamp`, `.disconnectReason`) are
searched where the caller gives their getters (`LiveFields`: SearchIndex and GetStatistics
with connectivity indexing on), since they change without a registry update; `true`/`false`
for the boolean, milliseconds for the timestamp.

Search is case insensitive and field names are case sensitive, as documented. Everything else
(shadow and Device Defender fields, connectivity fields in a dynamic group's query, fuzzy
`~`, boosting `^`, regular expressions, the documented unsupported special characters) is
InvalidQueryException with a message that names the construct.
"""

from __future__ import annotations

import re

from iotjobs_tui.sim.engine.fleet_query import (
    ANY_FIELD,
    FIELDS,
    GROUP_FIELD,
    And,
    Everything,
    Has,
    LiveFields,
    Node,
    Not,
    Or,
    Query,
    Term,
    Test,
    Values,
    invalid_query,
)
from iotjobs_tui.sim.wire.errors import ServiceError

# Fields AWS knows that the emulator does not index: named in the error, not "invalid".
_UNSUPPORTED_PREFIXES = ("shadow.", "connectivity.", "deviceDefender.", "registry.")
# Documented as unsupported special characters (`,` only in geoqueries, which are unsupported).
_SPECIAL = set("`@#%/';,")
_MAX_LEADING_WILDCARD_QUERY = 100  # documented: a leading-wildcard query has at most 100 chars


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None  # NaN is no number to compare


# --- matchers: one test on one field value --------------------------------------------------


def _exact(text: str) -> Test:
    wanted = text.lower()
    return lambda value: value.lower() == wanted


def _wildcard(text: str) -> Test:
    head = text[:-1].lower()
    if text.endswith("*") and "*" not in head and "?" not in head:
        return lambda value: value.lower().startswith(head)  # a prefix: no regex needed
    pattern = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text.lower())
    compiled = re.compile(pattern, re.DOTALL)
    return lambda value: compiled.fullmatch(value.lower()) is not None


def _range(low: str | None, high: str | None, low_inc: bool, high_inc: bool) -> Test:
    numbers = [_number(b) for b in (low, high) if b is not None]
    if numbers and all(n is not None for n in numbers):
        lo = _number(low) if low is not None else None
        hi = _number(high) if high is not None else None

        def numeric(value: str) -> bool:
            v = _number(value)
            if v is None:
                return False
            if lo is not None and (v < lo or (v == lo and not low_inc)):
                return False
            return not (hi is not None and (v > hi or (v == hi and not high_inc)))

        return numeric
    lo_s = low.lower() if low is not None else None
    hi_s = high.lower() if high is not None else None

    def textual(value: str) -> bool:
        v = value.lower()
        if lo_s is not None and (v < lo_s or (v == lo_s and not low_inc)):
            return False
        return not (hi_s is not None and (v > hi_s or (v == hi_s and not high_inc)))

    return textual


# --- parsing ------------------------------------------------------------------------------------


def check_field(field: str, query: str, live: LiveFields | None = None) -> None:
    if field in FIELDS or (field.startswith("attributes.") and len(field) > 11):
        return
    if live is not None and field in live:
        return
    if field.startswith(_UNSUPPORTED_PREFIXES):
        raise invalid_query(
            f"Field {field} is not supported by the emulator's query subset (it indexes "
            "thingName, thingId, thingTypeName, thingGroupNames and attributes.*, and "
            "connectivity.* in SearchIndex and GetStatistics with connectivity indexing on)."
        )
    # AWS's wording for an unknown field (aws-iot-docs PR #30).
    raise invalid_query(
        f"Unable to parse query, invalid field name, field name: {field}, query string: {query}"
    )


class _Parser:
    def __init__(self, text: str, live: LiveFields | None = None) -> None:
        self.text = text
        self.live: LiveFields = live or {}
        self.used_live = False
        self.pos = 0
        self.terms = 0
        self.leading_wildcards = 0

    # -- characters --

    def _skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self) -> str:
        self._skip()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _keyword(self, word: str) -> bool:
        self._skip()
        end = self.pos + len(word)
        if self.text.startswith(word, self.pos) and (
            end == len(self.text) or self.text[end].isspace() or self.text[end] == "("
        ):
            self.pos = end
            return True
        return False

    def _fail(self, what: str) -> ServiceError:
        return invalid_query(f"Unable to parse query: {what} at position {self.pos}: {self.text}")

    def _word(self, stops: str) -> str:
        """Characters up to whitespace or a stop character; `\\` escapes the next one."""
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c == "\\" and self.pos + 1 < len(text):
                out.append(text[self.pos + 1])
                self.pos += 2
                continue
            if c.isspace() or c in stops:
                break
            if c in _SPECIAL:
                raise invalid_query(f"Special character '{c}' is not supported in queries.")
            if c == "~":
                raise invalid_query("Fuzzy and proximity searches (~) are not supported.")
            if c == "^":
                raise invalid_query("Boosting (^) is not supported.")
            out.append(c)
            self.pos += 1
        return "".join(out)

    def _quoted(self) -> str:
        self.pos += 1  # opening quote
        out: list[str] = []
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            self.pos += 1
            if c == '"':
                return "".join(out)
            out.append(c)
        raise self._fail("unterminated phrase")

    # -- grammar --

    def parse(self) -> Node:
        if not self.text.strip():
            raise invalid_query("The query string is empty.")
        node = self._or(ANY_FIELD)
        if self._peek():
            raise self._fail(f"unexpected '{self._peek()}'")
        return node

    def _or(self, field: str) -> Node:
        children = [self._and(field)]
        while self._keyword("OR"):
            children.append(self._and(field))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def _and(self, field: str) -> Node:
        children = [self._unary(field)]
        while True:
            c = self._peek()
            if not c or c == ")" or (self.text.startswith("OR", self.pos) and self._is_or()):
                break
            self._keyword("AND")
            children.append(self._unary(field))
        return children[0] if len(children) == 1 else And(tuple(children))

    def _is_or(self) -> bool:
        end = self.pos + 2
        return end == len(self.text) or self.text[end].isspace() or self.text[end] == "("

    def _unary(self, field: str) -> Node:
        if self._keyword("NOT"):
            return Not(self._unary(field))
        c = self._peek()
        if c == "-":
            self.pos += 1
            return Not(self._unary(field))
        if c == "+":
            self.pos += 1
        return self._primary(field)

    def _primary(self, field: str) -> Node:
        c = self._peek()
        if not c:
            raise self._fail("a clause is missing")
        if c == "(":
            self.pos += 1
            node = self._or(field)
            if self._peek() != ")":
                raise self._fail("missing ')'")
            self.pos += 1
            return node
        if c == ")":
            raise self._fail("unexpected ')'")
        if c in "[{":
            return self._term(field, self._range_test())
        if c == '"':
            return self._value_term(field, self._quoted(), quoted=True)
        if c == "/":
            raise invalid_query("Regular expressions (/.../) are not supported.")
        word = self._word(":<>()")
        if not word:
            raise self._fail(f"unexpected '{self._peek()}'")
        after_word = self.pos
        nxt = self._peek()  # AWS's examples allow spaces around ':' ("timestamp : [...]")
        if nxt and nxt in ":<>":
            if field != ANY_FIELD:
                raise self._fail(f"unexpected '{nxt}'")
            check_field(word, self.text, self.live)
            if nxt == ":":
                self.pos += 1
                self._skip()
                return self._after_colon(word)
            return self._comparison(word)
        self.pos = after_word
        return self._value_term(field, word, quoted=False)

    def _after_colon(self, field: str) -> Node:
        c = self.text[self.pos] if self.pos < len(self.text) else ""
        if not c or c == ")":
            raise self._fail(f"a value is missing after {field}:")
        if c == "(":
            self.pos += 1
            node = self._or(field)
            if self._peek() != ")":
                raise self._fail("missing ')'")
            self.pos += 1
            return node
        if c in "[{":
            return self._term(field, self._range_test())
        if c == '"':
            return self._value_term(field, self._quoted(), quoted=True)
        word = self._word("()")
        if not word:
            raise self._fail(f"a value is missing after {field}:")
        return self._value_term(field, word, quoted=False)

    def _comparison(self, field: str) -> Node:
        op = self.text[self.pos]
        self.pos += 1
        if self.pos < len(self.text) and self.text[self.pos] == "=":
            op += "="
            self.pos += 1
        self._skip()
        bound = self._quoted() if self._peek() == '"' else self._word("()")
        if not bound:
            raise self._fail(f"a value is missing after {field}{op}")
        if op.startswith("<"):
            return self._term(field, _range(None, bound, False, op == "<="))
        return self._term(field, _range(bound, None, op == ">=", False))

    def _range_test(self) -> Test:
        low_inc = self.text[self.pos] == "["
        self.pos += 1
        self._skip()
        low = self._quoted() if self._peek() == '"' else self._word("]}")
        if not self._keyword("TO"):
            raise self._fail("a range needs 'TO'")
        self._skip()
        high = self._quoted() if self._peek() == '"' else self._word("]}")
        close = self._peek()
        if close not in ("]", "}") or not low or not high:
            raise self._fail("malformed range")
        self.pos += 1
        return _range(
            None if low == "*" else low, None if high == "*" else high, low_inc, close == "]"
        )

    def _value_term(self, field: str, value: str, *, quoted: bool) -> Node:
        if quoted or ("*" not in value and "?" not in value):
            group = value.lower() if field == GROUP_FIELD else None
            return self._term(field, _exact(value), group)
        if value == "*":
            self.terms += 1
            if field in (ANY_FIELD, "thingName", "thingId"):
                return Everything()
            return Has(field, self._live(field))
        if value[0] in "*?":
            self.leading_wildcards += 1
        return self._term(field, _wildcard(value))

    def _term(self, field: str, test: Test, group: str | None = None) -> Node:
        self.terms += 1
        return Term(field, test, group, self._live(field))

    def _live(self, field: str) -> Values | None:
        getter = self.live.get(field)
        self.used_live = self.used_live or getter is not None
        return getter


def parse_query(text: str, max_terms: int, live: LiveFields | None = None) -> Query:
    """Parse a query string; anything outside the subset is InvalidQueryException. `live`:
    getters of the fields read when the query runs (connectivity)."""
    parser = _Parser(text, live)
    root = parser.parse()
    if parser.terms > max_terms:
        raise invalid_query(
            f"A query can have at most {max_terms} terms; this one has {parser.terms}."
        )
    if parser.leading_wildcards > 1:
        raise invalid_query("Only one term of a query may start with a wildcard.")
    if parser.leading_wildcards and len(text) > _MAX_LEADING_WILDCARD_QUERY:
        raise invalid_query(
            f"A query with a leading wildcard can be at most {_MAX_LEADING_WILDCARD_QUERY} "
            "characters long."
        )
    return Query(text, root, live=parser.used_live)
