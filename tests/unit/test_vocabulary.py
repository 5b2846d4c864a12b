"""One vocabulary (``archiver.vocabulary``): no side vocabulary creeps in beside it.

Every enum of the product lives in that one module, every one of its words is used, the model fields that hold
a state take their choices from it, no code or template compares a state with a copied string, and the CLI
and the web page's script speak the same words. The stored strings themselves never change (rows and queued
messages stay valid): test_messages, test_api_statuses and the rest check those.
"""
from __future__ import annotations

import ast
import importlib
import importlib.metadata
import re
import subprocess
import sys
from enum import Enum
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import NOT_PROVIDED

from archiver import vocabulary as v
from tests.harness import REPO

VOCABULARY = Path(v.__file__).resolve()
ENUMS = [value for value in vars(v).values() if isinstance(value, type) and issubclass(value, Enum)
         and value.__module__ == v.__name__ and list(value)]
PUBLIC = {name for name in vars(v) if not name.startswith("_") and name.isidentifier()
          and (name in {e.__name__ for e in ENUMS} or name.isupper())}
# The seed's worker states, mapped for readers (README's table; test_retry_policy checks it): no code needs it.
FOR_READERS = {"SEED_STATES"}
# Words a copied string could stand for: every non-empty value of the vocabulary.
WORDS = {str(member) for enum in ENUMS for member in enum if str(member)}
# Fields that hold a state, and the words each may take (the database's choices, or its open set).
STATE_FIELDS = {
    ("Video", "status"): v.STORED_VIDEO_STATUSES,
    ("Video", "failure_kind"): tuple(v.FailureKind),
    ("Video", "fixity_status"): tuple(v.FixityStatus),
    ("Video", "availability"): tuple(v.Availability),  # open: yt-dlp may add a word, stored as it comes
    ("SyncJob", "status"): tuple(v.JobStatus),
    ("ImportJob", "status"): tuple(v.JobStatus),
    ("StatusCount", "status"): tuple(v.VideoStatus),  # kept by triggers from Video.status
    ("StatusCount", "failure_kind"): tuple(v.FailureKind),
}
STATE_NAME = re.compile(r"^(status|availability|.+_status|.+_kind|.+_state)$")
ORM_STATE_KEYWORDS = re.compile(r"^(status|availability|fixity_status|failure_kind)(__in|__exact)?$")
# Strings that are someone else's words, though spelt like ours: yt-dlp's progress hook, SQLite's
# integrity_check, the health checks' verdicts. Keyed by file name (the files may move between packages).
NOT_OURS = {"download.py": {"downloading"}, "backups.py": {"ok"}, "restore.py": {"ok"}, "health.py": {"ok"}}


def _product_files(suffix: str) -> list[Path]:
    """The product's own files: every top-level package of the repository but the tests, without migrations."""
    packages = [p for p in REPO.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"]
    return sorted(f for p in packages for f in p.rglob(f"*{suffix}") if "migrations" not in f.parts)


def _python(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _words_in(node) -> list[str]:
    """The vocabulary words a literal spells: a string, or a tuple, list or set of strings."""
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str) and i.value in WORDS]


def _copied_words(path: Path) -> list[str]:
    """Where a state is compared with, filtered on or recorded as a copied string, as ``line: word``."""
    found = []
    for node in ast.walk(_python(path)):
        literals = []
        if isinstance(node, ast.Compare):
            literals = [node.left, *node.comparators]
        elif isinstance(node, ast.Call):
            literals = [k.value for k in node.keywords if k.arg and ORM_STATE_KEYWORDS.match(k.arg)]
        elif isinstance(node, ast.Dict):
            literals = [value for key, value in zip(node.keys, node.values, strict=True)
                        if isinstance(key, ast.Constant) and key.value in ("status", "fixity_status", "failure_kind",
                                                                            "availability")]
        for literal in literals:
            found += [f"{node.lineno}: {word!r}" for word in _words_in(literal)
                      if word not in NOT_OURS.get(path.name, ())]
    return found


def test_the_vocabulary_needs_only_the_standard_library():
    imported = set()
    for node in ast.walk(_python(VOCABULARY)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported <= {"__future__", "enum"}, imported


def _cli_main() -> str:
    """The CLI's main module, wherever its package lives (the ``ytarchive`` entry point says)."""
    (entry,) = importlib.metadata.entry_points(group="console_scripts", name="ytarchive")
    return entry.value.split(":")[0]


def test_the_cli_loads_without_django():
    """The CLI imports the vocabulary (one list, not a copy): that must not bring Django in."""
    module = _cli_main()
    code = (f"import sys, {module}; print(sorted({{m.split('.')[0] for m in sys.modules}}"
            " & {'django', 'rest_framework', 'celery', 'redis', 'yt_dlp', 'channels_app', 'downloads_app', 'config'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]", result.stdout


def _enums_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(_python(path)):
        if isinstance(node, ast.ClassDef):
            bases = {b.id if isinstance(b, ast.Name) else b.attr for b in node.bases
                     if isinstance(b, ast.Name | ast.Attribute)}
            if bases & {"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag", "TextChoices", "IntegerChoices", "Choices"}:
                found.append(node.name)
    return found


def test_the_checks_below_see_what_they_look_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import enum\nclass Mode(enum.StrEnum):\n    A = 'a'\n"
                      "def f(video, qs):\n    if video.status == 'archived' or video.kind in ('blocked', 'x'):\n"
                      "        qs.filter(status__in=['queued']).update(fixity_status='damaged')\n"
                      "    return {'status': 'succeeded', 'title': 'failed'}\n")
    assert _enums_in(sample) == ["Mode"]
    assert sorted(_copied_words(sample)) == ["5: 'archived'", "5: 'blocked'", "6: 'damaged'", "6: 'queued'",
                                             "7: 'succeeded'"]


def test_no_enum_lives_outside_the_vocabulary():
    beside = [f"{p.relative_to(REPO)}: {name}" for p in _product_files(".py") if p.resolve() != VOCABULARY
              for name in _enums_in(p)]
    assert not beside, f"a side vocabulary: move it into archiver/vocabulary.py: {beside}"


def test_every_word_set_of_the_vocabulary_is_used():
    text = "\n".join(p.read_text(encoding="utf-8") for p in _product_files(".py") if p.resolve() != VOCABULARY)
    unused = sorted(name for name in PUBLIC - FOR_READERS if not re.search(rf"\b{name}\b", text))
    assert not unused, f"declared in archiver/vocabulary.py, used nowhere: {unused}"


def test_a_word_means_one_thing_across_the_vocabulary():
    """A member name spells the same string in every enum it appears in (FAILED is "failed" everywhere)."""
    spelt: dict[str, set[str]] = {}
    for enum in ENUMS:
        for member in enum:
            spelt.setdefault(member.name, set()).add(member.value)
    assert {name: values for name, values in spelt.items() if len(values) > 1} == {}


def test_the_worker_and_the_metrics_words_are_video_statuses():
    statuses = {str(s) for s in v.VideoStatus}
    assert {str(o) for o in v.OutcomeStatus} <= statuses
    assert {str(o) for o in v.OutcomeStatus} <= {str(r) for r in v.WorkerResult}
    assert {str(o) for o in v.CountedOutcome} - statuses == {"paused"}
    assert set(v.BUSY_STATUSES) | set(v.DONE_STATUSES) == set(v.PROGRESS_STATUSES) == set(v.VideoStatus)
    assert not set(v.BUSY_STATUSES) & set(v.DONE_STATUSES)


def test_state_fields_take_their_words_from_the_vocabulary():
    ours = [m for m in apps.get_models() if (REPO / m._meta.app_label).is_dir()]
    unknown, wrong = [], []
    for model in ours:
        for field in model._meta.concrete_fields:
            key = (model.__name__, field.name)
            if key not in STATE_FIELDS:
                if STATE_NAME.match(field.name):
                    unknown.append(key)
                continue
            words = [str(w) for w in STATE_FIELDS[key]]
            if field.choices and [str(value) for value, _label in field.choices] != words:
                wrong.append((key, "choices", [value for value, _label in field.choices]))
            default = field.default
            if default is not NOT_PROVIDED and not callable(default) and str(default) not in words:
                wrong.append((key, "default", default))
    assert not unknown, f"a state field outside STATE_FIELDS (give it its words from archiver.vocabulary): {unknown}"
    assert not wrong
    assert {k for k in STATE_FIELDS if k[0] in {m.__name__ for m in ours}} == set(STATE_FIELDS)


def test_no_state_is_compared_with_a_copied_string():
    copied = {str(p.relative_to(REPO)): found for p in _product_files(".py")
              if p.resolve() != VOCABULARY and (found := _copied_words(p))}
    assert not copied, f"compare with archiver.vocabulary's members instead: {copied}"


def test_no_template_compares_a_state_with_a_copied_string():
    compared = re.compile(r"""(==|!=|\bin)\s*["'](\w+)["']|["'](\w+)["']\s*(==|!=)""")
    copied = {}
    for path in _product_files(".html"):
        words = [m.group(2) or m.group(3) for m in compared.finditer(path.read_text(encoding="utf-8"))]
        if found := [w for w in words if w in WORDS]:
            copied[str(path.relative_to(REPO))] = found
    assert not copied, f"compare with video.Status.ARCHIVED and the like instead: {copied}"


def test_templates_can_name_the_members():
    from django.template import Context, Template

    from channels_app.models import Video

    video = Video(status=v.VideoStatus.RETRYING, fixity_status=v.FixityStatus.DAMAGED)
    html = Template("{% if video.status == video.Status.RETRYING %}r{% endif %}"
                    "{% if video.fixity_status == video.Fixity.DAMAGED %}d{% endif %}"
                    "{% if video.status == video.Status.ARCHIVED %}a{% endif %}").render(Context({"video": video}))
    assert html == "rd"


def test_the_cli_speaks_the_servers_words():
    main = importlib.import_module(_cli_main())
    output = importlib.import_module(main.__name__.rsplit(".", 1)[0] + ".output")

    assert output.STATUSES == tuple(str(s) for s in v.PROGRESS_STATUSES)
    parser = main.build_parser()
    for status in v.STORED_VIDEO_STATUSES:
        assert parser.parse_args(["videos", "c", "--status", str(status)]).status == status
    with pytest.raises(main.CliError) as refused:  # live state only: the database never holds it
        parser.parse_args(["videos", "c", "--status", str(v.VideoStatus.DOWNLOADING)])
    assert "'archived'" in str(refused.value) and "VideoStatus" not in str(refused.value)


def test_the_web_pages_script_speaks_the_servers_words():
    """app.js cannot import Python: its few words are checked here instead."""
    scripts = sorted(REPO.glob("*/static/web/app.js"))
    assert scripts
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        (active,) = re.findall(r"const ACTIVE = \[([^\]]*)\]", text)
        assert re.findall(r'"(\w+)"', active) == [str(s) for s in v.BUSY_STATUSES], script
        jobs = set(re.findall(r'status === "(\w+)"', text))
        assert jobs and jobs <= {str(s) for s in v.ACTIVE_JOB}, script
        (shown,) = re.findall(r"for \(const s of \[([^\]]*)\]\)", text)
        assert set(re.findall(r'"(\w+)"', shown)) <= {str(s) for s in v.VideoStatus}, script
