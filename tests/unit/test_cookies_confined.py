"""Kept cookies are read through no link (issue 22): a cookies file or folder swapped for a symlink is never
read, used or written through; the cookies in use are then none, and a warning names the path."""
from __future__ import annotations

import os

import pytest

from archiver import cookies
from archiver.errors import UserError

GOOD = "# Netscape HTTP Cookie File\n.example.org\tTRUE\t/\tTRUE\t2000000000\tSID\tsecret-value-123\n"


def test_a_cookies_file_replaced_by_a_symlink_is_not_read(tmp_path, caplog):
    root = tmp_path / "data" / "cookies"
    cookies.store(root, cookies.GLOBAL, GOOD)
    assert cookies.effective_text(root, "some-channel") == GOOD
    secret = tmp_path / "data" / ".django_secret_key"
    secret.write_text("the-secret-key")
    kept = cookies.path_for(root)
    kept.unlink()
    kept.symlink_to(secret)
    assert cookies.effective_text(root, "some-channel") is None
    assert not cookies.is_set(root)
    assert "symbolic link" in caplog.text and str(kept) in caplog.text
    cookies.path_for(root, "piped").parent.mkdir()
    os.mkfifo(cookies.path_for(root, "piped"))  # a pipe never blocks the reader
    assert cookies.effective_text(root, "piped") is None


def test_cookies_are_never_written_through_a_symlinked_folder(tmp_path):
    root = tmp_path / "data" / "cookies"
    root.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "channels").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UserError, match="symbolic link"):
        cookies.store(root, "chan-1", GOOD)
    assert list(elsewhere.iterdir()) == []
