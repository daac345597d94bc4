"""Production settings: safe by default, and `check --deploy` clean."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(
        SAMMACHIP_FIELD_KEYS="dGVzdHMtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE=",
        SAMMACHIP_HASH_KEY="h" * 40,
    )
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "sammachip.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", DJANGO_SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_check_deploy_has_no_warnings_in_production_mode():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="a8Zq!x" * 10 + "unique-production-key",
        DJANGO_ALLOWED_HOSTS="sammachip.example.go.th",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_for():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_thai_first_settings():
    assert settings.LANGUAGE_CODE == "th"
    assert settings.TIME_ZONE == "Asia/Bangkok"
    assert settings.AUTH_USER_MODEL == "sammachip.User"


def test_the_office_contact_defaults_to_khon_kaen_and_the_environment_overrides_it():
    show = (
        "from django.conf import settings; "
        "print(settings.SAMMACHIP_OFFICE_ADDRESS); print(settings.SAMMACHIP_OFFICE_PHONE)"
    )
    env = {"DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "example.org"}
    default = run_manage("shell", "-c", show, **env).stdout.strip().splitlines()
    assert default[-2] == (
        "ศาลากลางจังหวัดขอนแก่น ถนนศูนย์ราชการ ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000"
    )
    assert default[-1] == "0 4324 4871"
    chosen = run_manage(
        "shell",
        "-c",
        show,
        SAMMACHIP_OFFICE_ADDRESS="ศาลากลางจังหวัดทดสอบ",
        SAMMACHIP_OFFICE_PHONE="0 4300 0000",
        **env,
    )
    assert chosen.stdout.strip().splitlines()[-2:] == ["ศาลากลางจังหวัดทดสอบ", "0 4300 0000"]
