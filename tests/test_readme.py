"""The README is the manual: its settings table and command list must say what the code does."""

from __future__ import annotations

import re

from click.testing import CliRunner

from search.cli import cli
from search.settings import SETTINGS

from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_with_its_default_and_meaning() -> None:
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `NEWS_SEARCH_(\w+)` \| `?([^|`]*?)`? \|", README, re.M)}
    assert set(rows) == {s.name for s in SETTINGS}
    for setting in SETTINGS:
        assert rows[setting.name] == str(setting.default), setting.name
        first_words = " ".join(setting.help.replace("`", "").split()[:3]).rstrip(".").lower()
        row = next(line for line in README.splitlines() if line.startswith(f"| `NEWS_SEARCH_{setting.name}` |"))
        assert first_words in row.replace("`", "").lower(), (
            f"README row for {setting.name} does not say: {setting.help}"
        )


def test_every_command_is_in_the_readme() -> None:
    commands = CliRunner().invoke(cli, ["--help"]).stdout
    listed = re.findall(r"^\s{2}(\w+)\s", commands.split("Commands:")[1], re.M)
    assert listed
    for name in listed:
        assert f"`news-search {name}" in README, name
