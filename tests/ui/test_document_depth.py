"""`pretty()` never raises: deep or huge job documents are shown as stored, with a note."""

from __future__ import annotations

import json

import pytest

from iotjobs_tui.ui.screens.document import MAX_CHARS, MAX_DEPTH, nesting_depth, pretty


def _array(depth: int) -> str:
    return "[" * depth + "]" * depth


def _object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("build", [_array, _object])
@pytest.mark.parametrize("depth", [50, 989, 990, 16000])
def test_any_depth_is_shown(build, depth: int) -> None:
    document = build(depth)
    assert nesting_depth(document) == depth
    text = pretty(document)
    if depth <= MAX_DEPTH:
        assert text == json.dumps(json.loads(document), indent=2)
    else:
        first, rest = text.split("\n", 1)
        assert first == f"(nested {depth:,} levels deep; shown as stored)"
        assert rest == document


def test_depth_limit_is_exact() -> None:
    assert pretty(_array(MAX_DEPTH)).startswith("[\n")
    assert pretty(_array(MAX_DEPTH + 1)).startswith(f"(nested {MAX_DEPTH + 1} levels deep")


def test_brackets_inside_strings_do_not_count() -> None:
    document = json.dumps({"s": "[" * 5000 + '\\"{' * 5000, "t": ["]]]", "\\"], "u": [[1]]})
    assert nesting_depth(document) == 3
    assert pretty(document) == json.dumps(json.loads(document), indent=2, ensure_ascii=False)


def test_unbalanced_and_not_json() -> None:
    assert nesting_depth("]]]]{") == 1
    assert nesting_depth('"unterminated [[[[') == 0
    assert pretty("not json {") == "not json {"
    assert pretty("") == ""
    assert pretty("[" * 200).startswith("(nested 200 levels deep; shown as stored)\n")


def test_ordinary_document_is_indented() -> None:
    assert pretty('{"operation":"install","url":"ü"}') == (
        '{\n  "operation": "install",\n  "url": "ü"\n}'
    )


def test_recursion_error_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(_text: str) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(json, "loads", boom)
    assert pretty("[[1]]") == "[[1]]"


def test_huge_documents_are_cut() -> None:
    stored = json.dumps({"k": "x" * (MAX_CHARS + 10)})
    text = pretty(stored)
    assert text.startswith(f"({len(stored):,} characters; the first {MAX_CHARS:,} shown)\n")
    assert len(text) < MAX_CHARS + 200
    # Within the size limit, but indentation makes it bigger than the limit.
    grows = json.dumps([[[[[[[[[[i]]]]]]]]] for i in range(MAX_CHARS // 40)])
    assert len(grows) < MAX_CHARS
    text = pretty(grows)
    assert text.startswith("(") and "characters indented; the first" in text.split("\n", 1)[0]
    assert len(text) < MAX_CHARS + 200
