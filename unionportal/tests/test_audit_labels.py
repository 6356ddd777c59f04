"""Every action written to the audit trail has a name for people, registered by the app that
writes it (members.audit.register_labels): the actions are read from the source, as
test_code_safety reads it, so that a new action without a label fails here, not on the audit page."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from members.audit import action_label, labelled_actions, register_labels

ROOT = Path(settings.BASE_DIR)
APPS = ("unionportal", "members", "targets", "organising", "ratings", "training", "reorganisation", "reports")
WRITERS = {"audit_log", "audit_entry", "audit_same"}  # members.audit; audit_many takes what audit_entry made
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")
WRITER_MODULE = ROOT / "members" / "audit.py"  # passes on what it is given


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "tests" not in path.relative_to(ROOT).parts and path != WRITER_MODULE:
                yield path


def _strings(node: ast.AST) -> set[str]:
    return {
        item.value
        for item in ast.walk(node)
        if isinstance(item, ast.Constant) and isinstance(item.value, str) and ACTION.match(item.value)
    }


def _assigned(tree: ast.Module, name: str) -> set[str]:
    """Actions given to a variable anywhere in the module (`action = "member.merge" if … else …`,
    `LOOKUP = "member.lookup"`, `action, extra = "member.update", {…}`, a loop over them)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and any(
            isinstance(item, ast.Name) and item.id == name for item in ast.walk(node.target)
        ):
            found |= _strings(node.iter)  # for action, kept in (("member.merge", …), …)
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(item, ast.Name) and item.id == name for t in targets for item in ast.walk(t)):
                found |= _strings(node.value)
    return found


def _action_argument(call: ast.Call) -> ast.AST | None:
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
    keyword = next((item.value for item in call.keywords if item.arg == "action"), None)
    if name in WRITERS:
        return call.args[1] if len(call.args) > 1 else keyword
    if name == "AuditEntry":  # a data migration writing entries itself
        return keyword
    return None


def written_actions() -> dict[str, set[str]]:
    """Each action passed to the audit writer, with the files that write it. A call whose action
    cannot be read from its module is reported under "?" with its place."""
    actions: dict[str, set[str]] = {}
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
            argument = _action_argument(call)
            if argument is None:
                continue
            found = _strings(argument)
            if isinstance(argument, ast.Name):
                found |= _assigned(tree, argument.id)
            place = f"{path.relative_to(ROOT)}:{call.lineno}"
            for action in found or {"?"}:
                actions.setdefault(action, set()).add(place)
    return actions


def test_the_audit_writers_are_found():
    actions = written_actions()
    assert "?" not in actions, f"an audit call whose action this test cannot read: {actions.get('?')}"
    assert {"figures.record", "enterprise.create", "course.create", "rating.review", "demo.seed"} <= set(actions)
    assert len(actions) > 50


def test_every_written_action_has_a_label():
    labelled = labelled_actions()
    missing = {action: sorted(places) for action, places in written_actions().items() if action not in labelled}
    assert missing == {}


def test_a_label_is_the_actions_name_in_words():
    assert action_label("enterprise.stage") == "Chuyển giai đoạn"
    assert action_label("course.delete") == "Xóa lớp đào tạo"
    assert action_label("nobody.wrote_this") == "nobody.wrote_this"


def test_an_action_cannot_be_named_by_two_apps():
    with pytest.raises(ImproperlyConfigured):
        register_labels({"course.create": "Một tên khác"})
    assert action_label("course.create") == "Thêm lớp đào tạo"
