"""The path guard: which vault-relative paths notegen may create, replace or delete."""

from __future__ import annotations

import pytest

from notegen.vault.safe_path import PathGuard, UnsafePath, safe_path


@pytest.mark.parametrize("path, says", [
    ("../outside.txt", "'..' part"),
    ("Topics/../../x.md", "'..' part"),
    ("/tmp/x", "absolute"),
    ("C:/Users/x.md", "absolute"),
    ("Topics//x.md", "empty"),
    ("./x.md", "'.'"),
    ("a\\b.md", "backslash"),
    ("a\0b.md", "NUL"),
    ("", "empty"),
])
def test_paths_that_could_lead_out_are_refused_by_shape(tmp_path, path, says):
    with pytest.raises(UnsafePath) as err:
        safe_path(tmp_path, path)
    assert says in err.value.reason


def test_a_link_anywhere_on_the_path_is_refused_even_one_pointing_inside(tmp_path):
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    (vault / "Real").mkdir(parents=True)
    outside.mkdir()
    (vault / "Out").symlink_to(outside, target_is_directory=True)
    (vault / "In").symlink_to(vault / "Real", target_is_directory=True)
    (vault / "Real" / "note.md").symlink_to(outside / "x.md")
    guard = PathGuard(vault)
    assert guard.problem("Out/new/deep.md") == f"lies in Out/, which is a symbolic link (to {outside})"
    assert "symbolic link" in guard.problem("In/x.md")
    assert guard.problem("Real/note.md").startswith("is a symbolic link")
    assert guard.problem("Real/other.md") == "" and guard.problem("New/folder/x.md") == ""
    assert guard.check("Real/other.md") == vault / "Real" / "other.md"
