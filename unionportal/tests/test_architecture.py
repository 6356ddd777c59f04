"""The shape of the code, read from its syntax as test_code_safety.py reads it: which way imports
run, what stays private to its module, and how big a module or a function may grow. A change that
breaks one of these fails here, naming the file and line, until the code is put back in its room
(docs/architecture.md says which room is which)."""

import ast
import os
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED = {".venv", "node_modules", "staticfiles", "migrations", "__pycache__"}

# The apps, lowest first: a module may import its own level and the levels below, never above.
# unionportal.lib is the ground; the project package (settings, urls, testing) stands above all.
LEVELS = {
    "unionportal.lib": 0,
    "jobs": 1,  # long work off the request: imports no app; the apps register their kinds with it
    "members": 2,
    "targets": 3,
    "organising": 4,
    "ratings": 4,
    "training": 4,
    "reorganisation": 4,
    "reports": 5,
    "desk": 6,
    "notices": 6,  # told of every app's actions through the audit trail; nothing imports it
}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def _modules():
    """(dotted module name, path relative to the root, syntax tree) of every Python file."""
    for folder, folders, files in os.walk(ROOT):
        folders[:] = sorted(name for name in folders if name not in SKIPPED and not name.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(folder, name).relative_to(ROOT)
                parts = list(path.with_suffix("").parts)
                if parts[-1] == "__init__":
                    parts.pop()
                yield ".".join(parts), path.as_posix(), ast.parse((ROOT / path).read_text(), filename=str(path))


MODULES = list(_modules())


def _imports(module: str, path: str, tree):
    """(line, imported module, imported names) for every import, relative ones made absolute."""
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base, [alias.name for alias in node.names]


def _level(module: str):
    for name, level in sorted(LEVELS.items(), key=lambda item: -len(item[0])):
        if module == name or module.startswith(f"{name}."):
            return name, level
    return None, None


def _is_test(path: str) -> bool:
    return "/tests/" in f"/{path}" or path.startswith("unionportal/testing/") or path == "conftest.py"


def test_imports_run_one_way():
    """lib imports no app; an app never imports one above it, nor a sibling at its level (organising,
    ratings and training know nothing of each other); tests and bench may import anything."""
    wrong = []
    for module, path, tree in MODULES:
        here, level = _level(module)
        if here is None or _is_test(path):
            continue
        for line, imported, _names in _imports(module, path, tree):
            there, other = _level(imported)
            if there is None or there == here:
                continue
            if other > level or (other == level and there != here):
                wrong.append(f"{path}:{line} ({here}) imports {imported} ({there})")
            if here == "unionportal.lib" and there != "unionportal.lib":
                wrong.append(f"{path}:{line} lib imports the app {imported}")
    assert not wrong, "imports that run the wrong way:\n" + "\n".join(sorted(set(wrong)))


def test_the_register_does_not_reach_into_the_figures():
    """The member register and the monthly figures are two rooms of members/: the register reads
    organisations and access from the top of the app, never the figures' modules."""
    wrong = [
        f"{path}:{line} imports {imported}"
        for module, path, tree in MODULES
        if module.startswith("members.register")
        for line, imported, _names in _imports(module, path, tree)
        if imported == "members.figures" or imported.startswith("members.figures.")
    ]
    assert not wrong, "\n".join(wrong)


def test_no_private_name_is_imported_from_another_module():
    """A leading underscore means "this module's own": another module that needs it should ask for a
    public name, so that the owner can change its insides without breaking a stranger."""
    wrong = [
        f"{path}:{line} imports {name} from {imported}"
        for module, path, tree in MODULES
        for line, imported, names in _imports(module, path, tree)
        for name in names
        if name.startswith("_") and not name.startswith("__") and imported != module
    ]
    assert not wrong, "\n".join(wrong)


def test_no_module_is_too_long():
    long = []
    for _module, path, _tree in MODULES:
        lines = len((ROOT / path).read_text().splitlines())
        if lines > MAX_MODULE_LINES:
            long.append(f"{path}: {lines} lines")
    assert not long, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def test_no_function_is_too_long():
    """Demo seeding and bench scripts build long worlds in one go and are left out."""
    long = []
    for _module, path, tree in MODULES:
        if path.startswith("bench/") or Path(path).stem.startswith("demo") or "/demo/" in path:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path}:{node.lineno} {node.name}: {lines} lines")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)
