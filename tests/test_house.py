"""The shape of the code: imports run one way (no two modules need each other, however far
round), and the folders name the pipeline."""

from __future__ import annotations

import ast
from pathlib import Path

import handoutpack

PACKAGE = Path(handoutpack.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, modules: set[str]) -> set[str]:
    """Every handoutpack module `path` imports, at the top or inside a function (a lazy import
    is still a dependency: it only moves the moment it is paid)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                whole = f"{target}.{alias.name}"
                found.add(whole if whole in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found & modules


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    return {name: imports(path, modules) - {name} for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]

    def visit(start: str) -> None:
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for child in edges:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    part = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        part.append(member)
                        if member == node:
                            break
                    if len(part) > 1:
                        found.append(sorted(part))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return found


def test_no_two_modules_import_each_other():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle_however_far_round():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_has_no_flat_stage_modules():
    """The top of the package holds the pipeline's folders and only what every stage shares."""
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "bounds.py", "build.py", "errors.py",
                   "pipeline.py", "progress.py"]


def test_every_memo_is_in_the_registry():
    """A functools cache outside store/memos.py would be state no one can list or forget."""
    stray = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "memos.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for decorator in getattr(node, "decorator_list", []):
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                if name in ("cache", "lru_cache"):
                    stray.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert stray == []


def test_forgetting_empties_the_memos_of_a_kind():
    from handoutpack.markup import scripts
    from handoutpack.store import memos

    scripts.direction("ar")
    name = "handoutpack.markup.scripts.direction"
    assert memos.held()[name] >= 1
    assert name in memos.forget("inputs")
    assert memos.held()[name] == 0


def test_no_module_is_over_400_lines():
    """A module that long does more than one job: split it where its jobs part."""
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


# ---------------------------------------------------------------- config reaches stages in slices

STAGES = ("assemble", "check", "distribute", "markup", "pdf", "plan", "proof", "publish",
          "render", "sources", "store", "syntax", "translate")
"""Folders whose functions take the slice of config they use (project/parts.py), never the
whole Project. (check.run loads the project from its folder, as the command does, and hands
the check its slice; `check --print` is a build: build.print_files_preflight.)"""
HOLDERS = ("project", "ui")
"""The loader and the user interfaces hold the whole Project, as the pipeline (build.py,
pipeline.py) does."""


def _takes_project(argument: ast.arg) -> bool:
    annotation = ast.unparse(argument.annotation).strip("'\"") if argument.annotation else ""
    return argument.arg == "project" or annotation.split("|")[0].strip() in (
        "Project", "config.Project")


def project_takers(path: Path) -> list[str]:
    """The functions of `path` with a parameter that is the Project (by its name or its type),
    and the classes with a field that is."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            if any(_takes_project(a) for a in arguments):
                found.append(f"{getattr(node, 'name', 'lambda')}:{node.lineno}")
        elif isinstance(node, ast.AnnAssign) and "Project" in ast.unparse(node.annotation):
            found.append(f"{ast.unparse(node.target)}:{node.lineno}")
    return found


def takers_by_folder() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        folder = relative.parts[0] if len(relative.parts) > 1 else "(top)"
        found.setdefault(folder, []).extend(f"{relative}:{t}" for t in project_takers(path))
    return found


def test_stages_take_the_slices_of_config_they_use_not_the_project():
    found = takers_by_folder()
    assert {folder: found.get(folder) for folder in STAGES if found.get(folder)} == {}
    known = set(STAGES) | set(HOLDERS) | {"(top)"}
    assert {folder for folder, takers in found.items() if takers} <= known


def test_the_project_finder_finds_a_parameter_and_a_field(tmp_path):
    path = tmp_path / "stage.py"
    path.write_text("from dataclasses import dataclass\n\n"
                    "def plain(theme, lang): ...\n"
                    "def named(project, lang): ...\n"
                    "def typed(where: 'config.Project'): ...\n"
                    "@dataclass\nclass Holder:\n    project: Project\n", encoding="utf-8")
    assert project_takers(path) == ["named:4", "typed:5", "project:8"]


# ---------------------------------------------------------------- one place keeps, one forgets

def test_a_build_keeps_results_only_within_its_memory():
    from handoutpack.store import memos

    class Kept:
        def __init__(self):
            self.seen = {}

        def get(self, entry, compute):
            if entry not in self.seen:
                self.seen[entry] = compute()
            return self.seen[entry]

    made = []
    compute = lambda: made.append(1) or "result"  # noqa: E731
    memos.kept("entry", compute)
    memos.kept("entry", compute)
    assert len(made) == 2, "outside a build nothing is kept"
    with memos.building(Kept()) as memory:
        memos.kept("entry", compute)
        memos.kept("entry", compute)
        memos.once_a_build("listing", ("a",), compute)
        memos.once_a_build("listing", ("a",), compute)
        assert memory.kept.seen == {"entry": "result"}
    assert len(made) == 4, "within a build, each once"
    with memos.building(Kept()):
        memos.once_a_build("listing", ("a",), compute)
    assert len(made) == 5, "the next build looks up again"


def test_a_changed_font_forgets_what_the_machine_memos_found():
    from handoutpack.store import memos
    from handoutpack.syntax import emoji

    emoji.font_available()
    name = "handoutpack.syntax.emoji.font_available"
    assert memos.changed([Path("content/handouts/hello.en.md")]) == []
    assert memos.held()[name] == 1, "a source's edit leaves it"
    assert name in memos.changed([Path("styles/fonts/Lato-Bold.TTF")])
    assert memos.held()[name] == 0


def _placed_in_message(call: ast.Call) -> bool:
    """A HandoutpackError whose message starts with a value and then a colon or ' is ': a
    file written into the message instead of given as file= (which Problem shows, and check
    --format json and the workbench read)."""
    if not call.args or not isinstance(call.args[0], ast.JoinedStr):
        return False
    parts = call.args[0].values
    return (len(parts) > 1 and isinstance(parts[0], ast.FormattedValue)
            and isinstance(parts[1], ast.Constant)
            and str(parts[1].value).startswith((":", " is ", " changed")))


def test_errors_name_their_file_as_data_not_in_their_message():
    placed = [f"{path.relative_to(PACKAGE)}:{node.lineno}"
              for path in sorted(PACKAGE.rglob("*.py"))
              for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
              if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "HandoutpackError"
              and _placed_in_message(node) and not any(k.arg == "file" for k in node.keywords)]
    assert placed == [], "give the file as HandoutpackError(message, file=...)"
