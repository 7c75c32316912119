"""README.md and docs/*.md hold no stale pointers: every relative link and image resolves to a
file of the repository (and its #anchor to a heading there), and every `ofsted-kg ...` command
README shows parses with the CLI's own parser (nothing is run), as does every --option it names.

Markdown is read with markdown-it-py (CommonMark), so text inside code blocks and code spans is
never taken for a link, and links inside tables and lists are found as a renderer finds them.
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
import urllib.parse
from functools import cache
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ofsted_kg.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKDOWN = MarkdownIt("commonmark").enable("table")
HTML_SOURCE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""")


def tokens(page: Path) -> list[Token]:
    """Every token of the page, inline children included, in document order."""
    out: list[Token] = []
    for token in MARKDOWN.parse(page.read_text(encoding="utf-8")):
        out.append(token)
        out.extend(token.children or ())
    return out


def slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


@cache
def anchors(page: Path) -> frozenset[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    parsed = MARKDOWN.parse(page.read_text(encoding="utf-8"))
    for opening, inline in zip(parsed, parsed[1:], strict=False):
        if opening.type == "heading_open":
            base = slug("".join(child.content for child in inline.children or ()))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


def targets(page: Path) -> list[str]:
    """Link and image targets, from Markdown and from inline HTML (<img src=...>)."""
    out: list[str] = []
    for token in tokens(page):
        if token.type == "link_open":
            out.append(str(token.attrs["href"]))
        elif token.type == "image":
            out.append(str(token.attrs["src"]))
        elif token.type in ("html_inline", "html_block"):
            out.extend(HTML_SOURCE.findall(token.content))
    return out


def relative(target: str) -> bool:
    return not urllib.parse.urlsplit(target).scheme and not target.startswith("//")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target in filter(relative, targets(page)):
        path_part, _, anchor = target.partition("#")
        file = (page.parent / urllib.parse.unquote(path_part)).resolve() if path_part else page
        if not file.is_relative_to(ROOT) or not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no heading #{anchor} in {file.relative_to(ROOT)}")
    assert not broken, broken


def test_the_link_checker_sees_links_and_only_links(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        '# A title, with `code`\n\n[a](a.md#x) ![b](img/b.png) <img src="c.png">\n\n'
        "`[not](a link)`\n\n```sh\n[nor](this)\n```\n\n| t |\n|---|\n| [d](d.md) |\n",
        encoding="utf-8",
    )
    assert targets(page) == ["a.md#x", "img/b.png", "c.png", "d.md"]
    assert anchors(page) == {"a-title-with-code"}


# ----------------------------------------------------------------------------- README commands


def readme_commands() -> list[str]:
    """Each `ofsted-kg ...` line of README's shell blocks: whole commands, meant to be typed."""
    found = []
    for token in tokens(ROOT / "README.md"):
        if token.type == "fence" and token.info.strip() in ("sh", "bash", "console", ""):
            found += [line for line in token.content.splitlines() if line.startswith("ofsted-kg")]
    return found


def readme_mentions() -> list[str]:
    """Inline `ofsted-kg ...` spans in README's prose: a command named, perhaps not in full."""
    return [
        t.content
        for t in tokens(ROOT / "README.md")
        if t.type == "code_inline" and t.content.startswith("ofsted-kg")
    ]


def argument_lists(line: str) -> list[list[str]]:
    """The argument lists a README line stands for: comments dropped, and `a|b|c` written for
    one of several subcommands expanded (`analyse recurring|similar`)."""
    words = shlex.split(line, comments=True)[1:]
    for i, word in enumerate(words):
        if "|" in word and not word.startswith("-") and i > 0 and not words[i - 1].startswith("-"):
            return [words[:i] + [choice] + words[i + 1 :] for choice in word.split("|")]
    return [words]


def parse(argv: list[str]) -> argparse.Namespace:
    try:
        return build_parser().parse_args(argv)
    except SystemExit as exc:
        raise AssertionError(f"`ofsted-kg {shlex.join(argv)}` does not parse (exit {exc.code})") from None


def test_readme_shows_commands() -> None:
    commands = readme_commands()
    assert len(commands) > 25  # the shell blocks were found
    assert "ofsted-kg serve" in {" ".join(shlex.split(c, comments=True)) for c in commands}


@pytest.mark.parametrize("line", readme_commands())
def test_every_readme_command_parses(line: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in argument_lists(line):
        args = parse(argv)
        assert getattr(args, "func", None) is not None, f"`ofsted-kg {shlex.join(argv)}` names no command"
    assert capsys.readouterr().err == ""


def command_names() -> frozenset[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return frozenset(action.choices)
    raise AssertionError("the CLI has no subcommands")


@pytest.mark.parametrize("mention", readme_mentions())
def test_every_command_readme_mentions_exists(mention: str) -> None:
    words = shlex.split(mention)
    assert words[1] in command_names(), f"README mentions `{mention}`: no command {words[1]!r}"


@cache
def accuracy_options() -> frozenset[str]:
    done = subprocess.run(
        [sys.executable, "-m", "ofsted_kg.accuracy", "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return frozenset(re.findall(r"--[a-z][a-z-]*", done.stdout))


def cli_options() -> frozenset[str]:
    parser = build_parser()
    found = set(parser._option_string_actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                found |= set(subparser._option_string_actions)
    return frozenset(found)


def test_every_option_readme_names_exists() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*[a-z]", text))
    unknown = named - cli_options() - accuracy_options()
    assert not unknown, f"README names options no command has: {sorted(unknown)}"


def test_the_checks_catch_a_stale_command() -> None:
    with pytest.raises(AssertionError, match="does not parse"):
        parse(["export", "--no-such-option"])
    with pytest.raises(AssertionError, match="does not parse"):
        parse(["no-such-command"])
    assert argument_lists("ofsted-kg analyse recurring|similar  # x") == [
        ["analyse", "recurring"],
        ["analyse", "similar"],
    ]
    assert "--no-such-option" not in cli_options() and "--prune" in cli_options()
