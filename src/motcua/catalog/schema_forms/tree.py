"""Reading a procedure's form schema (JSON Schema 2020-12) into a tree of questions and pages.

Schemas are imported catalogue data: nothing here raises on an odd schema. Whatever we do not
understand becomes a plain text question, and jsonschema still has the last word in
``validate()``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

Schema = Mapping[str, Any]
# A concrete place in an instance: property names and array indices.
Path = tuple[str | int, ...]

ITEM = "*"  # marks "every item of this array" in a schema path
SINGLE_PAGE_KEY = "to-khai"
GROUP_KEY = "thong-tin-chung"
MAX_ROWS = 50  # an array page never shows more rows than this, whatever a request claims

# Leaf kinds, each with its own field and display.
TEXT, TEXTAREA, DATE, EMAIL, INTEGER, NUMBER, BOOLEAN, CHOICE, MULTICHOICE = (
    "text",
    "textarea",
    "date",
    "email",
    "integer",
    "number",
    "boolean",
    "choice",
    "multichoice",
)
OBJECT, ARRAY = "object", "array"


@dataclass(frozen=True)
class Node:
    """One property of the form: an object, an array or a leaf question."""

    name: str
    path: tuple[str, ...]  # schema path, ITEM for array items
    schema: Schema
    required: bool  # listed in the parent object's ``required``
    kind: str
    children: tuple[Node, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return self.kind not in (OBJECT, ARRAY)

    @property
    def title(self) -> str:
        return text_of(self.schema.get("title")) or self.name

    @property
    def description(self) -> str:
        return text_of(self.schema.get("description"))

    @property
    def is_declaration(self) -> bool:
        """A box the applicant must tick (``const: true``)."""
        return self.schema.get("const") is True

    def leaves(self) -> Iterator[Node]:
        if self.is_leaf:
            yield self
        for child in self.children:
            yield from child.leaves()


@dataclass(frozen=True)
class Page:
    """One page of the form: an object, an array, or a run of top-level questions.

    ``paths`` are the dotted schema paths of the page's questions (``*`` for every item of
    an array, e.g. ``cac_ben.*.ho_ten``); ``properties`` the top-level properties it holds.
    """

    key: str
    title: str
    description: str
    paths: list[str]
    properties: tuple[str, ...] = field(default=())


def text_of(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def dotted(path: Path | tuple[str, ...]) -> str:
    return ".".join(str(p) for p in path)


def _type(schema: Schema) -> str | None:
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), None)
    return declared if isinstance(declared, str) else None


def _properties(schema: Schema) -> dict[str, Schema]:
    props = schema.get("properties")
    if not isinstance(props, Mapping):
        return {}
    return {str(k): v for k, v in props.items() if isinstance(v, Mapping)}


def _required(schema: Schema) -> set[str]:
    names = schema.get("required")
    return {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()


def _items(schema: Schema) -> Schema:
    items = schema.get("items")
    return items if isinstance(items, Mapping) else {}


def _is_object(schema: Schema) -> bool:
    kind = _type(schema)
    return kind == "object" or (kind is None and isinstance(schema.get("properties"), Mapping))


def _is_array(schema: Schema) -> bool:
    kind = _type(schema)
    return kind == "array" or (kind is None and "items" in schema)


def _has_choices(schema: Schema) -> bool:
    enum = schema.get("enum")
    return isinstance(enum, list) and len(enum) > 0


def leaf_kind(schema: Schema) -> str:
    if schema.get("const") is True or _type(schema) == "boolean":
        return BOOLEAN
    if _has_choices(schema):
        return CHOICE
    kind, fmt = _type(schema), schema.get("format")
    if kind == "integer":
        return INTEGER
    if kind == "number":
        return NUMBER
    if fmt == "date":
        return DATE
    if fmt == "email":
        return EMAIL
    max_length = schema.get("maxLength")
    if isinstance(max_length, int) and not isinstance(max_length, bool) and max_length > 200:
        return TEXTAREA
    return TEXT


def _node(name: str, path: tuple[str, ...], schema: Schema, required: bool, depth: int) -> Node:
    if depth > 20:  # a pathological (or self-referencing) schema: stop nesting
        return Node(name, path, schema, required, TEXT)
    if _is_object(schema):
        inner = _required(schema)
        children = tuple(
            _node(k, (*path, k), v, k in inner, depth + 1) for k, v in _properties(schema).items()
        )
        return Node(name, path, schema, required, OBJECT, children)
    if _is_array(schema):
        items = _items(schema)
        if _has_choices(items) and not _is_object(items):
            return Node(name, path, schema, required, MULTICHOICE)
        item = _node(ITEM, (*path, ITEM), items, False, depth + 1)
        return Node(name, path, schema, required, ARRAY, (item,))
    return Node(name, path, schema, required, leaf_kind(schema))


def parse(schema: Any) -> Node:
    """The form's root object; a schema we cannot read is a root with no questions."""
    if not isinstance(schema, Mapping) or not _is_object(schema):
        return Node("", (), {}, True, OBJECT)
    return _node("", (), schema, True, 0)


def has_leaves(node: Node) -> bool:
    return next(node.leaves(), None) is not None


def _slug(name: str, taken: set[str], fallback: str) -> str:
    base = slugify(name) or fallback
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def _groups(root: Node) -> list[list[Node]]:
    """Objects and arrays stand alone; consecutive other properties share a page."""
    groups: list[list[Node]] = []
    run: list[Node] | None = None
    for child in root.children:
        if child.kind == ARRAY or (child.kind == OBJECT and has_leaves(child)):
            groups.append([child])
            run = None
        elif run is None:
            run = [child]
            groups.append(run)
        else:
            run.append(child)
    return [g for g in groups if any(has_leaves(n) for n in g)]


def _page(key: str, title: str, description: str, nodes: list[Node]) -> Page:
    paths = [dotted(leaf.path) for node in nodes for leaf in node.leaves()]
    return Page(key, title, description, paths, tuple(n.name for n in nodes))


def pages(schema: Any, single_page_max: int = 8) -> list[Page]:
    """The form's pages, one thing per page; a form of few questions is a single page."""
    root = parse(schema)
    groups = _groups(root)
    if not groups:
        return []
    if sum(1 for _leaf in root.leaves()) <= single_page_max:
        title = root.title or _("Tờ khai")
        return [_page(SINGLE_PAGE_KEY, title, root.description, list(root.children))]
    taken: set[str] = set()
    result: list[Page] = []
    for index, nodes in enumerate(groups, start=1):
        if len(nodes) == 1 and not nodes[0].is_leaf:
            node = nodes[0]
            key = _slug(node.name, taken, f"trang-{index}")
            result.append(_page(key, node.title, node.description, nodes))
            continue
        questions = [n for n in nodes if has_leaves(n)]
        title = questions[0].title if len(questions) == 1 else _("Thông tin chung")
        result.append(_page(_slug(GROUP_KEY, taken, GROUP_KEY), title, "", nodes))
    # A property with no question (an object without properties) rides on the last page, so
    # that apply_page() still writes it when it is required.
    covered = {name for page in result for name in page.properties}
    rest = tuple(c.name for c in root.children if c.name not in covered)
    if rest:
        last = result[-1]
        result[-1] = Page(
            last.key, last.title, last.description, last.paths, last.properties + rest
        )
    return result


def find_page(schema: Any, page_key: str, single_page_max: int = 8) -> Page:
    for page in pages(schema, single_page_max):
        if page.key == page_key:
            return page
    raise UnknownPage(page_key)


def page_of(schema: Any, path: Path | str, single_page_max: int = 8) -> str:
    """The key of the page that asks about ``path`` (the first page when none does)."""
    first = str(path).split(".")[0] if isinstance(path, str) else str(path[0]) if path else ""
    all_pages = pages(schema, single_page_max)
    for page in all_pages:
        if first in page.properties:
            return page.key
    return all_pages[0].key if all_pages else ""


def is_page_root(page: Page, nodes: list[Node]) -> bool:
    """Whether the page is one object or array, whose title is the page heading (so it needs
    no legend of its own)."""
    return page.key != SINGLE_PAGE_KEY and len(nodes) == 1 and not nodes[0].is_leaf


def page_nodes(schema: Any, page: Page) -> list[Node]:
    root = parse(schema)
    return [c for c in root.children if c.name in page.properties]


class UnknownPage(LookupError):
    """The form has no page with this key (a stale or hand-made URL: answer 404)."""


APPLICANT_NAMES = ("nguoi_yeu_cau", "nguoi_nop")


def applicant(root: Node) -> Node | None:
    """The section about the person submitting: ``nguoi_yeu_cau``, ``nguoi_nop``, or the
    first top-level object asking for both a name and a personal identification number."""
    objects = [c for c in root.children if c.kind == OBJECT]
    for name in APPLICANT_NAMES:
        found = next((c for c in objects if c.name == name), None)
        if found is not None:
            return found
    for candidate in objects:
        names = {c.name for c in candidate.children}
        if {"ho_ten", "so_dinh_danh"} <= names:
            return candidate
    return None


def schema_at(schema: Any, path: Path) -> Schema | None:
    """The subschema describing the value at a concrete ``path`` (indices for array items)."""
    here: Any = schema
    for step in path:
        if not isinstance(here, Mapping):
            return None
        here = _items(here) if isinstance(step, int) else _properties(here).get(step)
    return here if isinstance(here, Mapping) else None


def order_of(schema: Any, path: Path) -> tuple[int, ...]:
    """A sort key following the order the form asks its questions in."""
    key: list[int] = []
    here: Any = schema
    for step in path:
        if isinstance(step, int):
            key.append(step)
            here = _items(here) if isinstance(here, Mapping) else {}
            continue
        names = list(_properties(here)) if isinstance(here, Mapping) else []
        key.append(names.index(step) if step in names else len(names) + 1000)
        here = _properties(here).get(step, {}) if isinstance(here, Mapping) else {}
    return tuple(key)
