"""The layers of the house (DESIGN "Layers", ``docs/architecture.md``): no import runs back up.

Core (``sammachip/`` outside the portal and the wiring) ← geography (``villages/``) ← programme and
articles (``programs/``, ``articles/``) ← portal (``sammachip/portal/``). The wiring (root
``urls.py``, settings, wsgi/asgi) may name every app. The walk reads the source with ``ast``
(imports inside functions count too) over every module but migrations and tests; it imports
nothing, so it needs no database.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["sammachip", "villages", "programs", "articles"]
PORTAL = "sammachip.portal"
WIRING = {"sammachip.urls", "sammachip.wsgi", "sammachip.asgi"}
# Where a database's name may decide what code runs: the search backends, the paginator, migrations.
VENDOR_ALLOWED = ("articles.search.backends", "sammachip.paginator", "sammachip.postgres")
VENDOR_ALLOWED_TRANSITIONAL = set()  # the search package has landed: backends only
# What programs may still borrow from articles: nothing (the image checks moved to core).
SIBLING_ALLOWED = set()


def source_modules(root=ROOT):
    """``{dotted module name: path}`` of every module of the four packages, without migrations
    and tests."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts or "tests" in parts or parts[-1].startswith("test_"):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imported_names(module, path):
    """Every module name ``module`` imports (absolute, relative imports resolved), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module
            for alias in node.names:  # ``from sammachip import portal`` names the portal
                yield f"{prefix}.{alias.name}", node.lineno


def vendor_uses(path):
    """Lines that read a database connection's ``vendor``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "vendor"
    ]


def layer(module):
    if module == PORTAL or module.startswith(PORTAL + "."):
        return "portal"
    if module in WIRING or module.startswith("sammachip.settings"):
        return "wiring"
    return module.split(".")[0]  # sammachip (core), villages, programs, articles


def names(imported, *packages):
    return any(imported == p or imported.startswith(p + ".") for p in packages)


def is_portal(imported):
    return names(imported, PORTAL)


def upward_imports(root=ROOT):
    """``["path:line: module imports name (rule)"]`` for every import that runs back up."""
    found = []
    for module, path in source_modules(root).items():
        where = layer(module)
        for imported, line in imported_names(module, path):
            rule = None
            if where == "sammachip" and (
                names(imported, "programs", "articles") or is_portal(imported)
            ):
                rule = "core imports no app above geography, nor the portal"
            elif where == "villages" and (
                names(imported, "programs", "articles") or is_portal(imported)
            ):
                rule = "geography imports neither programs nor articles, nor the portal"
            elif where in ("programs", "articles") and is_portal(imported):
                rule = "no app imports the portal"
            elif where == "articles" and names(imported, "programs"):
                rule = "articles does not import programs"
            elif (
                where == "programs"
                and names(imported, "articles")
                and not any(
                    names(module, source) and names(imported, target)
                    for source, target in SIBLING_ALLOWED
                )
            ):
                rule = "programs does not import articles"
            if rule:
                found.append(
                    f"{path.relative_to(root)}:{line}: {module} imports {imported} ({rule})"
                )
    return sorted(set(found))


def vendor_checks(root=ROOT):
    """``["path:line"]`` where ``connection.vendor`` is read outside the allowed modules."""
    found = []
    for module, path in source_modules(root).items():
        if names(module, *VENDOR_ALLOWED) or module in VENDOR_ALLOWED_TRANSITIONAL:
            continue
        found.extend(f"{path.relative_to(root)}:{line}" for line in vendor_uses(path))
    return found


def test_the_walk_sees_every_package():
    modules = source_modules()
    for package in PACKAGES:
        assert package in modules
    assert "sammachip.settings" in modules
    assert not any(".migrations" in module for module in modules)


def test_the_walk_resolves_relative_imports(tmp_path):
    package = tmp_path / "villages"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text("from .models import District\nfrom . import models\n")
    found = list(imported_names("villages.views", package / "views.py"))
    assert found == [("villages.models.District", 1), ("villages.models", 2)]


def test_no_import_runs_back_up():
    assert upward_imports() == []


def test_the_portal_is_the_roof():
    """The public pages that combine apps live in the portal, which imports them."""
    portal = [module for module in source_modules() if layer(module) == "portal"]
    assert "sammachip.portal.views" in portal
    imported = {
        name
        for module in portal
        for name, _line in imported_names(module, source_modules()[module])
    }
    assert any(names(name, "programs") for name in imported)
    assert any(names(name, "articles") for name in imported)


def test_the_database_vendor_is_read_only_by_the_backends_paginator_and_migrations():
    assert vendor_checks() == []


def test_the_walk_catches_an_upward_import(tmp_path):
    """The rules are not vacuous: a core module naming an app, geography naming the programme and
    an app naming the portal are each caught."""
    for package in PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "sammachip" / "cache.py").write_text(
        "def f():\n    from articles.models import A\n"
    )
    (tmp_path / "villages" / "views.py").write_text("from programs import public_stats\n")
    (tmp_path / "programs" / "views.py").write_text("from sammachip import portal\n")
    (tmp_path / "sammachip" / "urls.py").write_text("from articles.views import robots_txt\n")
    (tmp_path / "sammachip" / "admin_tools.py").write_text("x = connection.vendor\n")
    found = upward_imports(tmp_path)
    assert len(found) == 3
    assert found[0].startswith("programs/views.py:1")
    assert found[1].startswith("sammachip/cache.py:2")
    assert found[2].startswith("villages/views.py:1")
    assert vendor_checks(tmp_path) == ["sammachip/admin_tools.py:1"]
