"""``corpus fetch``: download from a local HTTP server, safe extraction, checksums, network failures."""

from __future__ import annotations

import hashlib
import http.server
import io
import socket
import tarfile
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.errors import CorpusError
from search.ingest.fetch import FetchReport, fetch_reuters, load_sums

from support import REUTERS

FEW = ["reut2-000.sgm", "reut2-001.sgm", "reut2-021.sgm"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sums() -> dict[str, str]:
    """The committed sums for a few files: enough to exercise the whole path quickly."""
    committed = load_sums()
    return {name: committed[name] for name in FEW}


def build_archive(path: Path, members: dict[str, bytes], prefix: str = "") -> Path:
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(prefix + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def real_members(names: list[str]) -> dict[str, bytes]:
    return {name: (REUTERS / name).read_bytes() for name in names}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on 127.0.0.1 (free port) serving files from a folder: (base URL, folder)."""
    root = tmp_path / "www"
    root.mkdir()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_sums_file_covers_the_22_files_of_the_shared_copy() -> None:
    committed = load_sums()
    assert sorted(committed) == [f"reut2-{i:03d}.sgm" for i in range(22)]
    assert all(len(digest) == 64 for digest in committed.values())


def test_download_extracts_only_the_sgm_files_and_verifies_them(
    tmp_path: Path, server: tuple[str, Path], sums: dict[str, str]
) -> None:
    url, www = server
    members = real_members(FEW) | {"README.txt": b"readme", "lewis.dtd": b"<!ELEMENT>"}
    build_archive(www / "reuters21578.tar.gz", members)
    dest = tmp_path / "corpus"
    report = fetch_reuters(dest, url=f"{url}/reuters21578.tar.gz", sums=sums)
    folder = dest / "reuters21578"
    assert report == FetchReport(folder=folder, origin=f"{url}/reuters21578.tar.gz", fetched=FEW, verified=FEW)
    assert sorted(p.name for p in folder.iterdir()) == FEW  # no README.txt to index as an article, no staging
    assert all(sha256(folder / name) == sums[name] for name in FEW)
    assert str(report) == (
        f"Fetched Reuters-21578 from {url}/reuters21578.tar.gz into {folder}: 3 files written, 3 verified (SHA-256)."
    )

    (www / "reuters21578.tar.gz").unlink()  # a second run must not need the network
    again = fetch_reuters(dest, url=f"{url}/reuters21578.tar.gz", sums=sums)
    assert (again.fetched, again.skipped) == ([], FEW)
    assert str(again) == f"Reuters-21578 is already in {folder}: 3 files verified (SHA-256), nothing to fetch."


def test_archive_with_a_top_folder(tmp_path: Path, server: tuple[str, Path], sums: dict[str, str]) -> None:
    url, www = server
    build_archive(www / "r.tar.gz", real_members(FEW), prefix="reuters21578/")
    assert fetch_reuters(tmp_path, url=f"{url}/r.tar.gz", sums=sums).fetched == FEW


def test_corrupted_download_is_rejected_and_nothing_kept(
    tmp_path: Path, server: tuple[str, Path], sums: dict[str, str]
) -> None:
    url, www = server
    members = real_members(FEW)
    members["reut2-001.sgm"] = members["reut2-001.sgm"].replace(b"cocoa", b"COCOA", 1) + b"x"
    build_archive(www / "bad.tar.gz", members)
    with pytest.raises(CorpusError) as caught:
        fetch_reuters(tmp_path, url=f"{url}/bad.tar.gz", sums=sums)
    assert caught.value.message == (
        "Reuters-21578 check failed (SHA-256 mismatch (corrupt or a different version): reut2-001.sgm). "
        "Nothing was kept; try again, or pass --from with a good copy."
    )
    assert not (tmp_path / "reuters21578").exists()


def test_missing_file_is_named(tmp_path: Path, server: tuple[str, Path], sums: dict[str, str]) -> None:
    url, www = server
    build_archive(www / "part.tar.gz", real_members(FEW[:2]))
    with pytest.raises(CorpusError, match=r"missing: reut2-021\.sgm\)"):
        fetch_reuters(tmp_path, url=f"{url}/part.tar.gz", sums=sums)


def test_corrupt_file_already_in_place_is_removed_and_replaced(
    tmp_path: Path, server: tuple[str, Path], sums: dict[str, str]
) -> None:
    url, www = server
    build_archive(www / "r.tar.gz", real_members(FEW))
    folder = tmp_path / "reuters21578"
    folder.mkdir()
    (folder / "reut2-000.sgm").write_bytes(b"truncated")
    report = fetch_reuters(tmp_path, url=f"{url}/r.tar.gz", sums=sums)
    assert report.removed == ["reut2-000.sgm"]
    assert sha256(folder / "reut2-000.sgm") == sums["reut2-000.sgm"]
    assert "Replaced 1 corrupt file(s): reut2-000.sgm." in str(report)


def test_http_error_is_a_clear_message(tmp_path: Path, server: tuple[str, Path], sums: dict[str, str]) -> None:
    url, _ = server
    with pytest.raises(CorpusError) as caught:
        fetch_reuters(tmp_path, url=f"{url}/nowhere.tar.gz", sums=sums)
    assert caught.value.message.startswith(f"Could not download {url}/nowhere.tar.gz: HTTP 404 File not found.")


def test_unreachable_url_is_a_clear_message(tmp_path: Path, sums: dict[str, str]) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/reuters21578.tar.gz"
    with pytest.raises(CorpusError) as caught:
        fetch_reuters(tmp_path, url=url, sums=sums, timeout=5)
    assert caught.value.message == (
        f"Could not download {url}: [Errno 111] Connection refused. Check the internet connection, "
        f"or pass --from with a local copy (a folder or the .tar.gz)."
    )
    assert not (tmp_path / "reuters21578").exists()


@pytest.mark.parametrize(
    "name, kind, problem",
    [
        ("../reut2-000.sgm", tarfile.REGTYPE, "refusing unsafe path '../reut2-000.sgm'"),
        ("/tmp/reut2-000.sgm", tarfile.REGTYPE, "refusing unsafe path '/tmp/reut2-000.sgm'"),
        ("a/../../reut2-000.sgm", tarfile.REGTYPE, "refusing unsafe path 'a/../../reut2-000.sgm'"),
        ("reut2-000.sgm", tarfile.SYMTYPE, "refusing 'reut2-000.sgm', which is a link or special file"),
        ("reut2-000.sgm", tarfile.LNKTYPE, "refusing 'reut2-000.sgm', which is a link or special file"),
    ],
)
def test_unsafe_archive_members_are_refused(
    tmp_path: Path, sums: dict[str, str], name: str, kind: bytes, problem: str
) -> None:
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo(name)
        info.type = kind
        if kind == tarfile.REGTYPE:
            info.size = 4
            tar.addfile(info, io.BytesIO(b"evil"))
        else:
            info.linkname = "/etc/passwd"
            tar.addfile(info)
    with pytest.raises(CorpusError, match=problem):
        fetch_reuters(tmp_path / "corpus", source=archive, sums=sums)
    # nothing written anywhere: the corpus folder itself is all that is left
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["corpus", "evil.tar.gz"]


def test_local_file_that_is_not_an_archive(tmp_path: Path, sums: dict[str, str]) -> None:
    fake = tmp_path / "r.tar.gz"
    fake.write_bytes(b"<html>not found</html>")
    with pytest.raises(CorpusError, match=r"Could not unpack .*r\.tar\.gz: not a readable \.tar\.gz archive"):
        fetch_reuters(tmp_path / "corpus", source=fake, sums=sums)


def test_local_archive_source(tmp_path: Path, sums: dict[str, str]) -> None:
    archive = build_archive(tmp_path / "r.tar.gz", real_members(FEW))
    report = fetch_reuters(tmp_path / "corpus", source=archive, sums=sums)
    assert (report.origin, report.fetched) == (str(archive), FEW)


def test_from_the_full_shared_copy_verifies_the_committed_sums(tmp_path: Path) -> None:
    for source in (REUTERS, REUTERS.parent):  # the folder itself, or one holding reuters21578/
        report = fetch_reuters(tmp_path / "corpus", source=source)
        if report.fetched:
            assert report.verified == [f"reut2-{i:03d}.sgm" for i in range(22)]
        else:
            assert len(report.skipped) == 22
    assert sorted(p.name for p in (tmp_path / "corpus" / "reuters21578").iterdir()) == sorted(load_sums())


def test_cli_fetch_from_local_copy_and_bad_source(tmp_path: Path) -> None:
    from search.cli import cli

    runner = CliRunner()
    result = runner.invoke(
        cli, ["corpus", "fetch", "reuters21578", "--from", str(REUTERS), "--dest", str(tmp_path / "corpus")]
    )
    assert result.exit_code == 0, result.output
    assert "22 files written, 22 verified (SHA-256)" in result.output
    fake = tmp_path / "bad.tar.gz"
    fake.write_bytes(b"garbage")
    (tmp_path / "corpus" / "reuters21578" / "reut2-005.sgm").write_bytes(b"damaged")
    result = runner.invoke(
        cli, ["corpus", "fetch", "reuters21578", "--from", str(fake), "--dest", str(tmp_path / "corpus")]
    )
    assert result.exit_code == 1
    assert "Error: Could not unpack" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "corpus" / "reuters21578" / "reut2-005.sgm").exists()  # the bad copy is gone
