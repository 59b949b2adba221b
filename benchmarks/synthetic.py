"""A synthetic course for build benchmarks: N worked examples, networks and topics.

Built from the default course: its notes are kept and copies are added under new titles,
so every note is a realistic one (same templates, same working, same figures).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def _retitle(text: str, title: str) -> str:
    """Replace the top-level title line and drop aliases (they would clash with the originals)."""
    text = re.sub(r"^title: .*$", f"title: {yaml.safe_dump(title, allow_unicode=True).splitlines()[0]}", text,
                  count=1, flags=re.M)
    return re.sub(r"^aliases: .*$", "", text, flags=re.M)


def make_course(dest: Path, examples: int = 1000, networks: int = 100, topics: int = 50) -> Path:
    """Write the course into ``dest`` (replaced if present) and return it."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(CONTENT, dest)
    base_examples = sorted((CONTENT / "examples").glob("*.yaml"))
    base_networks = sorted((CONTENT / "networks").glob("*.yaml"))
    base_topics = sorted((CONTENT / "topics").glob("*.md"))
    for i in range(len(base_examples), examples):
        src = base_examples[i % len(base_examples)]
        title = yaml.safe_load(src.read_text(encoding="utf-8"))["title"]
        (dest / "examples" / f"zz-{i:04d}-{src.name}").write_text(
            _retitle(src.read_text(encoding="utf-8"), f"{title}, variant {i}"), encoding="utf-8")
    for i in range(len(base_networks), networks):
        src = base_networks[i % len(base_networks)]
        title = yaml.safe_load(src.read_text(encoding="utf-8"))["title"]
        (dest / "networks" / f"zz-{i:03d}-{src.name}").write_text(
            _retitle(src.read_text(encoding="utf-8"), f"{title} variant {i}"), encoding="utf-8")
    for i in range(len(base_topics), topics):
        cards = "\n".join(f"  - q: Synthetic question {i}.{k}?\n    a: Answer {k} about receptive fields."
                          for k in range(5))
        body = "\n\n".join(
            f"Paragraph {p} on receptive field growth, pooling and residual blocks; ResNet-50 has "
            f"{{{{ net('ResNet-50').params | count }}}} parameters." for p in range(8))
        (dest / "topics" / f"zz-topic-{i:03d}.md").write_text(
            f"---\ntitle: Synthetic Topic {i}\nsection: 0\norder: {100 + i}\nsummary: Topic {i}.\n"
            f"flashcards:\n{cards}\n---\n## Overview\n\n{body}\n", encoding="utf-8")
    return dest


if __name__ == "__main__":
    import sys

    out = make_course(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/notegen-synthetic"))
    print(out)
