"""The files of deploy/ that README "Deployment" tells a sysadmin to install are valid as shipped."""

from __future__ import annotations

import grp
import os
import pwd
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import config
from cli import server
from tests.test_docs import environment_variables

DEPLOY = config.ROOT / "deploy"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (make system)")


def _settings_file() -> dict[str, str]:
    lines = (DEPLOY / "delta87.env").read_text(encoding="utf-8").splitlines()
    pairs = [line.lstrip("#").split("=", 1) for line in lines if re.match(r"#?DELTA87_\w+=", line)]
    return {name: value for name, value in pairs}


def test_the_example_settings_are_settings_the_platform_reads(monkeypatch):
    settings = _settings_file()
    assert set(settings) <= environment_variables(), set(settings) - environment_variables()
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    read = config.settings()
    assert read.public_url and read.trusted_proxies == ("127.0.0.1",)
    assert "set_real_ip_from 127.0.0.1;" in server.real_ip(read.trusted_proxies)


def _nginx_test(folder: Path, conf: Path, soft_files: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        if soft_files:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft_files, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    command = [NGINX, "-t", "-e", "stderr", "-p", str(folder), "-c", str(conf)]
    return subprocess.run(command, capture_output=True, text=True, check=False, preexec_fn=limit)  # noqa: PLW1509


@needs_nginx
def test_the_front_proxy_fits_a_service_managers_file_limit(tmp_path):
    """systemd gives a service 1,024 open files unless told otherwise; nginx's 4,096 connections need more."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(server.nginx_config(config.settings(), tmp_path, "127.0.0.1", 8999), encoding="utf-8")
    checked = _nginx_test(tmp_path, conf, soft_files=1024)
    assert checked.returncode == 0 and "exceed open file resource limit" not in checked.stderr, checked.stderr


@needs_nginx
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_the_tls_proxy_example_is_valid_nginx(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=data.example.org",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "tls-proxy.conf").read_text(encoding="utf-8")
    site = site.replace("/etc/letsencrypt/live/data.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/data.example.org/privkey.pem", str(key))
    site = re.sub(r"listen (\[::\]:)?(80|443)", lambda m: f"listen {m[1] or ''}{8000 + int(m[2])}", site)
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n{site}\n}}\n", encoding="utf-8")
    checked = _nginx_test(tmp_path, conf)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_units_are_valid(tmp_path):
    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    shutil.copy(DEPLOY / "delta87.env", tmp_path / "delta87.env")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "delta87").symlink_to(Path(sys.executable).parent / "delta87")
    units = ["delta87.service", "delta87-refresh.service", "delta87-refresh.timer"]
    for unit in units:
        text = (DEPLOY / unit).read_text(encoding="utf-8")
        text = text.replace("/etc/delta87.env", str(tmp_path / "delta87.env")).replace("/srv/delta87", str(tmp_path))
        text = text.replace("User=delta87", f"User={user}").replace("Group=delta87", f"Group={group}")
        (tmp_path / unit).write_text(text, encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / unit) for unit in units)], capture_output=True, text=True
    )
    problems = [line for line in checked.stderr.splitlines() if "delta87" in line]
    assert checked.returncode == 0 and not problems, checked.stderr
