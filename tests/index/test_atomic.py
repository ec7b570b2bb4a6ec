"""The one atomic-write helper: old or new, never half; nothing left behind on failure."""

from __future__ import annotations

import pytest

from index.atomic import atomic_write, write_temporary


def test_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "state.json"
    target.write_text("old", encoding="utf-8")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_failed_rename_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("x", encoding="utf-8")
    with pytest.raises(OSError):
        atomic_write(target, b"new")  # a non-empty folder cannot be replaced by a file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_temporary_names_can_be_swept_up_by_the_folder_owner(tmp_path):
    tmp = write_temporary(tmp_path / "manifest.toml", b"x", suffix=".part")
    assert tmp.name.startswith(".manifest.toml.") and tmp.name.endswith(".part")
    assert list(tmp_path.glob(".*.part")) == [tmp]
