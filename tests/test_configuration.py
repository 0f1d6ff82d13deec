import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_variable_of_the_settings_is_documented():
    settings_text = (ROOT / "src" / "motcua" / "settings.py").read_text(encoding="utf-8")
    used = set(re.findall(r"\"((?:MOTCUA|DATABASE)_[A-Z_0-9]+)\"", settings_text))
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert used, "the settings read no environment variable?"
    assert sorted(v for v in used if f"`{v}`" not in documented) == []


def test_the_readme_keeps_the_two_commands_at_the_top():
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:1500]
    assert "make demo" in head and "make test" in head
