"""The `gongkai` command: every subcommand in gongkai/commands/, one entry point, and no rule module depending on a
command (issue 20, item 7: "the commands in one place")."""

from __future__ import annotations

import ast
import contextlib
import io
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from kit import ROOT
from gongkai import cli

PACKAGE = ROOT / "gongkai"
COMMANDS_DIR = PACKAGE / "commands"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports (relative imports resolved; ``from x import y`` counts x and x.y)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_import_walk_sees_relative_and_absolute_imports(tmp_path):
    """The walker below must resolve what the package writes, or the rule test proves nothing."""
    found = imports_of(PACKAGE / "commands" / "new.py")
    assert "gongkai.editor.drafts" in found and "gongkai.editor.site" in found
    assert "gongkai.plugins.catalog.plugin" in imports_of(PACKAGE / "plugins" / "reports" / "plugin.py")


def test_no_rule_module_imports_a_command():
    """Only gongkai/commands/ may import gongkai.commands or the editor tools (gongkai.editor); reports/ and
    checks/ (and every other feature package and plugin) never reach into a command."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        in_commands = _within(module, "gongkai.commands")
        for imported in imports_of(path):
            if _within(imported, "gongkai.commands") and not in_commands:
                wrong.append(f"{module} imports {imported}")
            if _within(imported, "gongkai.editor") and not (in_commands or _within(module, "gongkai.editor")):
                wrong.append(f"{module} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_every_command_module_is_registered_and_nothing_else():
    """gongkai/commands/ holds exactly the subcommands gongkai/cli.py dispatches to."""
    modules = {f"gongkai.commands.{p.stem}" for p in COMMANDS_DIR.glob("*.py") if p.stem != "__init__"}
    assert modules == {module for module, _ in cli.COMMANDS.values()}
    for name, (module, _) in cli.COMMANDS.items():
        assert _within(module, "gongkai.commands"), name


def test_console_script_keeps_its_name():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"gongkai": "gongkai.cli:main"}
    installed = [ep for ep in metadata.entry_points(group="console_scripts") if ep.name == "gongkai"]
    assert installed and installed[0].value == "gongkai.cli:main"


def test_help_lists_every_subcommand():
    result = subprocess.run([sys.executable, "-m", "gongkai.cli", "--help"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert listed == list(cli.COMMANDS)
    unknown = subprocess.run([sys.executable, "-m", "gongkai.cli", "nosuch"], capture_output=True, text=True,
                             cwd=ROOT, timeout=60)
    assert unknown.returncode == 2 and "report-prefill" in unknown.stdout


@pytest.mark.parametrize("argv", [[name] for name in cli.COMMANDS] + [["new", kind] for kind in ("解读", "征集", "反馈")],
                         ids=lambda argv: " ".join(argv))
def test_each_subcommand_help_exits_0(argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit:
        cli.main([*argv, "--help"])
    assert exit.value.code == 0
    assert out.getvalue().startswith(f"usage: gongkai {' '.join(argv)}"), out.getvalue()[:200]
