#!/usr/bin/env python3
"""Lists the import cycles between the modules of a crate, from cargo-modules' dependency graph.

    cargo modules dependencies -p tenant-sim --lib --no-externs --no-sysroot --no-owns \\
        | python3 tenant-sim/tools/module_cycles.py tenant-sim/src tenant_sim

cargo-modules (https://crates.io/crates/cargo-modules) draws every item and the items each one uses;
its own `--acyclic` flag also counts an item using itself (a type and its methods), so this script
folds the items into the modules (files) that define them and reports the strongly connected
components of the module graph, with the names that tie them. It exits 1 when there is a cycle.
"""

import re
import sys
from collections import defaultdict
from pathlib import Path


def modules_of(source: Path, crate: str) -> set:
    modules = {crate}
    for file in source.rglob("*.rs"):
        parts = list(file.relative_to(source).with_suffix("").parts)
        if parts[-1] in ("lib", "main", "mod"):
            parts = parts[:-1]
        modules.add("::".join([crate, *parts]))
    return modules


def main() -> int:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    modules = modules_of(Path(sys.argv[1]), sys.argv[2])
    edges = defaultdict(set)
    for line in sys.stdin:
        found = re.match(r'\s*"([^"]+)" \[label="([^|"]*)\|', line)
        if found and found.group(2).endswith(" mod"):
            modules.add(found.group(1))
        used = re.match(r'\s*"([^"]+)" -> "([^"]+)" \[label="uses"', line)
        if used:
            edges[used.group(1)].add(used.group(2))

    def module(path: str) -> str:
        while path not in modules and "::" in path:
            path = path.rsplit("::", 1)[0]
        return path

    graph, names = defaultdict(set), defaultdict(set)
    for source, targets in edges.items():
        for target in targets:
            a, b = module(source), module(target)
            if a != b and not b.startswith(a + "::tests") and not a.endswith("::tests"):
                graph[a].add(b)
                names[(a, b)].add(target.rsplit("::", 1)[-1])

    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(100_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    for number, component in enumerate(cycles, 1):
        print(f"cycle {number}: {', '.join(component)}")
        for a in component:
            for b in sorted(graph[a] & set(component)):
                print(f"  {a} -> {b}: {', '.join(sorted(names[(a, b)]))}")
    print(f"{len(cycles)} cycle(s) among {len(modules)} modules")
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
