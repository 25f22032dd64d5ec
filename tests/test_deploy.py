"""gongkai/deploy (documented in docs/deploy): the CI files' structure (their steps are run in test_deploy_ci.py);
Debian's nginx accepts both site files (HTTPS, and HTTP behind a TLS-terminating proxy) and serves the demo with its
headers, compression, caching and 404 page, refuses sources, never reflects Host, trusts X-Forwarded-Proto only from
the proxy; the demo works in Chromium under that Content-Security-Policy."""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from kit import ROOT

DEPLOY = ROOT / "gongkai" / "deploy"
NGINX = "/usr/sbin/nginx"
BROTLI_MODULES = ("ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so")


def load(name: str) -> dict:
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


def scripts(job: dict) -> str:
    return "\n".join(job.get("before_script", []) + job.get("script", []))


# ---------------------------------------------------------------------------------------------- CI files


def test_gitlab_ci_checks_builds_strictly_and_publishes():
    """The structure CI systems read; the shell steps themselves are run in test_deploy_ci.py."""
    ci = load("gitlab-ci.yml")
    assert ci["stages"] == ["build", "deploy"]
    assert ".cache/" in ci["cache"]["paths"] and ci["cache"]["key"]["files"] == ["requirements.txt"]
    assert ci["variables"]["PIP_CACHE_DIR"].endswith("/.cache/pip")
    build = scripts(ci["build"])
    steps = ["pip install", "gongkai check", "mkdocs build --strict --site-dir public", "gzip -f -k"]
    positions = [build.index(step) for step in steps]
    assert positions == sorted(positions)  # install, check, build, compress — in that order
    assert build.count("mkdocs build") == 1
    assert "gongkai-check.html" in ci["build"]["artifacts"]["paths"] and ci["build"]["artifacts"]["when"] == "always"
    assert ci["pages"]["artifacts"]["paths"] == ["public"] and ci["pages"]["needs"] == ["build"]
    assert '$DEPLOY_TARGET == "pages"' in ci["pages"]["rules"][0]["if"]
    rsync = ci["deploy-rsync"]
    assert "--chmod=D755,F644" in scripts(rsync) and "public/" in scripts(rsync)
    assert '$DEPLOY_TARGET == "rsync"' in rsync["rules"][0]["if"] and "known_hosts" in scripts(rsync)


def test_github_and_gitea_workflow_checks_builds_strictly_and_publishes():
    wf = load("github-actions.yml")
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads the key "on" as true
    assert on["push"]["branches"] == ["main"]
    steps = wf["jobs"]["build"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    runs = [s.get("run", "") for s in steps]
    assert "actions/checkout@v4" in uses and "actions/cache@v4" in uses
    cache = next(s for s in steps if s.get("uses") == "actions/cache@v4")
    assert cache["with"]["path"] == ".cache" and "hashFiles('requirements.txt')" in cache["with"]["key"]
    order = [next(i for i, r in enumerate(runs) if text in r) for text in
             ("pip install", "gongkai check", "mkdocs build --strict", "gzip -f -k")]
    assert order == sorted(order)
    assert uses.index("actions/cache@v4") < order[0]
    assert sum(r.count("mkdocs build") for r in runs) == 1
    assert wf["jobs"]["deploy-pages"]["needs"] == "build"
    assert "actions/deploy-pages@v4" in [s.get("uses") for s in wf["jobs"]["deploy-pages"]["steps"]]
    rsync = "\n".join(s.get("run", "") for s in wf["jobs"]["deploy-rsync"]["steps"])
    assert "--chmod=D755,F644" in rsync and "known_hosts" in rsync
    assert "vars.DEPLOY_TARGET == 'rsync'" in wf["jobs"]["deploy-rsync"]["if"]


# ---------------------------------------------------------------------------------------------- nginx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVER_NAME = "www.example.gov.cn"


def nginx_setup(tmp: Path, site: Path, *, brotli: bool, variant: str = "https",
                proxy: str = "10.0.0.0/8") -> tuple[Path, int, int | None]:
    """A site file as shipped, with only the machine-specific lines changed, inside a minimal nginx.conf.

    variant "https" is nginx.conf (returns the http and https ports); "http" is nginx-http.conf, behind a
    TLS-terminating proxy whose address range is ``proxy`` (returns the http port and None).
    """
    assert Path(NGINX).is_file(), "Debian 的 nginx 未安装：运行 make test（会用 apt-get 安装 nginx）"
    http, https = free_port(), free_port()
    replacements = {"/var/www/gongkai/site": str(site), "    listen 80;\n": f"    listen 127.0.0.1:{http};\n",
                    "    listen [::]:80;\n": ""}
    if variant == "https":
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=localhost", "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
                       check=True, capture_output=True)
        text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
        replacements |= {
            "/etc/ssl/gongkai/fullchain.pem": str(tmp / "cert.pem"), "/etc/ssl/gongkai/privkey.pem": str(tmp / "key.pem"),
            "    listen 443 ssl http2;\n": f"    listen 127.0.0.1:{https} ssl http2;\n",
            "    listen [::]:443 ssl http2;\n": "",
        }
    else:
        text = (DEPLOY / "nginx-http.conf").read_text(encoding="utf-8")
        https = None
        replacements |= {"    10.0.0.0/8     1;\n": f"    {proxy} 1;\n", "set_real_ip_from 10.0.0.0/8;": f"set_real_ip_from {proxy};"}
    if brotli:
        replacements["# include /etc/nginx/snippets/gongkai-brotli.conf;"] = f"include {DEPLOY / 'nginx-brotli.conf'};"
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    (tmp / "site.conf").write_text(text, encoding="utf-8")
    modules = "".join(f"load_module /usr/lib/nginx/modules/{m};\n" for m in BROTLI_MODULES) if brotli else ""
    temp = " ".join(f"{k}_temp_path {tmp / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "") + modules +
        f"pid {tmp / 'nginx.pid'};\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n default_type application/octet-stream;\n access_log off;\n {temp}\n"
        f" include {tmp / 'site.conf'};\n}}\n", encoding="utf-8")
    return tmp / "nginx.conf", http, https


@pytest.mark.build  # needs Debian's nginx, which make test (not make test-fast) installs
@pytest.mark.parametrize("variant", ["https", "http"])
@pytest.mark.parametrize("brotli", [False, True])
def test_debian_nginx_accepts_the_site_file(tmp_path, brotli, variant):
    site = tmp_path / "site"
    site.mkdir()
    conf, _, _ = nginx_setup(tmp_path, site, brotli=brotli, variant=variant)
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_both_site_files_serve_the_site_alike():
    """nginx-http.conf is nginx.conf's site part behind a proxy: only HSTS (sent when the proxy says https) differs."""
    def site_part(name):
        text = (DEPLOY / name).read_text(encoding="utf-8")
        return text[text.index("    # CI 用 rsync 发布到这里"):]
    https, http = site_part("nginx.conf"), site_part("nginx-http.conf")
    assert http == https.replace('add_header Strict-Transport-Security "max-age=31536000" always;\n',
                                 "add_header Strict-Transport-Security $gk_hsts always;  # 只在代理说明读者用的是 https 时发送\n")
    assert http != https


@contextlib.contextmanager
def running_nginx(tmp: Path, site: Path, **options):
    """nginx serving ``site`` with a shipped site file; yields (http base URL, https base URL or None)."""
    conf, http, https = nginx_setup(tmp, site, **options)
    process = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", https or http)) == 0:
                break
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{http}", https and f"https://127.0.0.1:{https}"
    finally:
        process.terminate()
        process.wait(timeout=10)


# What a repository holds and a built site never does: if it is there anyway, nginx does not send it.
SOURCES = ["notes.md", "xxgk/draft.markdown", "catalog.yml", "data.YAML", "wj/a.md~", "wj/a.md.bak", "build.py",
           ".git/config", ".gitlab-ci.yml", "wj/.hidden.html"]


@pytest.fixture(scope="module")
def served_demo(demo_site, tmp_path_factory):
    """The demo, pre-compressed as CI does it, plus stray sources, in one folder served by both site files."""
    tmp = tmp_path_factory.mktemp("nginx")
    site = tmp / "site"
    shutil.copytree(demo_site, site)
    for path in list(site.rglob("*.css")):
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes(), 9, mtime=0))
    for rel in SOURCES:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("SOURCE-TEXT", encoding="utf-8")
    (tmp / "https").mkdir()
    (tmp / "http").mkdir()
    with running_nginx(tmp / "https", site, brotli=True) as (http, https), \
            running_nginx(tmp / "http", site, brotli=True, variant="http", proxy="127.0.0.1/32") as (proxied, _):
        yield {"https": https, "http": proxied, "redirect": http}


@pytest.fixture(scope="module")
def nginx_demo(served_demo):
    """(https URL, http URL) of the demo behind the HTTPS site file (used by the browser test below)."""
    return served_demo["https"], served_demo["redirect"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, encoding: str | None = None, headers: dict | None = None):
    """(status, headers, body) without following redirects or checking the test certificate."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect)
    request = urllib.request.Request(url, headers={**({"Accept-Encoding": encoding} if encoding else {}),
                                                   **(headers or {})})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


SECURITY = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; font-src 'self' data:; object-src 'none'; "
                               "base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@pytest.mark.parametrize("variant", ["https", "http"])
def test_nginx_serves_the_demo_with_headers_compression_caching_and_404(served_demo, demo_site, variant):
    base = served_demo[variant]
    # Behind the proxy, the proxy says the reader used https (the http variant trusts it from 127.0.0.1 here).
    proxied = {"X-Forwarded-Proto": "https"} if variant == "http" else {}

    def get(path, encoding=None):
        return fetch(base + path, encoding, proxied)

    status, headers, body = get("/xxgk/")
    assert status == 200 and "政府信息公开" in body.decode("utf-8")
    assert headers["Content-Type"] == "text/html; charset=utf-8" and headers["Cache-Control"] == "no-cache"
    for name, value in SECURITY.items():
        assert headers[name] == value, name
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["Server"] == "nginx"  # server_tokens off: no version

    status, headers, body = get("/xxgk/no-such-page/")
    assert status == 404 and body == (demo_site / "404.html").read_bytes()
    assert all(headers[name] == value for name, value in SECURITY.items())  # error pages too

    hashed = next((demo_site / "assets/stylesheets").glob("main.*.min.css")).name
    status, headers, _ = get(f"/assets/stylesheets/{hashed}")
    assert status == 200 and headers["Cache-Control"] == "max-age=31536000"
    assert headers["X-Content-Type-Options"] == "nosniff"  # expires does not drop the server's headers

    status, headers, body = get("/assets/gongkai/gongkai.css", "gzip")
    assert headers["Content-Encoding"] == "gzip" and headers["Cache-Control"] == "no-cache"
    assert gzip.decompress(body) == (demo_site / "assets/gongkai/gongkai.css").read_bytes()
    status, headers, _ = get("/wj/szf/2026/gf-gongzi/", "br")
    assert headers["Content-Encoding"] == "br"
    status, headers, _ = get("/wj/szf/2026/gf-gongzi/", "gzip")
    assert headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"

    status, headers, body = get("/dingyue/quanzhan.xml")
    assert headers["Content-Type"] == "application/atom+xml; charset=utf-8" and body.startswith(b"<?xml")
    status, headers, _ = get("/dingyue/")
    assert headers["Content-Type"] == "text/html; charset=utf-8"

    for rel in SOURCES + ["dingyue/x.md"]:
        status, _, body = get("/" + rel)
        assert status == 404 and b"SOURCE-TEXT" not in body, rel
    assert get("/.well-known/no-such-token")[0] == 404  # reachable (for certificates), but not there


def test_http_redirect_does_not_trust_host(served_demo):
    status, headers, _ = fetch(served_demo["redirect"] + "/xxgk/?a=1", headers={"Host": "evil.example"})
    assert status == 301 and headers["Location"] == f"https://{SERVER_NAME}/xxgk/?a=1"
    assert headers["Server"] == "nginx"


def test_behind_a_proxy_the_forwarded_scheme_is_trusted_only_from_the_proxy(served_demo, demo_site, tmp_path):
    # From the proxy (127.0.0.1 here): http is sent to https, at the configured name whatever the Host.
    status, headers, _ = fetch(served_demo["http"] + "/xxgk/?a=1",
                               headers={"X-Forwarded-Proto": "http", "Host": "evil.example"})
    assert status == 301 and headers["Location"] == f"https://{SERVER_NAME}/xxgk/?a=1"
    status, headers, _ = fetch(served_demo["http"] + "/xxgk/")  # a health check: no header, served
    assert status == 200 and "Strict-Transport-Security" not in headers
    # From anywhere else (as shipped: the proxy range is 10.0.0.0/8) the header is ignored either way.
    with running_nginx(tmp_path, demo_site, brotli=False, variant="http") as (direct, _):
        for proto in ("http", "https"):
            status, headers, _ = fetch(direct + "/xxgk/", headers={"X-Forwarded-Proto": proto})
            assert status == 200 and "Strict-Transport-Security" not in headers, proto


@pytest.mark.parametrize("variant", ["https", "http"])
def test_repository_root_served_by_mistake_sends_nothing(tmp_path, variant):
    """root pointing at the site repository (mkdocs.yml, content/*.md, catalog/*.yml) instead of its built site."""
    with running_nginx(tmp_path, ROOT, brotli=False, variant=variant) as (http, https):
        base = https or http
        for path in ("/", "/mkdocs.yml", "/README.md", "/content/index.md", "/catalog/", "/pyproject.toml",
                     "/Makefile"):
            status, headers, body = fetch(base + path, headers={"X-Forwarded-Proto": "https"})
            assert status == 503, path
            assert b"site_name" not in body and b"gongkai" not in body, path


PAGES = ["", "xxgk/", "xxgk/szf/fdzdgknr/zcwj/gfxwj/", "wj/szf/2026/gf-gongzi/", "xxgk/szf/nb/2025/",
         "wj/sthjj/2026/zj-paiqi/", "dingyue/", "wzdt/"]


def test_the_demo_works_under_the_content_security_policy(browser, nginx_demo):
    https, _ = nginx_demo
    context = browser.new_context(ignore_https_errors=True, locale="zh-CN")
    page = context.new_page()
    violations, errors = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        for path in PAGES:
            page.goto(f"{https}/{path}")
            page.wait_for_load_state("networkidle")
            # mkdocs-material's bootstrap ran (from a file now): its storage helpers exist.
            assert page.evaluate("typeof __md_get === 'function' && __md_scope instanceof URL"), path
        page.goto(f"{https}/search/?q=%E5%B7%A5%E8%B5%84")  # 工资
        page.locator("[data-gk-search][data-state='done']").wait_for()  # no wait_for_function: the CSP forbids eval
        assert page.locator(".gk-hit").count() > 0
        page.goto(f"{https}/xxgk/")
        page.locator("[data-gk-elder]").first.click()
        assert page.evaluate("document.documentElement.classList.contains('gk-elder')")
    finally:
        context.close()
    assert violations == [] and errors == []
