"""Records read for some of their fields only: what a view of the dataset needs.

A command that draws the partner network of a million records needs, of each project,
the ids of its partners, not its titles, funding and outputs; a yearly table needs the
year and the students of each placement.  Building the whole model of each
(:func:`unikommune.load`) costs many times more than reading those values.  A
:class:`PartialDecoder` reads the values at some paths of a collection's JSON Lines
records (ids, texts of a pattern such as dates, whole numbers) into msgspec structs
whose attributes are the models' field names, typed from the models' mirrors (the same
nesting, lists, optional fields, bounds and patterns), so that a path reads a struct as
it reads a model.  Of a field that may be
a number or something else (a year as known, a count or an estimate) only a number is
read light.

A line is taken only when what it gives at those paths is certainly what the model
would hold:

* the line decodes into the struct: the read fields have their types (an id is a
  string, a number a whole number within its bounds, a list a list of objects),
  whatever else the line holds;
* every id read has the id pattern, and the models' own validators met on the paths
  (looked up in their core schemas) hold: a list whose ids must be distinct gives none
  twice, and a period, a timeframe or an SDG link passes the check its validator makes,
  by the same function (:data:`_CHECKS`); a path with any other validator is not read
  light at all;
* every key on the paths is given once: each ``"key":`` in the line's bytes is one the
  struct read (a key given twice, a ``null`` where the struct reads none, or spacing
  before a colon all count otherwise, and send the line back).

A line not taken is read as a whole model by the caller, which reports what is wrong
with it as :func:`unikommune.load` does.  The fields not read are not checked at all:
that is :func:`unikommune.validate`'s business.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import Annotated, Any

from unikommune.codelists import SDG_TARGETS
from unikommune.dataset.mirror import mirror_schema, union_choices
from unikommune.models import COLLECTIONS
from unikommune.models.paths import FieldPath, Reference, distinct_lists
from unikommune.models.sdg import target_problem
from unikommune.models.values import LOCAL_ID_PATTERN, ends_before_start, is_local_id

__all__ = ["PartialDecoder", "partial_decoder", "well_formed_ids"]

#: Ids one per line, each followed by a newline: the ids of a batch at once.
_IDS = re.compile(f"(?a)(?:{LOCAL_ID_PATTERN[1:-1]}\n)*\\Z")
#: A string of a name's characters and Unicode escapes, one escape at least: a key that
#: may spell a name read without its bytes holding the name.
_ESCAPED_NAME = re.compile(rb'"[\w\\]*\\u[0-9A-Fa-f]{4}[\w\\]*"')


def _countable(data: bytes, spaced: tuple[bytes, ...]) -> bool:
    """Return whether every key read in JSON ``data`` is counted by the bytes ``"name":``.

    A key followed by white space before its colon, or spelled with an escape, would not
    be; a key is never spelled with more than its name, so other bytes that look like
    one only make the count larger.  White space between tokens is a space, a tab or a
    carriage return (a line holds no line feed, and a string no raw tab or carriage
    return): ``spaced`` are the names read followed by a space (``"name" ``).
    """
    # Single bytes and long needles are found at memory speed; a needle of two bytes
    # whose first is a quote, or a pattern, scans a byte at a time.
    if b"\t" in data or (b'" ' in data and any(needle in data for needle in spaced)):
        return False
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n") + data.endswith(b"\r"):
        return False  # a carriage return elsewhere than at the end of a line
    return b"\\" not in data or not _ESCAPED_NAME.search(data)


def well_formed_ids(ids: list[str]) -> list[bool] | None:
    """Return ``None`` when every id of ``ids`` is well formed, else which ones are."""
    text = "\n".join(ids) + "\n"
    # One match over the batch; counting the newlines keeps an id with one from passing
    # as two.
    if not ids or (text.count("\n") == len(ids) and _IDS.match(text)):
        return None
    return [is_local_id(value) for value in ids]


#: A tree of the steps of some paths: ``(attribute, JSON name)`` to the steps after it.
_Tree = dict[tuple[str, str], "_Tree"]


@dataclass(frozen=True)
class PartialDecoder:
    """Reads the values at :attr:`paths` of a collection's JSON Lines records."""

    paths: tuple[FieldPath, ...]
    decode: Any
    #: For each key on the paths, its bytes in a line and the paths it is read at.
    keys: tuple[tuple[bytes, tuple[FieldPath, ...]], ...]
    #: The lists of ids on the paths whose ids the model requires distinct.
    distinct: tuple[FieldPath, ...] = ()
    #: The paths whose values are ids, matched against the id pattern after decoding.
    ids: tuple[FieldPath, ...] = ()
    #: The models' validators on the paths: the values at a path, and their check.
    checks: tuple[tuple[FieldPath, Callable[[Any], bool]], ...] = ()

    @cached_property
    def spaced(self) -> tuple[bytes, ...]:
        """Return each key read followed by a space: ``"name" ``."""
        return tuple(needle[:-1] + b" " for needle, _ in self.keys)

    def read(self, lines: Sequence[bytes]) -> list[Any]:
        """Return a struct for each line taken, ``None`` for each line not taken.

        A blank line is not taken either: the caller skips it, as a load does.  The
        keys of a chunk are counted at once when it is :func:`_countable` (then no
        line holds fewer of a key than it read, so equal totals mean equal counts on
        every line); else line by line.
        """
        try:
            records = list(map(self.decode, lines))
        except (ValueError, RecursionError):  # msgspec's errors, a blank line, deep nesting
            return self._patterned([self._one(line) for line in lines])
        if self._keys_once(b"\n".join(lines), records):
            return self._patterned(records)
        return self._patterned([self._one(line) for line in lines])

    def _one(self, line: bytes) -> Any:
        """Return the struct of one line, or ``None`` when it is not taken."""
        try:
            record = self.decode(line)
        except (ValueError, RecursionError):  # the model's reading says what is wrong
            return None
        return record if self._keys_once(line, [record]) else None

    def _keys_once(self, data: bytes, records: list[Any]) -> bool:
        """Return whether ``data`` gives each key on the paths as often as ``records`` read it."""
        return _countable(data, self.spaced) and all(
            data.count(needle) == sum(len(path.across(records)) for path in held)
            for needle, held in self.keys
        )

    def _patterned(self, records: list[Any]) -> list[Any]:
        """Return ``records`` with ``None`` for each holding an id off the pattern.

        Or failing a validator of the models on its paths (:meth:`_all_valid`).
        """
        taken = [record for record in records if record is not None]
        ids = [value for path in self.ids for value in path.across(taken)]
        if not self._all_valid(taken):
            records = [
                None if record is None or not self._all_valid([record]) else record
                for record in records
            ]
        if well_formed_ids(ids) is None:
            return records
        return [
            None
            if record is None or well_formed_ids([v for p in self.ids for v in p.plain(record)])
            else record
            for record in records
        ]

    def _all_valid(self, records: list[Any]) -> bool:
        """Return whether ``records`` pass the models' validators on their paths.

        No list that must hold distinct ids repeats one, and every check holds.
        """
        return all(
            len(set(items)) == len(items)
            for path in self.distinct
            for items in path.across(records)
        ) and all(all(map(check, path.across(records))) for path, check in self.checks)


@cache
def partial_decoder(collection: str, paths: tuple[FieldPath, ...]) -> PartialDecoder | None:
    """Return the decoder of the values at ``paths`` of ``collection``'s records.

    A path may lead, through lists and objects, to an id, a text of a pattern (a date)
    or a whole number (of a field that may also be something else, such as a year as
    known: only a number is read light).  ``None`` without msgspec, or when a path leads
    somewhere this cannot read alone: the caller then builds models.
    """
    try:
        import msgspec
    except ImportError:
        return None
    tree: _Tree = {}
    for path in paths:
        if isinstance(path, Reference) and path.mixed:
            return None
        node = tree
        for step in path.steps:
            node = node.setdefault(step, {})
    model = COLLECTIONS[collection]
    build = _Build(msgspec)
    walk = _Walk(set(distinct_lists(model)))
    try:
        struct = _typed(mirror_schema(model), tree, (), build)
        _validators(model.__pydantic_core_schema__, tree, (), walk)
    except TypeError:
        return None
    keys: dict[str, list[FieldPath]] = {}
    _key_paths(tree, (), keys)
    return PartialDecoder(
        paths,
        msgspec.json.Decoder(struct).decode,
        tuple((f'"{name}":'.encode(), tuple(held)) for name, held in keys.items()),
        tuple(walk.lists),
        tuple(build.ids),
        tuple(walk.checks),
    )


def _period_in_order(period: Any) -> bool:
    return period.end is None or _in_order(period.start, period.end)


@lru_cache(maxsize=65_536)
def _in_order(start: str, end: str) -> bool:
    # Dates repeat a great deal across records: each pair is worked out once.
    return not ends_before_start(start, end)


def _timeframe_ends(period: Any) -> bool:
    return bool(period.end != "..")


def _link_of_its_goal(link: Any) -> bool:
    return link.target is None or target_problem(link.goal, link.target) is None


def _known_target(target: Any) -> bool:
    return target in _TARGETS


_TARGETS = frozenset(SDG_TARGETS)


#: The models' own validators a light record may meet on its paths, by their names:
#: the fields each reads, and the same check on a light value (the same functions the
#: validators call).  A path with any other validator is not read light.
_CHECKS: dict[str, tuple[tuple[str, ...], Callable[[Any], bool]]] = {
    "Period._end_not_before_start": (("start", "end"), _period_in_order),
    "Timeframe._has_an_end": (("end",), _timeframe_ends),
    "SdgLink._target_of_goal": (("goal", "target"), _link_of_its_goal),
    "_known_target": ((), _known_target),
}


@dataclass
class _Walk:
    """What :func:`_validators` finds along the paths of a model's core schema."""

    distinct: set[FieldPath]
    definitions: dict[str, Any] = field(default_factory=dict)
    #: The lists of ids the model wants distinct, met on the paths.
    lists: list[FieldPath] = field(default_factory=list)
    #: The checks of the validators met, with the path of the values each checks.
    checks: list[tuple[FieldPath, Callable[[Any], bool]]] = field(default_factory=list)


def _validators(
    node: Mapping[str, Any], tree: _Tree, steps: tuple[tuple[str, str], ...], walk: _Walk
) -> None:
    """Find the model's own validators on the paths of ``tree``, each with its light check.

    The mirror has no Python validator; the model's core schema has them.  A list's
    items being distinct, and the validators of :data:`_CHECKS` whose fields are read,
    are checked on the light values (:meth:`PartialDecoder.read`); any other would see
    more than is read.

    Raises:
        TypeError: another validator is on a path.
    """
    kind = node["type"]
    inner = node.get("schema")
    if kind == "definitions":
        for definition in node["definitions"]:
            walk.definitions[definition["ref"]] = definition
        _validators(node["schema"], tree, steps, walk)
    elif kind == "definition-ref":
        _validators(walk.definitions[node["schema_ref"]], tree, steps, walk)
    elif kind in {"model", "default", "nullable", "model-field"}:
        _validators(node["schema"], tree, steps, walk)
    elif kind == "model-fields":
        for (name, key), after in tree.items():
            _validators(node["fields"][name], after, (*steps, (name, key)), walk)
    elif kind == "function-after" and isinstance(inner, dict) and inner["type"] == "list":
        if FieldPath(steps) not in walk.distinct or tree["[]", "[]"]:
            raise TypeError(f"a validator on the list at {steps}")
        walk.lists.append(FieldPath(steps))
        walk.distinct = walk.distinct - {FieldPath(steps)}  # its own validator, met once
        _validators(inner, tree, steps, walk)
    elif kind == "function-after" and isinstance(inner, dict):
        name = getattr(node.get("function", {}).get("function"), "__qualname__", "")
        needs, check = _CHECKS.get(name, ((), None))
        read = {key for _, key in tree}
        if check is None or not set(needs) <= read:
            raise TypeError(f"a validator at {steps}")
        walk.checks.append((FieldPath(steps), check))
        _validators(inner, tree, steps, walk)
    elif kind.startswith("function"):
        raise TypeError(f"a validator at {steps}")
    elif kind == "union":
        # Only the number of a union is read light (a line with any other choice goes to
        # the model): a validator on the number is the one that would matter.
        for choice in union_choices(node):
            if (
                choice["type"].startswith("function")
                and choice.get("schema", {}).get("type") == "int"
            ):
                raise TypeError(f"a validator on the number at {steps}")
    elif kind == "list":
        _validators(node["items_schema"], tree["[]", "[]"], (*steps, ("[]", "[]")), walk)


def _key_paths(
    tree: _Tree, before: tuple[tuple[str, str], ...], keys: dict[str, list[FieldPath]]
) -> None:
    """Note, for each JSON name in ``tree``, the paths to the values given under it."""
    for step, after in tree.items():
        steps = (*before, step)
        if step[1] != "[]":
            keys.setdefault(step[1], []).append(FieldPath(steps))
        _key_paths(after, steps, keys)


class _Build:
    """What the structs of a decoder are built with."""

    def __init__(self, msgspec: Any) -> None:
        self.msgspec = msgspec
        self.definitions: dict[str, Any] = {}
        #: The paths whose values are ids, found on the way.
        self.ids: list[FieldPath] = []


def _typed(
    node: dict[str, Any], tree: _Tree, steps: tuple[tuple[str, str], ...], build: _Build
) -> Any:
    """Return the msgspec type of what ``tree`` reads of a mirror ``node`` at ``steps``.

    Raises:
        TypeError: the node is of a kind this does not read.
    """
    msgspec = build.msgspec
    kind = node["type"]
    if kind == "definitions":
        for definition in node["definitions"]:
            build.definitions[definition["ref"]] = definition
        return _typed(node["schema"], tree, steps, build)
    if kind == "definition-ref":
        return _typed(build.definitions[node["schema_ref"]], tree, steps, build)
    if kind == "model":
        return _typed(node["schema"], tree, steps, build)
    if kind == "nullable":
        return _typed(node["schema"], tree, steps, build) | None
    if kind == "model-fields" and tree:
        return _struct(node["fields"], tree, steps, build)
    if kind == "list" and set(tree) == {("[]", "[]")}:
        items = _typed(node["items_schema"], tree["[]", "[]"], (*steps, ("[]", "[]")), build)
        sizes = {key: node[key] for key in ("min_length", "max_length") if key in node}
        base = list[items]  # type: ignore[valid-type]
        return Annotated[base, msgspec.Meta(**sizes)] if sizes else base
    if kind == "union" and not tree:
        # Only a number is read light: any other choice sends its line to the model.
        numbers = [choice for choice in union_choices(node) if choice["type"] == "int"]
        if len(numbers) != 1:
            raise TypeError("a union without one whole number")
        return _typed(numbers[0], tree, steps, build)
    if kind == "int" and not tree and set(node) <= {"type", "strict", "ge", "le", "gt", "lt"}:
        bounds = {key: node[key] for key in ("ge", "le", "gt", "lt") if key in node}
        return Annotated[int, msgspec.Meta(**bounds)] if bounds else int
    if kind == "str" and not tree and node.get("pattern") == LOCAL_ID_PATTERN:
        build.ids.append(FieldPath(steps))
        return str  # the pattern is matched after decoding, a batch at once
    if (
        kind == "str"
        and not tree
        and set(node) <= {"type", "strict", "pattern", "min_length", "max_length"}
    ):
        meta: dict[str, Any] = {
            key: node[key] for key in ("min_length", "max_length") if key in node
        }
        if "pattern" in node:
            # The whole string, ASCII classes: never more than pydantic's pattern takes.
            meta["pattern"] = f"(?a)\\A(?:{node['pattern']})\\Z"
        return Annotated[str, msgspec.Meta(**meta)] if meta else str
    raise TypeError(f"no partial reading of a {kind} node")


def _struct(
    fields: dict[str, Any], tree: _Tree, steps: tuple[tuple[str, str], ...], build: _Build
) -> Any:
    """Return a struct of the ``fields`` of a model that ``tree`` steps into."""
    msgspec = build.msgspec
    members = []
    for (name, key), after in tree.items():
        field = fields.get(name)
        if field is None or field.get("validation_alias", name) != key:
            raise TypeError(f"no field {name!r} read as {key!r}")
        schema = field["schema"]
        here = (*steps, (name, key))
        if schema.get("type") == "default":
            typed = _typed(schema["schema"], after, here, build)
            members.append((name, typed | None, msgspec.field(default=None, name=key)))
        else:
            typed = _typed(schema, after, here, build)
            members.append((name, typed, msgspec.field(name=key)))
    return msgspec.defstruct("Partial", members, kw_only=True, gc=False)
