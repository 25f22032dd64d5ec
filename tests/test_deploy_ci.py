"""The CI files of gongkai/deploy, run: every shell step of the GitLab and GitHub/Gitea jobs is executed here, in a
copy of a small site laid out as `gongkai init` makes it (mkdocs.yml and requirements.txt at the root), with the
real mkdocs, gongkai, gzip, brotli and rsync. Only what needs the network is a stub on PATH: apt-get (records, then
succeeds), pip (records; the install routes themselves are tested in test_install.py) and ssh, which records its
arguments and runs the remote command (rsync's server side) locally, so that rsync really transfers the site into
a folder standing for the county's server."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from kit import DEMO_CLOCK, GOOD_FRONT, MINI, ROOT, write_doc

pytestmark = pytest.mark.build

DEPLOY = ROOT / "gongkai" / "deploy"
VENV_BIN = Path(os.sys.executable).parent
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".txt", ".svg")

STUBS = {
    # Records its arguments, one call a line; succeeds as if the packages were installed.
    "apt-get": '#!/bin/sh\necho "$*" >> "$STUB_LOG/apt-get"\n',
    "sudo": '#!/bin/sh\necho "$*" >> "$STUB_LOG/sudo"\nexec "$@"\n',
    "pip": '#!/bin/sh\necho "$* PIP_INDEX_URL=${PIP_INDEX_URL-unset} PIP_NO_INDEX=${PIP_NO_INDEX-unset}" >> "$STUB_LOG/pip"\n',
    # ssh [options] host command…: record, skip the options and the host, run the command here.
    "ssh": """#!/bin/sh
echo "$*" >> "$STUB_LOG/ssh"
while [ $# -gt 0 ]; do
  case "$1" in
    -i|-p|-o|-l) shift 2 ;;
    -*) shift ;;
    *) shift; break ;;
  esac
done
exec sh -c "$*"
""",
}


def load(name: str) -> dict:
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


@pytest.fixture
def runner(tmp_path):
    """A fresh 'runner': the site repository, a home folder, the stubs and a folder standing for the server."""
    if not (shutil.which("rsync") and shutil.which("brotli")):
        pytest.fail("rsync 或 brotli 未安装：运行 make nginx（会用 apt-get 安装）")
    repo = tmp_path / "repo"
    shutil.copytree(MINI, repo)
    config = repo / "mkdocs.yml"
    # Every plugin a new site has would be slower to build here; the checks plugin is the one CI depends on.
    text = config.read_text(encoding="utf-8").replace(
        "plugins:\n", "plugins:\n  - gongkai/checks:\n      severity: {blank: warning}\n")
    config.write_text(text, encoding="utf-8")
    shutil.copy(DEPLOY / "requirements.txt", repo / "requirements.txt")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name, body in STUBS.items():
        (stubs / name).write_text(body, encoding="utf-8")
        (stubs / name).chmod(0o755)
    log = tmp_path / "log"
    log.mkdir()
    (tmp_path / "home").mkdir()
    env = {
        "PATH": f"{stubs}:{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path / "home"),
        "STUB_LOG": str(log), "LANG": "C.UTF-8", "CI_PROJECT_DIR": str(repo), **DEMO_CLOCK,
    }
    return Runner(repo, env, log, tmp_path / "server")


class Runner:
    def __init__(self, repo: Path, env: dict, log: Path, server: Path):
        self.repo, self.env, self.log, self.server = repo, env, log, server

    def run(self, script: str, env: dict | None = None) -> subprocess.CompletedProcess:
        """One shell step the way both CI systems run it: bash, stopping at the first failing command."""
        return subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=self.repo, capture_output=True,
                              text=True, env={**self.env, **(env or {})}, timeout=300,
                              preexec_fn=lambda: os.umask(0o022))  # a runner's usual umask

    def calls(self, tool: str) -> list[str]:
        path = self.log / tool
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


# ---------------------------------------------------------------------------------------------- the two CI files


def gitlab_env(job: str) -> dict:
    ci = load("gitlab-ci.yml")
    variables = {**ci.get("variables", {}), **ci[job].get("variables", {})}
    return {k: str(v) for k, v in variables.items()}


def gitlab_steps(job: str) -> list[str]:
    """The job's commands; GitLab runs them in one shell, in order."""
    job = load("gitlab-ci.yml")[job]
    return job.get("before_script", []) + job["script"]


def github_steps(job: str, values: dict[str, str] | None = None) -> list[tuple[str, dict]]:
    """(script, env) of each `run:` step; `${{ vars.X }}` / `${{ secrets.X }}` in env take the given values ('' if
    unset, as on GitHub). Each step is its own shell."""
    wf = load("github-actions.yml")
    values = values or {}
    steps = []
    for step in wf["jobs"][job]["steps"]:
        if "run" not in step:
            continue
        assert "${{" not in step["run"], "expressions belong in env:, not in the script (injection)"
        env = {**wf.get("env", {}), **step.get("env", {})}
        for key, value in env.items():
            match = re.fullmatch(r"\$\{\{ (?:vars|secrets)\.(\w+) \}\}", str(value))
            env[key] = values.get(match.group(1), "") if match else str(value)
        steps.append((step["run"], env))
    return steps


def run_gitlab(runner: Runner, job: str, env: dict | None = None) -> subprocess.CompletedProcess:
    resolved = {k: v.replace("$CI_PROJECT_DIR", runner.env["CI_PROJECT_DIR"]) for k, v in gitlab_env(job).items()}
    return runner.run("\n".join(gitlab_steps(job)), {**resolved, **(env or {})})


def run_github(runner: Runner, job: str, values: dict | None = None) -> subprocess.CompletedProcess:
    """The job's steps in order, stopping at the first that fails; the output of all of them."""
    out, err, code = [], [], 0
    for script, env in github_steps(job, values):
        result = runner.run(script, env)
        out.append(result.stdout)
        err.append(result.stderr)
        code = result.returncode
        if code != 0:
            break
    return subprocess.CompletedProcess(job, code, "".join(out), "".join(err))


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_precompressed(site: Path) -> None:
    """Every text file over 1 KiB has a .gz and a .br beside it with the same content; nothing else has."""
    texts = [p for p in site.rglob("*") if p.is_file() and p.suffix in COMPRESSIBLE and p.stat().st_size > 1024]
    assert len(texts) > 20
    for path in texts:
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes(), path
        assert path.with_name(path.name + ".br").is_file(), path
    for packed in [*site.rglob("*.gz"), *site.rglob("*.br")]:
        assert packed.with_suffix("").suffix in COMPRESSIBLE, packed
        assert not packed.name.endswith((".gz.gz", ".gz.br", ".br.gz", ".br.br")), packed


def assert_apt_updates_first(runner: Runner) -> None:
    calls = runner.calls("apt-get")
    installs = [i for i, c in enumerate(calls) if c.startswith("install")]
    assert installs, calls
    for i in installs:
        assert "update -q" in calls[:i], calls


@pytest.mark.parametrize("system", ["gitlab", "github"])
def test_build_job_runs_green_on_a_fresh_runner_and_again(runner, system):
    out = runner.repo / ("public" if system == "gitlab" else "site")
    run = (lambda: run_gitlab(runner, "build")) if system == "gitlab" else (lambda: run_github(runner, "build"))
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "index.html").is_file() and (out / "wj").is_dir()
    assert_precompressed(out)
    assert_apt_updates_first(runner)
    assert "brotli" in runner.calls("apt-get")[-1]
    assert runner.calls("pip") == ["install -r requirements.txt PIP_INDEX_URL=unset PIP_NO_INDEX=unset"]
    # The checks ran inside the one build (mkdocs.yml enables gongkai/checks), which wrote the report as well:
    # `gongkai check` (which prints its report on stdout) did not build the site a second time.
    assert "INFO    -  发布前检查（截至 2026-11-30）：0 个错误" in result.stderr
    assert result.stderr.count("Documentation built") == 1 and "发布前检查" not in result.stdout
    report = json.loads((runner.repo / "gongkai-check.json").read_text(encoding="utf-8"))
    assert "空白栏目" in json.dumps(report, ensure_ascii=False)  # the warning this site has
    assert "空白栏目" in (runner.repo / "gongkai-check.html").read_text(encoding="utf-8")
    stat_modes = {stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")]}
    assert stat_modes == {0o755, 0o644}

    first = site_files(out)
    again = run()  # a rerun of the job (the runner kept its folder)
    assert again.returncode == 0, again.stdout + again.stderr
    assert site_files(out) == first


@pytest.mark.parametrize("system", ["gitlab", "github"])
def test_precompression_step_is_idempotent(runner, system):
    """The step that failed with `gzip: site/sitemap.xml.gz already exists; not overwritten`, run twice on one site."""
    out_name = "public" if system == "gitlab" else "site"
    scripts = gitlab_steps("build") if system == "gitlab" else [s for s, _ in github_steps("build")]
    (step,) = [s for s in scripts if "gzip" in s]
    build = subprocess.run([str(VENV_BIN / "mkdocs"), "build", "--strict", "-d", out_name], cwd=runner.repo,
                           capture_output=True, text=True, env=runner.env)
    assert build.returncode == 0, build.stderr
    out = runner.repo / out_name
    assert (out / "sitemap.xml.gz").is_file()  # MkDocs writes it: the file gzip refused to overwrite
    results = [runner.run(step), None]
    first = site_files(out)
    (out / "index.html").write_text((out / "index.html").read_text(encoding="utf-8") + "<!-- 更新 -->" * 200,
                                    encoding="utf-8")
    results[1] = runner.run(step)
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "not overwritten" not in result.stderr
    assert_precompressed(out)  # index.html.gz follows the changed page
    assert set(site_files(out)) == set(first)


def test_failed_build_writes_the_report_and_publishes_nothing(runner):
    """A build that finds an error stops the job; the check report is written for the 政务公开办 to read."""
    write_doc(runner.repo, "jyj/2025/bad.md", GOOD_FRONT.replace("发布机构: jyj", "发布机构: nobody"))
    result = run_gitlab(runner, "build")
    assert result.returncode == 1, result.stderr
    assert "“nobody”不是已定义的发布主体" in (runner.repo / "gongkai-check.html").read_text(encoding="utf-8")
    assert not (runner.repo / "public").exists()
    assert not list(runner.repo.rglob("*.gz"))  # the job stopped before pre-compression


def test_a_site_without_the_checks_plugin_still_runs_gongkai_check(runner):
    """Sites made before every plugin was listed: `gongkai check` runs before the build, as it did."""
    config = runner.repo / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - gongkai/checks:\n      severity: {blank: warning}\n", ""), encoding="utf-8")
    result = run_github(runner, "build")
    # The mini site has a 空白栏目, an error for `gongkai check`: the job stops before building.
    assert result.returncode == 1
    assert "空白栏目" in (runner.repo / "gongkai-check.html").read_text(encoding="utf-8")
    assert not (runner.repo / "site").exists()


def test_install_step_honours_wheels_folder_and_package_index(runner):
    (runner.repo / "wheels").mkdir()
    result = run_gitlab(runner, "build", {"PIP_INDEX_URL": "https://pypi.example.gov.cn/simple/"})
    assert result.returncode == 0, result.stderr
    assert runner.calls("pip") == [
        "install --find-links wheels -r requirements.txt PIP_INDEX_URL=https://pypi.example.gov.cn/simple/ "
        "PIP_NO_INDEX=unset"]
    (runner.log / "pip").unlink()
    # GitHub passes unset repository variables as empty strings: those must not reach pip.
    result = run_github(runner, "build", {"PIP_NO_INDEX": "1"})
    assert result.returncode == 0, result.stderr
    assert runner.calls("pip") == ["install --find-links wheels -r requirements.txt PIP_INDEX_URL=unset PIP_NO_INDEX=1"]


def test_git_is_installed_when_requirements_install_from_git(runner, tmp_path):
    """python:3.12-slim has no git; pip needs it for a `git+https://` requirement."""
    bin_dir = tmp_path / "bin"  # a PATH without git
    bin_dir.mkdir()
    for tool in ("grep", "id", "sh", "bash", "cat", "echo"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    stubs = runner.env["PATH"].split(":")[0]
    script = gitlab_steps("build")[0]
    result = runner.run(script, {"PATH": f"{stubs}:{bin_dir}"})
    assert result.returncode == 0, result.stderr
    assert runner.calls("apt-get")[-1].split()[-2:] == ["brotli", "git"]
    (runner.repo / "requirements.txt").write_text("gongkai[checks]==0.2.0\n# git+https://…\n", encoding="utf-8")
    result = runner.run(script, {"PATH": f"{stubs}:{bin_dir}"})
    assert result.returncode == 0, result.stderr
    assert runner.calls("apt-get")[-1].split()[-1] == "brotli"  # a commented-out Git line needs no git


def test_no_apt_get_install_without_update_first():
    """Static: every `apt-get install` in both files is preceded by `apt-get update` in the same job."""
    gitlab = load("gitlab-ci.yml")
    jobs = {f"gitlab {name}": "\n".join(gitlab_steps(name)) for name in ("build", "pages", "deploy-rsync")}
    wf = load("github-actions.yml")
    for name, job in wf["jobs"].items():
        jobs[f"github {name}"] = "\n".join(s.get("run", "") for s in job.get("steps", []))
    for name, script in jobs.items():
        for match in re.finditer(r"apt-get install", script):
            assert "apt-get update" in script[:match.start()], name


# ---------------------------------------------------------------------------------------------- publishing over SSH

SSH_VALUES = {"SSH_PRIVATE_KEY": "-----BEGIN OPENSSH PRIVATE KEY-----\r\nAAAA\r\n-----END OPENSSH PRIVATE KEY-----",
              "SSH_KNOWN_HOSTS": "www.example.gov.cn ssh-ed25519 AAAAC3Nza", "DEPLOY_USER": "deploy",
              "DEPLOY_HOST": "www.example.gov.cn"}


@pytest.mark.parametrize("system", ["gitlab", "github"])
def test_deploy_job_publishes_to_the_countys_server_over_ssh(runner, system):
    out_name = "public" if system == "gitlab" else "site"
    build = subprocess.run([str(VENV_BIN / "mkdocs"), "build", "--strict", "-d", out_name], cwd=runner.repo,
                           capture_output=True, text=True, env=runner.env)
    assert build.returncode == 0, build.stderr
    out = runner.repo / out_name
    # Artifacts do not keep file modes (GitHub's are zip files): the server must still get world-readable files.
    for path in [out, *out.rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)
    server = runner.server / "var/www/gongkai/site"
    server.mkdir(parents=True)
    (server / "removed-page.html").write_text("old", encoding="utf-8")
    values = {**SSH_VALUES, "DEPLOY_PATH": f"{server}/"}

    def deploy():
        if system == "gitlab":
            return run_gitlab(runner, "deploy-rsync", values)
        return run_github(runner, "deploy-rsync", values)

    for _ in range(2):  # a second publication of the same site changes nothing and succeeds
        result = deploy()
        assert result.returncode == 0, result.stdout + result.stderr
        assert {k: v for k, v in site_files(server).items()} == site_files(out)
        modes = {(p.is_dir(), stat.S_IMODE(p.stat().st_mode)) for p in server.rglob("*")}
        assert modes == {(True, 0o755), (False, 0o644)}
    ssh = runner.calls("ssh")
    assert len(ssh) == 2 and all("deploy@www.example.gov.cn" in c or "-l deploy www.example.gov.cn" in c for c in ssh)
    assert all("-p 22" in c and "StrictHostKeyChecking=yes" in c for c in ssh), ssh
    home = Path(runner.env["HOME"])
    assert (home / ".ssh/known_hosts").read_text() == SSH_VALUES["SSH_KNOWN_HOSTS"] + "\n"
    key = home / ".ssh/deploy_key"
    assert "\r" not in key.read_text() and stat.S_IMODE(key.stat().st_mode) == 0o600
    if system == "gitlab":
        assert_apt_updates_first(runner)
        assert runner.calls("apt-get")[-1].endswith("rsync openssh-client")


@pytest.mark.parametrize("system", ["gitlab", "github"])
def test_deploy_job_names_a_missing_variable(runner, system):
    out = runner.repo / ("public" if system == "gitlab" else "site")
    out.mkdir()
    (out / "index.html").write_text("<p>首页</p>", encoding="utf-8")
    values = {**SSH_VALUES, "DEPLOY_PATH": ""}
    result = run_gitlab(runner, "deploy-rsync", values) if system == "gitlab" else run_github(runner, "deploy-rsync", values)
    assert result.returncode == 1
    assert "未设置" in result.stderr and "DEPLOY_PATH" in result.stderr
    assert runner.calls("ssh") == []


# ---------------------------------------------------------------------------------------------- the kept site

REPLAY = "构建缓存：所有输入与上次构建相同"
CARRIED = re.compile(r"构建缓存：(\d+) 个页面的输入与上次构建相同，直接沿用")
KEPT = ".cache/gongkai-site/site.tar"


def run_job(runner: Runner, system: str) -> subprocess.CompletedProcess:
    return run_gitlab(runner, "build") if system == "gitlab" else run_github(runner, "build")


def new_runner(runner: Runner, system: str, archive: Path) -> None:
    """What happens between two runs: the job's folder is a fresh checkout (every untracked file gone, every file a
    new mtime) and `.cache/` comes back from the CI system's cache, archived the way that system archives it:
    GitHub's actions/cache is a tar (GNU format here: whole-second mtimes), GitLab's cache a zip (two-second DOS
    times, modes kept)."""
    repo = runner.repo
    cache = repo / ".cache"
    if system == "github":
        subprocess.run(["tar", "-cf", str(archive), "-C", str(repo), ".cache"], check=True)
    else:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(cache.rglob("*")):
                zf.write(path, path.relative_to(repo).as_posix())
    tracked = set(site_files(MINI)) | {"mkdocs.yml", "requirements.txt"}
    for path in sorted(repo.rglob("*"), reverse=True):  # a folder after what is in it
        rel = path.relative_to(repo).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(t.startswith(rel + "/") for t in tracked):
                path.rmdir()
        elif rel not in tracked:
            path.unlink()
        else:
            os.utime(path)  # checked out again
    assert not cache.exists() and not (repo / "site").exists() and not (repo / "public").exists()
    if system == "github":
        subprocess.run(["tar", "-xf", str(archive), "-C", str(repo)], check=True)
    else:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                target = Path(zf.extract(info, repo))
                target.chmod(info.external_attr >> 16 & 0o7777)
                when = dt.datetime(*info.date_time).timestamp()
                os.utime(target, (when, when))
    archive.unlink()


def published(out: Path) -> dict[str, bytes]:
    """The site as the build wrote it: the published folder without the precompressed files."""
    return {k: v for k, v in site_files(out).items() if not k.endswith((".gz", ".br")) or k == "sitemap.xml.gz"}


def clean_build(runner: Runner, dest: Path) -> dict[str, bytes]:
    build = subprocess.run([str(VENV_BIN / "mkdocs"), "build", "--strict", "-d", str(dest)], cwd=runner.repo,
                           capture_output=True, text=True, env={**runner.env, "GONGKAI_CACHE": "0"})
    assert build.returncode == 0, build.stderr
    return site_files(dest)


@pytest.mark.parametrize("system", ["gitlab", "github"])
def test_the_next_run_replays_or_carries_the_kept_site(runner, system, tmp_path):
    """The job keeps the site it published with the build cache; the next run (a new runner, `.cache/` back from the
    CI system's cache) finds it: nothing changed, the build is replayed; one document's body changed, every other
    page is carried. Either way what it publishes is a clean build's site, precompressed."""
    out = runner.repo / ("public" if system == "gitlab" else "site")
    first = run_job(runner, system)
    assert first.returncode == 0, first.stdout + first.stderr
    assert REPLAY not in first.stderr and not CARRIED.search(first.stderr)
    site = site_files(out)

    new_runner(runner, system, tmp_path / "cache.archive")
    again = run_job(runner, system)
    assert again.returncode == 0, again.stdout + again.stderr
    assert REPLAY in again.stderr, again.stderr[-3000:]
    assert "没有保留的网站" in first.stdout and "恢复了上次发布的网站" in again.stdout, again.stdout
    assert site_files(out) == site
    assert "INFO    -  发布前检查（截至 2026-11-30）：0 个错误" in again.stderr  # the recorded verdict, reported again

    new_runner(runner, system, tmp_path / "cache.archive")
    doc = runner.repo / "content/wj/jyj/2025/gf-2.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("做好相关工作。", "认真做好相关工作。"), encoding="utf-8")
    third = run_job(runner, system)
    assert third.returncode == 0, third.stdout + third.stderr
    assert REPLAY not in third.stderr
    carried = CARRIED.search(third.stderr)
    assert carried, third.stderr[-3000:]
    assert int(carried.group(1)) > 10 and "1 个重新生成" in third.stderr, third.stderr[-3000:]  # the changed page
    assert published(out) == clean_build(runner, tmp_path / "clean")
    assert "认真做好相关工作" in (out / "wj/jyj/2025/gf-2/index.html").read_text(encoding="utf-8")
    assert_precompressed(out)


def damage(runner: Runner, how: str, tmp_path: Path) -> None:
    """The kept site as the next run finds it, damaged: cut short (its checksum no longer matches), cut short with a
    checksum that matches (tar itself fails), or whole but not the site the build recorded (a page rewritten, a
    file added: as a site kept by another version, or edited by hand, would be)."""
    tar = runner.repo / KEPT
    data = tar.read_bytes()
    if how == "stale":
        unpacked = tmp_path / "unpacked"
        unpacked.mkdir()
        subprocess.run(["tar", "-xpf", str(tar), "-C", str(unpacked)], check=True)
        page = unpacked / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>旧版本</p></body>"), encoding="utf-8")
        (unpacked / "stale.html").write_text("<p>已撤回的页面</p>", encoding="utf-8")
        subprocess.run(["tar", "--posix", "-cf", str(tar), "-C", str(unpacked), "."], check=True)
        shutil.rmtree(unpacked)
    else:
        tar.write_bytes(data[:len(data) // 2])
    if how != "truncated":
        subprocess.run(f"sha256sum site.tar > site.tar.sha256", shell=True, cwd=tar.parent, check=True)


@pytest.mark.parametrize("system,how", [("gitlab", "truncated"), ("github", "unreadable"), ("github", "stale")])
def test_a_damaged_kept_site_is_an_ordinary_build(runner, system, how, tmp_path):
    """A kept site that is cut short, cannot be unpacked or is not what the build recorded: the run publishes what a
    run without it publishes (no file of the kept one that the build did not make), and keeps a good one again."""
    name = "public" if system == "gitlab" else "site"
    out = runner.repo / name
    first = run_job(runner, system)
    assert first.returncode == 0, first.stdout + first.stderr
    site = published(out)
    new_runner(runner, system, tmp_path / "cache.archive")
    damage(runner, how, tmp_path)
    again = run_job(runner, system)
    assert again.returncode == 0, again.stdout + again.stderr
    assert REPLAY not in again.stderr and not CARRIED.search(again.stderr)
    assert published(out) == site
    assert_precompressed(out)
    if how == "stale":
        assert "恢复了上次发布的网站" in again.stdout  # unpacked: the build itself refused its files
    else:
        assert "警告：保留的网站不完整或已损坏" in again.stdout, again.stdout
    assert not (runner.repo / f".{name}-kept").exists()
    check = subprocess.run(["sha256sum", "--status", "-c", "site.tar.sha256"], cwd=runner.repo / KEPT.rsplit("/", 1)[0])
    assert check.returncode == 0  # this run kept its own site for the next


def fake_kept_site(runner: Runner) -> bytes:
    """A kept site (a tar with its checksum) as a run before left it; its bytes."""
    made = runner.repo / "made"
    shutil.rmtree(made, ignore_errors=True)
    made.mkdir()
    (made / "index.html").write_text("<p>上一版</p>", encoding="utf-8")
    tar = runner.repo / KEPT
    tar.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "--posix", "-cf", str(tar), "-C", str(made), "."], check=True)
    subprocess.run("sha256sum site.tar > site.tar.sha256", shell=True, cwd=tar.parent, check=True)
    shutil.rmtree(made)
    return tar.read_bytes()


def kept_steps(system: str) -> list[tuple[str, dict]]:
    """The job's two steps that restore and keep the site, with their environment."""
    if system == "gitlab":
        return [(s, gitlab_env("build")) for s in gitlab_steps("build") if ".cache/gongkai-site" in s]
    return [(s, env) for s, env in github_steps("build") if ".cache/gongkai-site" in s]


@pytest.mark.parametrize("system", ["gitlab", "github"])
def test_keeping_the_site_can_be_turned_off(runner, system):
    """KEEP_SITE=0: a site kept before is dropped from the cache, none is restored, none is kept."""
    out = runner.repo / ("public" if system == "gitlab" else "site")
    restore, keep = kept_steps(system)
    fake_kept_site(runner)
    for script, env in (restore, keep):
        assert runner.run(script, env).returncode == 0
    assert (out / "index.html").is_file() and (runner.repo / KEPT).is_file()  # on by default
    result = runner.run(keep[0], {**keep[1], "KEEP_SITE": "0"})
    assert result.returncode == 0, result.stderr
    assert not (runner.repo / ".cache/gongkai-site").exists()
    assert (out / "index.html").is_file()  # the published site is left alone
    fake_kept_site(runner)
    result = runner.run(restore[0], {**restore[1], "KEEP_SITE": "0"})
    assert result.returncode == 0, result.stderr
    assert not (runner.repo / ".cache/gongkai-site").exists() and not out.exists()


def test_a_failed_build_leaves_no_site_and_the_kept_one_as_it_was(runner):
    """The kept site is restored, then the build fails: the job's artifacts hold no site (GitLab uploads them even
    when the job fails), and the kept site is the last good one."""
    kept = fake_kept_site(runner)
    write_doc(runner.repo, "jyj/2025/bad.md", GOOD_FRONT.replace("发布机构: jyj", "发布机构: nobody"))
    result = run_job(runner, "gitlab")
    assert result.returncode == 1
    assert "恢复了上次发布的网站（1 个文件）" in result.stdout
    assert not (runner.repo / "public").exists()
    assert (runner.repo / KEPT).read_bytes() == kept
