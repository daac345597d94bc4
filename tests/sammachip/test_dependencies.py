"""The declared dependencies and the lock agree: everything imported is declared, everything
declared is pinned, and the lock (requirements.txt, requirements-dev.txt) pins the same versions
with hashes. A package added to pyproject.toml without `make lock` fails here."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = {"sammachip", "villages", "programs", "articles", "tests", "bench", "deploy"}
SCANNED = ["sammachip", "villages", "programs", "articles", "tests", "bench", "deploy", "manage.py"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements):
    """{normalised name: version} of a list of `name[extra]==version` strings."""
    found = {}
    for line in requirements:
        match = PIN.match(line.strip())
        assert match, f"not pinned with ==: {line!r}"
        found[normalise(match.group(1))] = match.group(3)
    return found


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def lock_entries(filename):
    """{normalised name: (version, number of hashes)} of a pip-compile lock file."""
    text = (ROOT / filename).read_text(encoding="utf-8")
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(block)
        if match:
            entries[normalise(match.group(1))] = (match.group(3), block.count("--hash=sha256:"))
    return entries


@pytest.mark.parametrize(
    ("filename", "extras"), [("requirements.txt", ()), ("requirements-dev.txt", ("dev",))]
)
def test_lock_pins_what_pyproject_declares_with_hashes(filename, extras):
    declared = pins(project()["dependencies"])
    for extra in extras:
        declared |= pins(project()["optional-dependencies"][extra])
    locked = lock_entries(filename)
    assert locked, filename
    for name, (_version, hashes) in locked.items():
        assert hashes >= 1, f"{filename}: {name} has no hash"
    for name, version in declared.items():
        assert name in locked, f"{name} is in pyproject.toml but not in {filename}: run make lock"
        assert locked[name][0] == version, f"{filename}: {name} {locked[name][0]} != {version}"


def test_the_dev_lock_agrees_with_the_production_lock():
    production = lock_entries("requirements.txt")
    dev = lock_entries("requirements-dev.txt")
    for name, (version, _hashes) in production.items():
        assert dev.get(name, (None,))[0] == version, name


def imported_top_level_modules():
    modules = set()
    for entry in SCANNED:
        path = ROOT / entry
        files = [path] if path.is_file() else path.rglob("*.py")
        for file in files:
            if "migrations" in file.parts:
                continue
            local = {p.stem for p in file.parent.glob("*.py")} | {
                p.name for p in file.parent.iterdir() if p.is_dir()
            }
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in local:
                        modules.add(top)
    return modules - FIRST_PARTY - set(sys.stdlib_module_names)


def test_every_imported_package_is_declared():
    optional = project()["optional-dependencies"]
    declared = set(pins(project()["dependencies"]))
    for extra in optional.values():
        declared |= set(pins(extra))
    providers = packages_distributions()
    undeclared = {}
    for module in sorted(imported_top_level_modules()):
        if module == "storages":  # django-storages: the optional "s3" extra, not installed here
            assert "django-storages" in declared
            continue
        distributions = {normalise(d) for d in providers.get(module, [])}
        assert distributions, f"{module} is imported but no installed package provides it"
        if not distributions & declared:
            undeclared[module] = sorted(distributions)
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
