"""Install routes (docs/deploy/README.md): gongkai builds as a wheel holding its templates, assets and deploy files;
a site installs it from a pinned Git tag, or offline from a wheelhouse, with the CI file's own install step.

The offline route is tried for real: a wheelhouse is made once from the package index (PyPI or this machine's pip
cache), then a fresh virtual environment installs from it with no index at all and builds a site.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
import yaml

from kit import DEMO_CLOCK, MINI, ROOT

DEPLOY = ROOT / "gongkai" / "deploy"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
# pip as a site's CI would run it: no configuration file of this machine (its find-links and mirrors would
# hide a wheelhouse that lacks something).
CLEAN = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")} | {
    "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_MKDOCS_2_WARNING": "1"}


def test_versions_agree():
    """The release these files go out in: the package, pyproject and the site's requirements.txt name one version."""
    import gongkai

    assert gongkai.__version__ == VERSION
    lines = [l for l in (DEPLOY / "requirements.txt").read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith("#")]
    assert lines == [f"gongkai[checks] @ git+https://git.example.gov.cn/zwgk/gongkai.git@v{VERSION}"]
    assert f"gongkai[checks]=={VERSION}" in (DEPLOY / "requirements.txt").read_text(encoding="utf-8")


def source_copy(tmp: Path) -> Path:
    """What a release of gongkai holds (no .venv, no build output), so that building leaves the worktree clean."""
    src = tmp / "gongkai-src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "gongkai", src / "gongkai", ignore=shutil.ignore_patterns("__pycache__"))
    return src


def pip(*args: str, cwd: Path | None = None, python: str = sys.executable, env: dict | None = None):
    return subprocess.run([python, "-m", "pip", *args], cwd=cwd, capture_output=True, text=True,
                          env=env or os.environ.copy(), timeout=600)


def skip_if_offline(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0 and re.search(r"(?i)connection|resolve|network|timed out|No matching distribution",
                                            result.stderr):
        pytest.skip(f"无法访问软件包索引（PyPI 或本机镜像），不能{what}：{result.stderr.strip().splitlines()[-1]}")
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    result = pip("wheel", "--no-deps", "-w", str(tmp / "dist"), str(source_copy(tmp)), cwd=tmp)
    skip_if_offline(result, "构建 wheel（需要从索引取得 setuptools）")
    (built,) = (tmp / "dist").glob("*.whl")
    return built


@pytest.mark.build
def test_package_builds_as_a_wheel_with_templates_assets_and_deploy_files(wheel):
    assert wheel.name == f"gongkai-{VERSION}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (ROOT / "gongkai/deploy").iterdir():
        assert f"gongkai/deploy/{path.name}" in names, path.name
    for folder in ("templates", "assets", "frame"):
        shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / "gongkai" / folder).rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts}
        assert shipped and shipped <= names, sorted(shipped - names)[:5]
    assert not any(n.startswith(("tests/", "docs/", "content/")) for n in names)
    metadata = zipfile.ZipFile(wheel).read(f"gongkai-{VERSION}.dist-info/entry_points.txt").decode()
    assert "gongkai/catalog = gongkai.plugins.catalog.plugin:CatalogPlugin" in metadata


@pytest.fixture(scope="module")
def wheelhouse(wheel, tmp_path_factory) -> Path:
    """Route 4 as docs/deploy/README.md gives it, once, with the package index: gongkai's wheel in wheels/ (route 2),
    then `pip wheel -w wheels --find-links wheels -r requirements.txt`. Plus setuptools, which pip needs offline to
    build gongkai from its Git tag (route 1 test)."""
    tmp = tmp_path_factory.mktemp("wheelhouse")
    house = tmp / "wheels"
    house.mkdir()
    shutil.copy(wheel, house)
    (tmp / "requirements.txt").write_text(f"gongkai[checks]=={VERSION}\n", encoding="utf-8")
    result = pip("wheel", "-w", "wheels", "--find-links", "wheels", "-r", "requirements.txt", cwd=tmp)
    skip_if_offline(result, "准备离线安装包（wheelhouse）")
    skip_if_offline(pip("wheel", "-w", "wheels", "setuptools>=64", cwd=tmp), "取得 setuptools")
    return house


def fresh_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin"


def site_repo(tmp: Path, requirements: str) -> Path:
    repo = tmp / "repo"
    shutil.copytree(MINI, repo)
    (repo / "requirements.txt").write_text(requirements, encoding="utf-8")
    config = repo / "mkdocs.yml"  # as a new site has it: the checks run inside the one build
    config.write_text(config.read_text(encoding="utf-8").replace(
        "plugins:\n", "plugins:\n  - gongkai/checks:\n      severity: {blank: warning}\n"), encoding="utf-8")
    return repo


def gitlab_build_script() -> str:
    return "\n".join(yaml.safe_load((DEPLOY / "gitlab-ci.yml").read_text(encoding="utf-8"))["build"]["script"])


def run_ci_build(repo: Path, bin_dir: Path, tmp: Path, extra_env: dict) -> subprocess.CompletedProcess:
    """The GitLab build job's own script, with the fresh environment's python and pip first on PATH; apt-get is a
    stub that succeeds (brotli is on this machine already)."""
    stubs = tmp / "stubs"
    stubs.mkdir(exist_ok=True)
    (stubs / "apt-get").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (stubs / "apt-get").chmod(0o755)
    env = CLEAN | DEMO_CLOCK | extra_env | {"PATH": f"{bin_dir}:{stubs}:/usr/bin:/bin", "HOME": str(tmp)}
    return subprocess.run(["bash", "-eo", "pipefail", "-c", gitlab_build_script()], cwd=repo, capture_output=True,
                          text=True, env=env, timeout=900)


@pytest.mark.build
def test_offline_route_installs_from_the_wheelhouse_alone_and_builds(wheelhouse, tmp_path):
    """Route 4: wheels/ committed beside the site, CI variable PIP_NO_INDEX=1; no network, no other source."""
    repo = site_repo(tmp_path, f"gongkai[checks]=={VERSION}\n")
    shutil.copytree(wheelhouse, repo / "wheels")
    bin_dir = fresh_venv(tmp_path / "venv")
    result = run_ci_build(repo, bin_dir, tmp_path, {"PIP_NO_INDEX": "1", "PIP_INDEX_URL": "http://127.0.0.1:9/"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (repo / "public" / "index.html").is_file() and (repo / "public" / "index.html.gz").is_file()
    shown = pip("show", "gongkai", "openpyxl", "pypdf", python=str(bin_dir / "python"), env=CLEAN)
    assert f"Version: {VERSION}" in shown.stdout and "Name: pypdf" in shown.stdout  # [checks] came along
    # Nothing else could have been installed from: without wheels/ the same settings find no gongkai.
    nothing = pip("download", "--no-deps", "-d", str(tmp_path / "x"), f"gongkai=={VERSION}", cwd=repo,
                  python=str(bin_dir / "python"), env=CLEAN | {"PIP_NO_INDEX": "1"})
    assert nothing.returncode != 0 and "No matching distribution" in nothing.stderr


@pytest.mark.build
def test_git_tag_route_installs_the_pinned_tag(wheelhouse, tmp_path):
    """Route 1, the requirements.txt line as shipped with only the host changed, against a Git repository of
    gongkai holding the tag (dependencies from the wheelhouse, so offline). file://localhost/…: the pip that
    Python 3.11 bundles rejects file:/// (no host) in a PEP 508 URL."""
    if not shutil.which("git"):
        pytest.skip("没有 git")
    src = source_copy(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-C", str(src)]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "release"], ["tag", f"v{VERSION}"]):
        subprocess.run(git + args, check=True, capture_output=True)
    (src / "gongkai" / "__init__.py").write_text('__version__ = "9.9.9"\n', encoding="utf-8")  # after the tag
    subprocess.run(git + ["commit", "-qam", "later"], check=True, capture_output=True)
    line = next(l for l in (DEPLOY / "requirements.txt").read_text(encoding="utf-8").splitlines()
                if l.startswith("gongkai"))
    repo = site_repo(tmp_path, line.replace("https://git.example.gov.cn/zwgk/gongkai.git", f"file://localhost{src}") + "\n")
    bin_dir = fresh_venv(tmp_path / "venv")
    result = pip("install", "--no-index", "--find-links", str(wheelhouse), "-r", "requirements.txt", cwd=repo,
                 python=str(bin_dir / "python"), env=CLEAN | {"PATH": os.environ["PATH"]})
    assert result.returncode == 0, result.stderr[-3000:]
    version = subprocess.run([str(bin_dir / "python"), "-c", "import gongkai; print(gongkai.__version__)"],
                             capture_output=True, text=True, env=CLEAN)
    assert version.stdout.strip() == VERSION  # the tag, not the branch's newer commit
