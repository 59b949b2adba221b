"""Source text (topic bodies, example questions and discussions) is data: an attacker's
template gets a file:line error in the source file, exit 1, no traceback, and runs nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

TOPIC_HEAD = "---\ntitle: Alpha\n---\nSome text.\n\n"  # the attack goes on line 6
EXAMPLE = """title: Beta
pattern: shape-params-flops
topic: Alpha
input: [3, 8, 8]
layers: [relu]
ask: [output]
question: >-
  How big is the output?
discussion: |
  Fine.
  {attack}
"""
PATTERNS = "- name: shape-params-flops\n  title: Shape\n  prompt: p\n  topic: Alpha\n  checklist: [a]\n"

ATTACKS = {
    "globals": ("{{ cycler.__init__.__globals__.os.system('touch MARKER') }}", "is unsafe"),
    "include": ("{% include '/etc/passwd' %}", "'{% include %}' is not allowed"),
    "import": ("{% import '/etc/passwd' as p %}", "'{% import %}' is not allowed"),
    "extends": ("{% extends '/etc/passwd' %}", "'{% extends %}' is not allowed"),
    "mutate": ("{{ [].append(1) }}", "is unsafe"),
    "bomb": ("{{ 'lol' * 10 ** 9 }}", "would make 3,000,000,000 items"),
    "deep": ("{{ " + "[" * 10_000 + "]" * 10_000 + " }}", "nested too deeply"),
}


def course(tmp_path: Path, topic_attack: str = "", example_attack: str | None = None) -> Path:
    source = tmp_path / "content"
    (source / "topics").mkdir(parents=True)
    (source / "topics" / "alpha.md").write_text(TOPIC_HEAD + topic_attack + "\n")
    if example_attack is not None:
        (source / "examples").mkdir()
        (source / "examples" / "beta.yaml").write_text(EXAMPLE.format(attack=example_attack))
        (source / "patterns.yaml").write_text(PATTERNS)
    return source


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_in_a_topic_body_is_a_source_error(cli, tmp_path: Path, monkeypatch, name: str) -> None:
    attack, message = ATTACKS[name]
    monkeypatch.chdir(tmp_path)
    source = course(tmp_path, attack)
    result = cli("build", "--source", source, "--out", tmp_path / "vault")
    assert result.exit_code == 1
    assert f"content/topics/alpha.md:6: " in result.output
    assert message in result.output and "hint:" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "MARKER").exists() and not (tmp_path / "vault").exists()


def test_attack_in_an_example_discussion_names_its_line(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    source = course(tmp_path, "", "{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}")
    result = cli("build", "--source", source, "--out", tmp_path / "vault")
    assert result.exit_code == 1
    assert "content/examples/beta.yaml:11: not allowed in source text" in result.output
    assert not (tmp_path / "MARKER").exists()


def test_plain_jinja_still_works_in_source_text(cli, tmp_path: Path) -> None:
    source = course(tmp_path, "{% for i in range(3) %}{{ i * 2 }},{% endfor %} {{ 2 ** 10 }}")
    result = cli("build", "--source", source, "--out", tmp_path / "vault")
    assert result.exit_code == 0, result.output
    assert "0,2,4, 1024" in (tmp_path / "vault" / "Topics" / "Alpha.md").read_text()
