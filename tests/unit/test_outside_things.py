"""One module (or package) per outside thing: only archiver/ytdlp/ imports yt_dlp, only archiver/state/ names
Redis keys or holds a Redis client. Read from the source (ast), so a new module that reaches past them fails here.

The Redis rule, exactly: outside archiver/state/, a module may import only redis's exceptions
(``from redis.exceptions import X``, ``from redis import exceptions``), and anything under
``if TYPE_CHECKING:``; it builds no string that starts with ``ytarchive:`` followed by a key's next
character (docstrings and messages such as "ytarchive: stopped" excepted), and it does not reach for
the key prefix (``archiver.state.store.PREFIX`` / ``key``).
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY_STRING = re.compile(r"^ytarchive:[^\s]")
PREFIX_NAMES = {"PREFIX", "key"}


def product_modules() -> list[Path]:
    """Every module of every top-level package of the product (tests are not the product)."""
    found = []
    for package in sorted(p for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"):
        found += [path for path in package.rglob("*.py") if "migrations" not in path.parts]
    return found


def inside(path: Path, folder: str) -> bool:
    return path.relative_to(ROOT).as_posix().startswith(f"{folder}/")


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def imported_modules(tree: ast.AST) -> list[tuple[ast.AST, str, list[str]]]:
    """``(node, module, names)`` of every import, at any depth (a function's local import too)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node, node.module, [alias.name for alias in node.names]))
    return found


def yt_dlp_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    return [f"{path.relative_to(ROOT)}:{node.lineno} imports {module}"
            for node, module, _names in imported_modules(tree) if module == "yt_dlp" or module.startswith("yt_dlp.")]


def redis_breaches(path: Path) -> list[str]:
    """What ``path`` does with Redis that only archiver/state/ may do."""
    tree = ast.parse(path.read_text(), str(path))
    where = path.relative_to(ROOT)
    for_types, docstrings = _type_checking_nodes(tree), _docstrings(tree)
    found = []
    for node, module, names in imported_modules(tree):
        if id(node) in for_types:
            continue
        if (module == "redis" or module.startswith("redis.")) and not (
                (module == "redis.exceptions" and isinstance(node, ast.ImportFrom))
                or (module == "redis" and names == ["exceptions"])):
            found.append(f"{where}:{node.lineno} imports {module}{' ' + ', '.join(names) if names else ''}")
        if module.startswith("archiver.state") and PREFIX_NAMES & set(names):
            found.append(f"{where}:{node.lineno} takes the key prefix from {module}")
    for node in ast.walk(tree):
        # A string constant, or an f-string's literal part (ast.walk visits those too).
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                and KEY_STRING.match(node.value)):
            found.append(f"{where}:{node.lineno} builds the Redis key {node.value[:60]!r}")
        if isinstance(node, ast.Attribute) and node.attr in PREFIX_NAMES and ast.unparse(node.value) == "store":
            found.append(f"{where}:{node.lineno} reaches for store.{node.attr}")
    return found


def test_only_archiver_ytdlp_imports_yt_dlp():
    modules = product_modules()
    assert any(inside(path, "archiver/ytdlp") for path in modules)
    breaches = [line for path in modules if not inside(path, "archiver/ytdlp") for line in yt_dlp_imports(path)]
    assert breaches == []


def test_only_archiver_state_names_redis_keys_or_holds_a_client():
    modules = product_modules()
    breaches = [line for path in modules if not inside(path, "archiver/state") for line in redis_breaches(path)]
    assert breaches == []


def test_the_rules_catch_what_they_forbid(tmp_path):
    """Each rule, shown a module that breaks it (and the forms it allows), says so."""
    bad = tmp_path / "bad.py"
    bad.write_text('import redis\nfrom redis.client import Redis\nimport yt_dlp.utils\n'
                   'from archiver.state.store import PREFIX\n'
                   'def f(r, channel):\n    from yt_dlp import YoutubeDL\n'
                   '    return r.get(f"ytarchive:lock:{channel}"), "ytarchive:outcomes", store.key("x")\n')
    good = tmp_path / "good.py"
    good.write_text('"""ytarchive:vstate:{channel} is described here."""\nfrom typing import TYPE_CHECKING\n'
                    'from redis.exceptions import RedisError\nfrom redis import exceptions as redis_errors\n'
                    'if TYPE_CHECKING:\n    import redis\nMESSAGE = "ytarchive: stopped"\n')
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert len(redis_breaches(bad)) == 6 and redis_breaches(good) == []
        assert len(yt_dlp_imports(bad)) == 2 and yt_dlp_imports(good) == []
    finally:
        ROOT = saved


def test_the_ytdlp_package_and_its_versions_module_load_without_yt_dlp():
    """config/__init__.py activates the shared yt-dlp version before anything imports yt_dlp: the package
    and ``versions`` must not import it themselves (nor ``extractor_args`` and ``failures``, pure text)."""
    code = ("import sys; import archiver.ytdlp.versions, archiver.ytdlp.extractor_args, archiver.ytdlp.failures; "
            "print('yt_dlp' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
