"""The CI files of gongkai/deploy, run: every shell step of the GitLab and GitHub/Gitea jobs is executed here, in a
copy of a small site laid out as `gongkai init` makes it (mkdocs.yml and requirements.txt at the root), with the
real mkdocs, gongkai, gzip, brotli and rsync. Only what needs the network is a stub on PATH: apt-get (records, then
succeeds), pip (records; the install routes themselves are tested in test_install.py) and ssh, which records its
arguments and runs the remote command (rsync's server side) locally, so that rsync really transfers the site into
a folder standing for the county's server."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import stat
import subprocess
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
