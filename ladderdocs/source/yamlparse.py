"""PyYAML under the loader: one YAML document parsed into a Document that remembers the line
and column of every key and item. Imported only when a file is parsed (source/load.py
`parse_yaml`): a build whose edits were to page bodies alone parses none, and skips PyYAML.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from ladderdocs.errors import Problem
from ladderdocs.source.document import MAX_TEXT_CHARS, MAX_VALUES, UNSHOWABLE, Document, Key

_NO_TIMESTAMPS = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps: dates stay the strings the author wrote."""

    yaml_implicit_resolvers = _NO_TIMESTAMPS


_FAST = hasattr(yaml, "CSafeLoader")


class _FastLoader(getattr(yaml, "CSafeLoader", _Loader)):  # type: ignore[misc]
    """The same on libyaml, when PyYAML has it: ten times faster over thousands of front
    matters. On a mistake the pure-Python loader parses again: its messages are sharper
    (it names the tab that cannot start a token)."""

    yaml_implicit_resolvers = _NO_TIMESTAMPS


def parse(text: str, name: str, problems: list[Problem], line_offset: int = 0) -> Document | None:
    """Parse one YAML document, keeping the position of every key and item."""
    if _FAST:
        found: list[Problem] = []
        doc = _parse(_FastLoader, text, name, found, line_offset)
        if doc is not None:
            problems += found
            return doc
    return _parse(_Loader, text, name, problems, line_offset)


def _parse(loader_class: type[_Loader], text: str, name: str, problems: list[Problem],
           line_offset: int) -> Document | None:
    loader = None
    try:
        loader = loader_class(text)  # the pure-Python reader refuses control characters right here
        node = loader.get_single_node()
        if node is None:
            problems.append(Problem(name, 1 + line_offset, 1, "no YAML content; expected a mapping"))
            return None
        doc = Document(name, None)
        _check_size(node)
        doc.data = _construct(loader, node, (), doc, line_offset, problems)
        return doc
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(str(part) for part in (err.context, err.problem) if part)
        problems.append(Problem(name, line + line_offset, col,
                                f"invalid YAML ({what}); expected well-formed YAML"))
    except yaml.reader.ReaderError as err:
        at = min(err.position, len(text))
        line, col = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        problems.append(Problem(name, line + line_offset, col,
                                f"character U+{err.character:04X} is not allowed in YAML; expected printable text"))
    except (yaml.YAMLError, ValueError) as err:
        problems.append(Problem(name, 1 + line_offset, 1, f"invalid YAML ({err})"))
    except RecursionError:
        problems.append(Problem(name, 1 + line_offset, 1,
                                "YAML nested too deeply; expected a few levels of nesting"))
    finally:
        if loader is not None:
            loader.dispose()
    return None


def _check_size(root: yaml.Node) -> None:
    """Refuse alias bombs before anything walks the expanded document."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        sizes[id(node)] = 1  # guards against recursive aliases
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in node.value)
        else:
            total = 1
        sizes[id(node)] = total
        if total > MAX_VALUES:
            raise ValueError(f"the document expands to more than {MAX_VALUES} values")
        return total

    size(root)


def _construct(loader: _Loader, node: yaml.Node, path: tuple[Key, ...], doc: Document,
               line_offset: int, problems: list[Problem]) -> Any:
    doc.positions.setdefault(path, (node.start_mark.line + 1 + line_offset, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                line = key_node.start_mark.line + 1 + line_offset
                problems.append(Problem(doc.name, line, key_node.start_mark.column + 1,
                                        "a mapping key must be a plain word; expected text"))
                continue
            if key in result:
                line = key_node.start_mark.line + 1 + line_offset
                problems.append(Problem(doc.name, line, key_node.start_mark.column + 1,
                                        f"duplicate key '{key}'; expected each key once"))
            child = (*path, str(key) if not isinstance(key, str) else key)
            doc.positions[child] = (key_node.start_mark.line + 1 + line_offset,
                                    key_node.start_mark.column + 1)
            result[key] = _construct(loader, value_node, child, doc, line_offset, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, (*path, index), doc, line_offset, problems)
                for index, item in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str):  # a block scalar's text starts on the line after its '|' or '>'
        doc.text_lines[path] = node.start_mark.line + 1 + line_offset + (node.style in ("|", ">"))
        if len(value) > MAX_TEXT_CHARS:
            problems.append(Problem(doc.name, node.start_mark.line + 1 + line_offset, node.start_mark.column + 1,
                                    f"the text is {len(value):,} characters long; expected at most "
                                    f"{MAX_TEXT_CHARS:,} characters (a longer text belongs on a page)"))
            value = value[:MAX_TEXT_CHARS]
    unshowable = UNSHOWABLE.search(value) if isinstance(value, str) else None
    if unshowable:
        problems.append(Problem(doc.name, node.start_mark.line + 1 + line_offset, node.start_mark.column + 1,
                                f"the escape for U+{ord(unshowable.group()):04X} makes a character no page "
                                "can show; expected printable text"))
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(Problem(doc.name, node.start_mark.line + 1 + line_offset, node.start_mark.column + 1,
                                f"'{node.value}' is not a finite number; expected an amount such as 120000"))
    return value
