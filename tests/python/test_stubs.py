"""Every public name has a docstring and an entry in the .pyi type stubs."""

import ast
import inspect
from pathlib import Path

import pytest

import floodtwin
from floodtwin import _core

PACKAGE = Path(floodtwin.__file__).resolve().parent


def stub_names(filename):
    """Top-level names and, per class, member names declared in a stub file."""
    tree = ast.parse((PACKAGE / filename).read_text())
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            top.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            top.update(a.asname or a.name for a in node.names)
        if isinstance(node, ast.ClassDef):
            members[node.name] = {
                n.name if isinstance(n, ast.FunctionDef) else n.target.id
                for n in node.body
                if isinstance(n, ast.FunctionDef)
                or (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name))
            }
    return top, members


def public(obj):
    return sorted(n for n in dir(obj) if not n.startswith("_"))


def test_package_stub_covers_all_public_names():
    top, members = stub_names("__init__.pyi")
    core_top, core_members = stub_names("_core.pyi")
    assert set(floodtwin.__all__) <= top
    sim_stub = members["Simulation"] | core_members["Simulation"]
    missing = [n for n in public(floodtwin.Simulation) if n not in sim_stub]
    assert not missing, f"Simulation members missing from the stubs: {missing}"
    missing = [n for n in public(floodtwin.MassBalance) if n not in core_members["MassBalance"]]
    assert not missing, f"MassBalance members missing from _core.pyi: {missing}"
    assert set(floodtwin.Gauge._fields) <= members["Gauge"]
    compiled = [n for n in dir(_core) if not n.startswith("__") and n != "_raise_error"]
    assert not [n for n in compiled if n not in core_top and n not in ("git_commit",)]


@pytest.mark.parametrize("name", floodtwin.__all__)
def test_public_names_have_docstrings(name):
    obj = getattr(floodtwin, name)
    if name == "__version__":
        return
    assert inspect.getdoc(obj), name
    if inspect.isclass(obj) and not issubclass(obj, BaseException):
        for member in public(obj):
            if obj is floodtwin.Gauge and member in ("count", "index"):
                continue
            assert inspect.getdoc(getattr(obj, member)), f"{name}.{member}"
