"""The import graph of sop_xl: no cycles, layers only downward (ARCHITECTURE.md).

import-linter (`lint-imports`, in `make test`) holds the layer contracts of pyproject.toml;
this test counts the cycles, which a layers contract does not see inside one layer.
Imports inside functions count, imports for type checking only do not.
"""

from __future__ import annotations

import grimp


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root) & modules)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(
                        graph.find_modules_directly_imported_by(w) & modules))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.append(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def _graph() -> tuple[grimp.ImportGraph, set[str]]:
    graph = grimp.build_graph("sop_xl", exclude_type_checking_imports=True)
    return graph, set(graph.modules)


def test_the_import_graph_has_no_cycles() -> None:
    graph, modules = _graph()
    assert _cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    graph, modules = _graph()
    graph.add_import(importer="sop_xl.plan.mrp", imported="sop_xl.app.cycle")
    found = _cycles(graph, modules)
    assert found and all("sop_xl.plan.mrp" in c for c in found)
