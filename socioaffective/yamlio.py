"""Safe YAML reading that keeps line numbers and reports problems instead of raising.

Mappings come back as :class:`LocDict` (a ``dict`` that knows its own line and
the line of each key) and sequences as :class:`LocList` (a ``list`` that knows
the line of each item). Only plain data is accepted: tags such as
``!!python/object`` are refused, never executed; duplicate keys, alias bombs,
byte-order marks, bad encodings and oversized files become problems.
"""

from __future__ import annotations

import codecs
import functools
import gc
import stat
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import Problem

if TYPE_CHECKING:  # (the stubs cannot type a base class chosen at run time)
    import yaml

    class _Loader(yaml.SafeLoader):
        located_problems: list[tuple[int, str, str, str]]


# PyYAML is imported on the first parse, not with this module: a load served from
# the cache (a warm `socioaffective validate`) reads no YAML and needs none of it.
# ``WITH_LIBYAML`` (True when PyYAML's C parser, libyaml, is in use) is worked out
# on first use too (module ``__getattr__``).


def __getattr__(name: str):
    if name == "WITH_LIBYAML":
        return _with_libyaml()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _with_libyaml() -> bool:
    import yaml

    return _loader().__bases__[0] is not yaml.SafeLoader


DEFAULT_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_ALIAS_EXPANSION = 100_000


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector inside the block.

    Building millions of small containers triggers a full collection again and
    again, each walking every object built so far: loads become quadratic.
    Framework data holds no reference cycles, so nothing is lost by waiting;
    the collector is switched back on (if it was on) when the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class LocDict(dict):
    """A dict that remembers where it and each of its keys stand (1-based lines)."""

    __slots__ = ("line", "key_lines")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = 0
        self.key_lines: dict = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LocList(list):
    """A list that remembers the line of each item (1-based)."""

    __slots__ = ("line", "lines")

    def __init__(self, *args):
        super().__init__(*args)
        self.line = 0
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


_MERGE = "tag:yaml.org,2002:merge"


def _refuse_merge_keys(loader: _Loader, node) -> None:
    """Report and drop YAML merge keys (``<<: *base``): framework files hold plain mappings.

    A merge with a local override was misread as a duplicate key; refusing the
    merge by name says what is wrong. The rest of the mapping is still read.
    """
    kept = []
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:
            loader.located_problems.append(
                (
                    key_node.start_mark.line + 1,
                    "merge-key",
                    "the mapping uses a YAML merge key `<<`, which framework files do not support; the merge was ignored",
                    "write the merged keys out in this mapping",
                )
            )
        else:
            kept.append((key_node, value_node))
    if len(kept) != len(node.value):
        node.value = kept


def _construct_mapping(loader: _Loader, node):
    data = LocDict()
    data.line = node.start_mark.line + 1
    yield data
    _refuse_merge_keys(loader, node)
    key_lines = data.key_lines
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            loader.located_problems.append(
                (line, "yaml-syntax", "a mapping key must be a plain value, not a list or mapping", "write the key as a plain word, e.g. `title:`")
            )
            continue
        if key in key_lines:
            loader.located_problems.append(
                (
                    line,
                    "duplicate-key",
                    f"key `{key}` appears twice in the same mapping (first at line {key_lines[key]}); the second was ignored",
                    "remove or rename one of them",
                )
            )
            continue
        data[key] = loader.construct_object(value_node, deep=True)
        key_lines[key] = line


def _construct_sequence(loader: _Loader, node):
    data = LocList()
    data.line = node.start_mark.line + 1
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)
    data.lines = [child.start_mark.line + 1 for child in node.value]


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def _construct_fast(loader: _Loader, node) -> tuple[object, bool]:
    """Build the data of a composed document: ``(data, shared)``.

    ``data`` is what ``loader.construct_document(node)`` gives, built several
    times faster for the plain strings, mappings and sequences that make up
    almost every framework file. Anything else (numbers, booleans, dates,
    tags) goes through the loader's registered constructors, so it is read,
    or refused, exactly as before. An alias gives the same object, and a node
    that contains itself is refused as PyYAML refuses it. ``shared`` is True
    when a container may be reached twice (an alias to a mapping or list),
    the only way a file can expand beyond its size.
    """
    import yaml

    done: dict[int, object] = {}
    shared = [False]
    busy: set[int] = set()
    problems = loader.located_problems
    MappingNode = yaml.MappingNode
    SequenceNode = yaml.SequenceNode

    def build(node):
        tag = node.tag
        if tag == _STR and type(node) is yaml.ScalarNode:
            return node.value
        key = id(node)
        data: LocDict | LocList
        if key in done:
            shared[0] = True
            return done[key]
        if tag == _MAP and isinstance(node, MappingNode):
            if key in busy:
                raise yaml.constructor.ConstructorError(None, None, "found unconstructable recursive node", node.start_mark)
            busy.add(key)
            data = mapping = LocDict()
            data.line = node.start_mark.line + 1
            _refuse_merge_keys(loader, node)
            key_lines = mapping.key_lines
            for key_node, value_node in node.value:
                k = key_node.value if key_node.tag == _STR and type(key_node) is yaml.ScalarNode else build(key_node)
                line = key_node.start_mark.line + 1
                try:
                    hash(k)
                except TypeError:
                    problems.append(
                        (line, "yaml-syntax", "a mapping key must be a plain value, not a list or mapping", "write the key as a plain word, e.g. `title:`")
                    )
                    continue
                if k in key_lines:
                    problems.append(
                        (
                            line,
                            "duplicate-key",
                            f"key `{k}` appears twice in the same mapping (first at line {key_lines[k]}); the second was ignored",
                            "remove or rename one of them",
                        )
                    )
                    continue
                data[k] = value_node.value if value_node.tag == _STR and type(value_node) is yaml.ScalarNode else build(value_node)
                key_lines[k] = line
            busy.discard(key)
        elif tag == _SEQ and isinstance(node, SequenceNode):
            if key in busy:
                raise yaml.constructor.ConstructorError(None, None, "found unconstructable recursive node", node.start_mark)
            busy.add(key)
            data = items = LocList()
            data.line = node.start_mark.line + 1
            children = node.value
            items.extend([c.value if c.tag == _STR and type(c) is yaml.ScalarNode else build(c) for c in children])
            items.lines = [c.start_mark.line + 1 for c in children]
            busy.discard(key)
        else:
            if type(node) is not yaml.ScalarNode:
                shared[0] = True  # built by PyYAML: measure it to be safe
            return loader.construct_object(node, deep=True)
        done[key] = data
        return data

    return build(node), shared[0]


def _construct_unsafe(loader: _Loader, suffix_or_node, node=None):
    import yaml

    node = node if node is not None else suffix_or_node
    raise yaml.constructor.ConstructorError(None, None, f"unsafe-tag:{node.tag}", node.start_mark)


@functools.cache
def _loader():
    """PyYAML's safe loader (the C one where libyaml is there), with located
    containers and duplicate-key checks: the class, made on first use."""
    import yaml

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[valid-type,misc]  # (a base class chosen at run time)
        """PyYAML's safe loader, with located containers and duplicate-key checks."""

        def __init__(self, stream):
            super().__init__(stream)
            self.located_problems: list[tuple[int, str, str, str]] = []

        _implicit = base.yaml_implicit_resolvers

        def resolve(self, kind, value, implicit):
            # The same answer as PyYAML's resolver, without its per-call list
            # building: most scalars are text whose first character no implicit
            # type (bool, int, null ...) can start with. (Called once per node.)
            if kind is yaml.ScalarNode and not self.yaml_path_resolvers:
                if not implicit[0] or (value and value[0] not in self._implicit and None not in self._implicit):
                    return self.DEFAULT_SCALAR_TAG
            return super().resolve(kind, value, implicit)

        def construct_object(self, node, deep=False):
            # PyYAML's own constructors raise plain Python errors on values such as
            # `2020-13-45` (a date with month 13) or `!!int abc`; make them YAML
            # errors that know their line.
            try:
                return super().construct_object(node, deep=deep)
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
                value = node.value if isinstance(node.value, str) else ""
                shown = value if len(value) <= 40 else value[:39] + "…"
                raise yaml.constructor.ConstructorError(
                    None, None, f"bad-value:the value `{shown}` cannot be read as {node.tag.rsplit(':', 1)[-1]} ({exc})", node.start_mark
                ) from None

    Loader.__name__ = Loader.__qualname__ = "_Loader"
    Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:omap", _construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    Loader.add_constructor(None, _construct_unsafe)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_unsafe)
    Loader.add_multi_constructor("!", _construct_unsafe)
    return Loader


def _expanded_size(data, limit: int) -> int | None:
    """Count the nodes ``data`` would have with every alias copied out.

    Returns None for a structure that contains itself. Stops counting past
    ``limit``. Linear in the number of distinct containers.
    """
    sizes: dict[int, int] = {}
    on_stack: set[int] = set()
    stack = [(data, False)]
    while stack:
        obj, done = stack.pop()
        if not isinstance(obj, (dict, list)):
            continue
        key = id(obj)
        if done:
            on_stack.discard(key)
            children = obj.values() if isinstance(obj, dict) else obj
            total = 1
            for child in children:
                if isinstance(child, (dict, list)):
                    total += sizes[id(child)]
                else:
                    total += 1
                if total > limit:
                    total = limit + 1
                    break
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_stack:
            return None
        on_stack.add(key)
        stack.append((obj, True))
        children = obj.values() if isinstance(obj, dict) else obj
        for child in children:
            if isinstance(child, (dict, list)):
                if id(child) in on_stack:
                    return None
                if id(child) not in sizes:
                    stack.append((child, False))
    return sizes.get(id(data), 1)


#: How deep lists and mappings may nest (a framework needs about six levels).
MAX_DEPTH = 100


def _too_deep(node, limit: int) -> int:
    """The line of the first node nested deeper than ``limit``, or 0 (iterative: no recursion)."""
    import yaml

    stack = [(node, 1)]
    seen: set[int] = set()
    while stack:
        n, depth = stack.pop()
        if depth > limit:
            return n.start_mark.line + 1
        if id(n) in seen or isinstance(n, yaml.ScalarNode):
            continue
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                stack.append((k, depth + 1))
                stack.append((v, depth + 1))
        elif isinstance(n, yaml.SequenceNode):
            stack.extend((c, depth + 1) for c in n.value)
    return 0


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def read_yaml(
    path: Path,
    rel: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_alias_expansion: int = DEFAULT_MAX_ALIAS_EXPANSION,
) -> tuple[object, list[Problem]]:
    """Read one YAML file safely: ``(data, problems)``; data is None if unusable.

    ``rel`` is the path shown in problems.
    """
    problems: list[Problem] = []

    def problem(line: int, code: str, message: str, hint: str = "") -> None:
        problems.append(Problem(rel, line, code, "", message, hint))

    try:
        st = path.stat()
    except OSError as exc:
        problem(
            0,
            "symlink-loop" if exc.errno == 40 else "file-unreadable",
            f"cannot read the file: {exc.strerror}",
            "check that the file exists and that you may read it",
        )
        return None, problems
    size = st.st_size
    if not stat.S_ISREG(st.st_mode):
        problem(
            0, "file-unreadable", "this is not an ordinary file (a device, pipe or socket); it was not read", "replace it with an ordinary file, or remove it"
        )
        return None, problems
    if size > max_bytes:
        problem(
            0,
            "file-too-large",
            f"the file is {size:,} bytes, over the limit of {max_bytes:,}; it was not read",
            "split it into smaller files, or raise `limits.max_file_bytes` in schema.yaml",
        )
        return None, problems
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problem(0, "file-unreadable", f"cannot read the file: {exc.strerror}", "check that it is a file you may read")
        return None, problems
    return parse_yaml_bytes(raw, rel, max_alias_expansion=max_alias_expansion)


def parse_yaml_bytes(raw: bytes, rel: str, *, max_alias_expansion: int = DEFAULT_MAX_ALIAS_EXPANSION) -> tuple[object, list[Problem]]:
    """Parse YAML bytes safely (see :func:`read_yaml`).

    >>> data, problems = parse_yaml_bytes(b"a: 1\\nb: [x, y]\\n", "t.yaml")
    >>> data, data.key_lines["b"], problems
    ({'a': 1, 'b': ['x', 'y']}, 2, [])
    >>> _, problems = parse_yaml_bytes(b"a: 1\\na: 2\\n", "t.yaml")
    >>> [(p.line, p.code) for p in problems]
    [(2, 'duplicate-key')]
    """
    import yaml

    problems: list[Problem] = []

    def problem(line: int, code: str, message: str, hint: str = "") -> None:
        problems.append(Problem(rel, line, code, "", message, hint))

    for bom, name in ((codecs.BOM_UTF8, "UTF-8"), (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if raw.startswith(bom):
            if name != "UTF-8":
                problem(1, "encoding", "the file is UTF-16; framework files must be UTF-8", "re-save the file as UTF-8")
                return None, problems
            problem(1, "byte-order-mark", "the file starts with a UTF-8 byte-order mark", "re-save the file as UTF-8 without BOM")
            raw = raw[len(bom) :]
            break
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1]
        guess = ""
        try:
            guess = f" (as Latin-1 it would read `{raw[exc.start : exc.start + 1].decode('latin-1')}`)"
        except Exception:  # pragma: no cover - latin-1 decodes every byte
            pass
        problem(
            _line_of_offset(raw, exc.start),
            "encoding",
            f"byte 0x{bad.hex()} at offset {exc.start} is not valid UTF-8{guess}",
            "re-save the file as UTF-8",
        )
        # Read on with the bad bytes replaced, so the rest of the file is
        # checked in the same run and its entries still exist.
        text = raw.decode("utf-8", errors="replace")

    loader = _loader()(text)
    was_enabled = gc.isenabled()
    gc.disable()  # the cyclic GC makes large loads superlinear; nothing here makes cycles
    try:
        node = loader.get_single_node()
        deep = _too_deep(node, MAX_DEPTH) if node is not None else 0
        if deep:
            problem(
                deep,
                "yaml-syntax",
                f"the data is nested more than {MAX_DEPTH} levels deep here; it was not read",
                "flatten the structure: a framework needs a few levels at most",
            )
            return None, problems
        data, shared = _construct_fast(loader, node) if node is not None else (None, False)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 0
        msg = str(exc.problem or "")
        if "recursive" in msg:
            problem(line, "alias-bomb", "the data refers to itself through YAML aliases", "write the data out without self-referencing aliases")
        elif msg.startswith("unsafe-tag:"):
            tag = msg.split(":", 1)[1]
            problem(line, "unsafe-tag", f"the tag `{tag}` is not allowed; it was refused and not executed", "remove the tag")
        elif msg.startswith("bad-value:"):
            problem(line, "yaml-syntax", msg.split(":", 1)[1], "put the value in quotes if it is meant as text")
        else:
            problem(line, "yaml-syntax", msg or str(exc), "fix the YAML at this line")
        return None, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        detail = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        if "tab" in detail or _leading_tab(text, line):
            problem(line, "tab-indent", f"a tab character is used for indentation ({detail})", "indent with spaces only")
        else:
            line, message, hint = _plain_syntax(exc, line, detail)
            problem(line, "yaml-syntax", message, hint or _syntax_hint(text, line))
        return None, problems
    except yaml.reader.ReaderError as exc:
        before = text.encode("utf-8")[: exc.position] if _with_libyaml() else text[: exc.position].encode("utf-8")
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        problem(
            before.count(b"\n") + 1,
            "yaml-syntax",
            f"the file contains the invisible character U+{char:04X} ({unicodedata.name(chr(char), 'a control character')}), which YAML does not allow",
            "delete the character (most editors can show invisible characters)",
        )
        return None, problems
    except yaml.YAMLError as exc:
        problem(0, "yaml-syntax", str(exc), "fix the YAML syntax")
        return None, problems
    except RecursionError:
        problem(0, "yaml-syntax", "the file nests too deeply to be read", "flatten the structure")
        return None, problems
    finally:
        loader.dispose()
        if was_enabled:
            gc.enable()
    for line, code, message, hint in loader.located_problems:
        problem(line, code, message, hint)
    if shared:
        size = _expanded_size(data, max_alias_expansion)
        if size is None:
            problem(1, "alias-bomb", "the data refers to itself through YAML aliases", "write the data out without self-referencing aliases")
            return None, problems
        if size > max_alias_expansion:
            problem(
                1,
                "alias-bomb",
                f"YAML aliases expand this file to more than {max_alias_expansion:,} values; it was refused",
                "write the data out without nested aliases",
            )
            return None, problems
    return data, problems


# (words in PyYAML's context, words in its problem, our message, our fix);
# {start} is the line where the unfinished construct began.
_PLAIN_SYNTAX = (
    ("quoted scalar", "end of stream", "a quoted value that starts at line {start} is never closed", "add the closing quote"),
    (
        "flow sequence",
        "",
        "a `[` list that starts at line {start} is not closed (or lacks a comma)",
        "close the list with `]` and separate its items with commas",
    ),
    (
        "flow mapping",
        "",
        "a `{{` mapping that starts at line {start} is not closed (or lacks a comma)",
        "close it with `}}` and separate its items with commas",
    ),
    (
        "",
        "mapping values are not allowed",
        "a `: ` appears where YAML does not expect a key",
        "put a value that contains `: ` in quotes, or fix the indentation",
    ),
    (
        "block mapping",
        "",
        "this line is not indented like the keys above it (the block starts at line {start})",
        "align the line with the other keys of its entry",
    ),
    (
        "block collection",
        "",
        "this line is not indented like the list above it (the list starts at line {start})",
        "start list items with `- ` at the list's indentation",
    ),
    (
        "single document",
        "another document",
        "the file holds more than one YAML document (a second `---`)",
        "remove the `---` line; a framework file is one document",
    ),
    ("", "maximum nesting depth", "the data is nested deeper than a YAML reader allows", "flatten the structure: a framework needs a few levels at most"),
    ("", "undefined alias", "an alias `*name` refers to an anchor `&name` that does not exist", "define the anchor first, or write the value out"),
)


def _plain_syntax(exc, line: int, detail: str) -> tuple[int, str, str]:
    """A plain-language message (and fix) for a PyYAML syntax error."""
    context = str(exc.context or "")
    problem_text = str(exc.problem or "")
    start = exc.context_mark.line + 1 if exc.context_mark is not None else line
    for ctx_words, prob_words, message, hint in _PLAIN_SYNTAX:
        if ctx_words in context and prob_words in problem_text:
            if "end of stream" in problem_text and exc.context_mark is not None:
                line = start  # the end of the file says nothing; where it began does
            return line, f"{message.format(start=start)} (YAML: {detail})", hint
    return line, detail or str(exc), ""


def _leading_tab(text: str, line: int) -> bool:
    """True if line ``line`` (or the one before) is indented with a tab."""
    lines = text.splitlines()
    for n in (line, line - 1):
        if 0 < n <= len(lines):
            src = lines[n - 1]
            if "\t" in src[: len(src) - len(src.lstrip())]:
                return True
    return False


def _syntax_hint(text: str, line: int) -> str:
    lines = text.splitlines()
    if 0 < line <= len(lines):
        src = lines[line - 1]
        for ch in src:
            if ch != "\t" and unicodedata.category(ch) == "Zs" and ch != " ":
                return f"line {line} contains a non-ASCII space ({unicodedata.name(ch, f'U+{ord(ch):04X}')}); use ordinary spaces"
        if ": " in src and src.count('"') % 2:
            return "an unbalanced double quote on this line"
    return "check indentation and quoting on this line and the one before"
