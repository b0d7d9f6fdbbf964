"""The output folder updated in place (outputs/write.py): whatever an earlier site or a hand left
where the new site needs a folder or a file, the folder ends up holding exactly the new site."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import tree_bytes
from ladderdocs.outputs.write import MARKER, write_site


def test_files_and_folders_in_each_other_s_places_are_replaced_and_empty_folders_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"guide": b"a file", "faq/index.html": b"old", "old/deep/index.html": b"gone", "x.html": b"x"}, out)
    files = {"guide/index.html": b"now a folder", "faq": b"now a file", "x.html": b"x", "new/a/b/index.html": b"n"}
    manifest = write_site(files, out, None)
    assert tree_bytes(out) == {**files, MARKER: (out / MARKER).read_bytes()}
    assert not (out / "old").exists() and sorted(manifest) == sorted(files)
    again = write_site(files, out, manifest)  # a build that changes nothing finds it all as it left it
    assert again == manifest


@pytest.mark.parametrize("rel", ["", "/etc/passwd", "a//b", "a/", "./a", "a/./b", "..", "a/../../b", "a\\b", "a\x00b"])
def test_a_path_leading_out_of_the_site_is_refused(rel: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="refusing to write outside the site"):
        write_site({rel: b"x"}, tmp_path / "site")
    assert not (tmp_path / "etc").exists() and not (tmp_path / "b").exists()
