"""The shape of the code itself: no import cycles, and the channel's keys read in one place.

Imports are read from the source with `ast`, so what is checked is what is written, not what
happened to be imported by the time the test ran. An import inside a function counts like one at
the top: it runs as soon as the function does, and hiding a cycle in a function is how cycles
hide. Only an import under `if TYPE_CHECKING:` is left out, as it never runs. An edge goes to
the module named (`from a.b import c` to `a.b.c` when that is a module, else to `a.b`); the
parent packages' `__init__` modules are not counted, as they import nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import wa_templates

ROOT = Path(wa_templates.__file__).parent
PACKAGE = "wa_templates"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _type_checking(child):
            for other in child.orelse:
                yield from _imports_in(other)
            continue
        yield from _imports_in(child)


def _imports_in(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    else:
        yield from _imports(node)


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def module_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in _imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                source = _resolve(name, path, node)
                targets = [
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                    for alias in node.names
                ]
            graph[name] |= {t for t in targets if t in known and t != name}
    return graph


def package_of(module: str) -> str:
    """The pipeline stage a module belongs to: `wa_templates.<stage>`, or the module itself."""
    parts = module.split(".")
    return ".".join(parts[:2])


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for module, targets in graph.items():
        mine = package_of(module)
        out.setdefault(mine, set())
        out[mine] |= {package_of(t) for t in targets if package_of(t) != mine}
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component with more than one node (Tarjan), each as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(_path(graph, sorted(component)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _path(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One cycle through the component's first node, to print: a -> b -> a."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if target not in previous:
                previous[target] = node
                queue.append(target)
    return component


def _shown(found: list[list[str]]) -> str:
    return "\n".join(" -> ".join(cycle) for cycle in found)


def test_no_module_imports_itself_through_others() -> None:
    found = cycles(module_graph())
    assert not found, "import cycles between modules:\n" + _shown(found)


def test_no_package_imports_itself_through_others() -> None:
    found = cycles(package_graph(module_graph()))
    assert not found, "import cycles between packages:\n" + _shown(found)


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_in_functions_count_and_type_checking_ones_do_not(tmp_path: Path) -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import hidden\nelse:\n    import shown_else\n"
        "def f():\n    import inside\n"
    )
    assert sorted(a.name for n in _imports(tree) for a in n.names) == [
        "TYPE_CHECKING",
        "inside",
        "shown_else",
    ]


def test_the_graph_sees_the_real_imports() -> None:
    graph = module_graph()
    assert "wa_templates.files.model" in graph["wa_templates.channel.payload"]
    assert "wa_templates.cli.main" in graph["wa_templates.__main__"]


# --- the channel is parsed once -----------------------------------------------------------------

LIST_KEYS = frozenset(
    {
        "templateName",
        "languageName",
        "categoryName",
        "statusName",
        "channelName",
        "createdAt",
        "updatedAt",
        "rejectedReason",
        "otherInfo",
        "disableInfo",
    }
)
"""Keys only 8x8's list items hold (the create payload's keys are `channel.payload`'s)."""
LIST_READERS = (
    "wa_templates.provider",
    "wa_templates.channel.remote",
    "wa_templates.sandbox",
    "wa_templates.history.events",
)
"""The provider and `channel.remote` parse the list; the sandbox is 8x8's side, writing it.
`history.events` parses 8x8's CABM webhook events, the other boundary, whose `eventDetails`
happen to use some of the same names (`templateName`, `otherInfo`, `disableInfo`)."""


def list_keys_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        f"{path.relative_to(ROOT.parent)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in LIST_KEYS
    ]


def test_only_the_provider_and_channel_remote_read_the_list_shape() -> None:
    found = [
        where
        for name, path in modules().items()
        if not any(name == r or name.startswith(r + ".") for r in LIST_READERS)
        for where in list_keys_in(path)
    ]
    assert not found, "8x8's list keys read outside the provider and channel.remote:\n" + "\n".join(
        found
    )


def test_the_list_key_check_sees_the_keys_where_they_are_read() -> None:
    assert any("'templateName'" in w for w in list_keys_in(ROOT / "channel" / "remote.py"))
