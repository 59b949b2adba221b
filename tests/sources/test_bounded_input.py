"""Bad input is bounded: an attacker's or a careless student's course folder gets a clear
``file:line`` error (exit 1, no traceback), never a hang, a memory blow-up or a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from notegen.errors import NotegenError
from notegen.sources.content import load_content
from notegen.sources.source_file import MAX_BYTES
from notegen.sources.yaml_loc import MAX_DEPTH, load_yaml
from notegen.vault.user_sections import BEGIN, END
from notegen.sources.content import RESERVED_MARKER
from tests.conftest import ROOT

TOPIC = "---\ntitle: Alpha\nsummary: first\n---\nSome text.\n"
SPEC = "title: Tiny Net\ninput: [3, 8, 8]\ntopics: [Alpha]\nlayers:\n  - conv: {out: 4, k: 3}\n  - relu\n"
EXAMPLE = ("title: Beta\npattern: shape-params-flops\ntopic: Alpha\ninput: [3, 8, 8]\n"
           "layers: [relu]\nask: [output]\nquestion: How big?\n")
PATTERNS = "- name: shape-params-flops\n  title: Shape\n  prompt: p\n  topic: Alpha\n  checklist: [a]\n"
FILES = {"topics/alpha.md": TOPIC, "networks/tiny.yaml": SPEC, "examples/beta.yaml": EXAMPLE,
         "patterns.yaml": PATTERNS}
LAUGHS = ('lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
          + "".join(f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 10)}]\n" for i in range(1, 10)))
DEEP = "[" * 10_000 + "]" * 10_000


def course(tmp_path: Path, **replace: str) -> Path:
    source = tmp_path / "content"
    for name, text in {**FILES, **{k.replace("__", "/").replace("_", "."): v for k, v in replace.items()}}.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    return source


def errors_of(source: Path) -> list[str]:
    with pytest.raises(NotegenError) as caught:
        load_content(source)
    return [str(e) for e in caught.value.errors]


def test_the_tiny_course_itself_loads(tmp_path: Path) -> None:
    content = load_content(course(tmp_path))
    assert [n.title for n in content.networks] == ["Tiny Net"] and len(content.examples) == 1


def test_billion_laughs_is_refused_quickly_with_flat_memory(tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(NotegenError) as caught:
            load_yaml(LAUGHS, "examples/laughs.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    error = caught.value.errors[0]
    assert (error.path, error.line) == ("examples/laughs.yaml", 6)  # lol5 is the first over 200,000
    assert "expands to more than 200,000 values" in error.message
    assert peak < 20 * 1024 * 1024  # 10**10 strings were never built


@pytest.mark.parametrize("where, text, line", [
    ("networks/tiny.yaml", SPEC.replace("[3, 8, 8]", DEEP), 2),
    ("examples/beta.yaml", EXAMPLE + f"discussion: {DEEP}\n", 8),
    ("topics/alpha.md", TOPIC.replace("summary: first", f"summary: {DEEP}"), 3),
    ("networks/tiny.yaml", SPEC + "notes:\n" + "".join(f"{'  ' * (i + 1)}- k{i}:\n"
                                                      for i in range(MAX_DEPTH)) + "    " * 40 + "x\n", 39),
])
def test_deep_nesting_is_a_source_error(cli, tmp_path: Path, where: str, text: str, line: int) -> None:
    source = course(tmp_path)
    (source / where).write_text(text)
    found = errors_of(source)
    assert len(found) == 1 and found[0].startswith(f"{source}/{where}:{line}: "), found
    assert "nest more than 64 deep" in found[0] and "hint:" in found[0]
    result = cli("build", "--source", source, "--out", tmp_path / "vault")
    assert result.exit_code == 1 and "Traceback" not in result.output and "RecursionError" not in result.output


def _build_in_subprocess(source: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from notegen.cli import main; main()", "build",
                           "--source", str(source), "--out", str(out)],
                          capture_output=True, text=True, timeout=60, cwd=source.parent)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_fifo_as_source_is_an_error_not_a_hang(tmp_path: Path) -> None:
    source = course(tmp_path)
    os.mkfifo(source / "topics" / "pipe.md")  # nobody ever writes to it: a read would wait forever
    result = _build_in_subprocess(source, tmp_path / "vault")  # the timeout fails a hang
    assert result.returncode == 1, result.stderr
    assert "content/topics/pipe.md: not a regular file (a named pipe)" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "vault").exists()


def test_a_device_a_link_loop_and_a_huge_file_are_errors(tmp_path: Path) -> None:
    source = course(tmp_path)
    (source / "examples" / "zero.yaml").symlink_to("/dev/zero")  # endless bytes
    (source / "networks" / "loop.yaml").symlink_to(source / "networks" / "loop.yaml")
    (source / "topics" / "huge.md").write_text(TOPIC + "x" * MAX_BYTES)
    found = "\n".join(errors_of(source))
    assert "examples/zero.yaml: not a regular file (a character device)" in found
    assert "networks/loop.yaml: the file is a symbolic link that leads back to itself" in found
    assert "topics/huge.md: the file is over 2 MiB" in found


def test_a_byte_order_mark_is_accepted_in_every_kind_of_source(tmp_path: Path) -> None:
    source = course(tmp_path, **{name.replace("/", "__").replace(".", "_"): "\ufeff" + text
                                 for name, text in FILES.items()})
    assert (source / "patterns.yaml").read_bytes().startswith(b"\xef\xbb\xbf")
    content = load_content(source)
    assert content.topics[0].title == "Alpha" and content.topics[0].summary == "first"
    assert content.networks[0].title == "Tiny Net" and content.examples[0].title == "Beta"
    assert content.patterns[0].name == "shape-params-flops"


@pytest.mark.parametrize("char", list("|[]#^"))
def test_a_title_obsidian_cannot_link_is_an_error(tmp_path: Path, char: str) -> None:
    source = course(tmp_path, topics__alpha_md=TOPIC, examples__beta_yaml=EXAMPLE.replace(
        "title: Beta", f"title: 'Beta {char} 2'"), networks__tiny_yaml=SPEC.replace(
        "title: Tiny Net", f"title: 'Tiny {char} Net'\naliases: ['tiny {char}']"))
    found = "\n".join(errors_of(source))
    assert f"examples/beta.yaml:1: the title 'Beta {char} 2' holds {char!r}" in found
    assert f"networks/tiny.yaml:1: the title 'Tiny {char} Net'" in found
    assert f"networks/tiny.yaml:2: the alias 'tiny {char}'" in found
    assert "hint: Obsidian reads | [ ] # ^ inside a link" in found


def test_new_example_refuses_a_title_obsidian_cannot_link(cli, tmp_path: Path) -> None:
    source = course(tmp_path)
    result = cli("new", "example", "Conv 3x3 | stride 2", "--source", source)
    assert result.exit_code == 1 and "holds '|'" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in (source / "examples").iterdir()) == ["beta.yaml"]


def test_a_my_notes_marker_in_a_source_is_reported_at_its_line(tmp_path: Path) -> None:
    assert BEGIN.startswith(RESERVED_MARKER) and END.startswith(RESERVED_MARKER)
    source = course(tmp_path, topics__alpha_md=TOPIC + f"\n{BEGIN}\nmine\n",
                    examples__beta_yaml=EXAMPLE + f"discussion: |\n  ok\n  {END}\n")
    found = "\n".join(errors_of(source))
    assert f"content/topics/alpha.md:7: '{BEGIN}' is the marker notegen puts" in found or \
        f"/topics/alpha.md:7: '{BEGIN}' is the marker" in found
    assert f"/beta.yaml:10: '{END}' is the marker" in found
