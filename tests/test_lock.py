"""requirements/production.txt (make lock) pins every runtime and production dependency of
pyproject.toml, each with its hashes, at a version pyproject.toml allows: a production
install (docs/production.md) takes nothing that was not reviewed and hashed."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "production.txt"
# "name==version \" then one or more "--hash=sha256:..." lines.
PIN = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+)", re.M
)


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + project["optional-dependencies"]["production"]
    return [Requirement(name) for name in names]


def pinned() -> dict[str, str]:
    text = LOCK.read_text()
    return {canonicalize_name(name): version for name, version, _hashes in PIN.findall(text)}


def test_every_dependency_is_pinned_with_a_hash_at_an_allowed_version():
    pins = pinned()
    wrong = {
        str(requirement): pins.get(canonicalize_name(requirement.name))
        for requirement in declared()
        if canonicalize_name(requirement.name) not in pins
        or not requirement.specifier.contains(pins[canonicalize_name(requirement.name)], True)
    }
    assert wrong == {}


def test_every_line_of_the_lock_is_hashed():
    # pip --require-hashes refuses the whole file if one requirement has no hash.
    entries = re.findall(r"^[A-Za-z0-9][^\s#]*==\S+", LOCK.read_text(), re.M)
    assert len(entries) == len(pinned()) > 50
    assert "--find-links" not in LOCK.read_text()
