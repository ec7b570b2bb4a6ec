"""Issue 11's "done when": `python -m assistant` is driven through every hostile input
(real model, a temporary index and temporary XDG folders) and never prints a Python
traceback, nor any escape byte in its plain-text output.

Inputs: file names and manifest fields holding terminal escape sequences, a FIFO and a
symlink to /dev/zero given as paths, a file name that is not UTF-8, a second concurrent
sync, a damaged live generation, a full disk (where a private tmpfs can be mounted),
documents built to be slow to read, and bad settings.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.layout import IndexLayout
from tests.corpus.pdfgen import make_heavy_pdf

ROOT = Path(__file__).resolve().parents[2]
OSC52 = "\x1b]52;c;aGVsbG8=\x07"
TITLE = "Evil \x1b]0;pwned\x07 \x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ title"


class Cli:
    def __init__(self, tmp: Path, encoders: Path) -> None:
        self.index = tmp / "index"
        self.env = dict(os.environ, XDG_DATA_HOME=str(tmp / "data"),
                        XDG_CONFIG_HOME=str(tmp / "config"), XDG_CACHE_HOME=str(tmp / "cache"),
                        ASSISTANT_ENCODER_CACHE=str(encoders),
                        ASSISTANT_SYNC_DIR=str(tmp / "govuk"),
                        ASSISTANT_GOVUK_API="http://127.0.0.1:9/api/content")
        for k in [k for k in self.env if k.startswith("ASSISTANT_DEBUG")]:
            del self.env[k]

    def __call__(self, *args: str, env: dict | None = None, plain: bool = True,
                 timeout: float = 300) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "assistant", *args, "--index-dir", str(self.index)]
        try:
            proc = subprocess.run(cmd, cwd=ROOT, env={**self.env, **(env or {})},
                                  capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"`assistant {' '.join(args)}` hung")
        err = proc.stderr.decode("utf-8", "replace")
        assert "Traceback" not in err, err
        assert b"\x1b" not in proc.stderr and b"\x07" not in proc.stderr, err
        if plain:
            assert b"\x1b" not in proc.stdout and b"\x07" not in proc.stdout
        return proc


@pytest.fixture
def cli(tmp_path: Path, encoder_cache: Path) -> Cli:
    return Cli(tmp_path, encoder_cache)


def _err_lines(proc: subprocess.CompletedProcess) -> list[str]:
    return proc.stderr.decode("utf-8", "replace").strip().splitlines()


@pytest.mark.integration
def test_no_hostile_input_gets_a_traceback_out_of_the_cli(tmp_path: Path, cli: Cli):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "library.md").write_text(
        "# Libraries\n\nThe Riverside Mutual runs the library service in Kestrel Bay.\n",
        encoding="utf-8")
    (docs / f"clip{OSC52}.txt").write_text(
        "The harbour mutual runs ferries to Gull Island twice a day.\n", encoding="utf-8")
    (docs / "manifest.toml").write_text(
        f'[[document]]\nfile = "library.md"\ntitle = {json.dumps(TITLE)}\n'
        f'url = {json.dumps("https://example.org/" + OSC52)}\n', encoding="utf-8")
    with open(os.fsencode(docs) + b"/caf\xe9.txt", "wb") as fh:  # not UTF-8
        fh.write(b"The cafe mutual serves lunches.\n")
    n = 40_000
    (docs / "deep.html").write_text("<main>" + "<div>" * n + "x" + "</div>" * n + "</main>",
                                    encoding="utf-8")
    make_heavy_pdf(docs / "huge-page.pdf", pages=1, stream_bytes=9_000_000)
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")

    # Hostile names and titles, slow documents, a bad file name: one line each.
    proc = cli("index", str(docs))
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert "clip\\x1b]52;c;aGVsbG8=\\x07.txt" in out
    assert "caf\\xe9.txt: file name is not valid UTF-8" in out
    assert "deep.html: elements nested more than 6,000 deep" in out
    assert "huge-page.pdf: page 1 has 9 MB of drawing instructions" in out
    for args in (("sources",), ("index", "--status"),
                 ("ask", "Which mutual runs the library service in Kestrel Bay?"),
                 ("ask", "ferries to Gull Island"), ("ask", "zzqx unrelated wording")):
        assert cli(*args).returncode == 0
    assert "\\x1b]0;pwned\\x07" in cli("sources").stdout.decode()
    as_json = json.loads(cli("sources", "--json", plain=False).stdout)
    assert TITLE in {d["title"] for d in as_json["documents"]}  # --json stays exact

    # A FIFO and a device as paths: refused, and later runs do not hang either.
    proc = cli("index", str(tmp_path / "pipe.txt"), str(tmp_path / "zero.txt"), timeout=120)
    assert proc.returncode == 0
    assert proc.stdout.decode().count("not a regular file (device, pipe or socket)") == 2
    assert cli("index", "--status", timeout=120).returncode == 0

    # A second concurrent sync.
    (tmp_path / "govuk").mkdir()
    fd = os.open(tmp_path / "govuk" / ".sync.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        proc = cli("sync")
    finally:
        os.close(fd)
    assert proc.returncode != 0 and len(_err_lines(proc)) == 1

    # Bad settings: one line naming the setting; a misspelt variable is warned about.
    for env in ({"ASSISTANT_TOP_K": "0"}, {"ASSISTANT_FUSION": "bogus"},
                {"ASSISTANT_ABSTAIN_BELOW": "nan"}, {"ASSISTANT_MAX_FILE_MB": "inf"}):
        proc = cli("ask", "What are the benefits?", env=env)
        assert proc.returncode == 1 and len(_err_lines(proc)) == 1
        assert next(iter(env)) in _err_lines(proc)[0]
    config = tmp_path / "bad.toml"
    config.write_text("top_k = 7.9\n", encoding="utf-8")
    proc = cli("sources", env={"ASSISTANT_CONFIG": str(config)})
    assert proc.returncode == 1 and "top_k" in _err_lines(proc)[0]
    proc = cli("sources", env={"ASSISTANT_TOPK": "8"})
    assert proc.returncode == 0 and "ASSISTANT_TOPK" in _err_lines(proc)[0]

    # A damaged live generation: the previous one answers; `index` repairs it.
    (docs / "board.md").write_text("The board of the Riverside Mutual meets monthly.\n",
                                   encoding="utf-8")
    assert cli("index").returncode == 0  # a second generation
    layout = IndexLayout(cli.index)
    live = layout.current()
    data = (live / "chunks.npy").read_bytes()
    (live / "chunks.npy").write_bytes(data[: len(data) // 2])
    proc = cli("ask", "Which mutual runs the library service in Kestrel Bay?")
    assert proc.returncode == 0 and "damaged" in _err_lines(proc)[0]
    assert cli("index").returncode == 0
    assert layout.current() != live
    (layout.current() / "meta.sqlite").write_bytes(b"not a database" * 100)
    for g in layout.earlier_generations(layout.current()):
        (g / "manifest.json").write_text("{", encoding="utf-8")
    proc = cli("ask", "Which mutual runs the library service in Kestrel Bay?")
    assert proc.returncode == 1 and len(_err_lines(proc)) == 1
    assert "run `assistant index` to rebuild it" in _err_lines(proc)[0]
    assert cli("index").returncode == 0
    assert cli("ask", "Which mutual runs the library service in Kestrel Bay?").returncode == 0


@pytest.mark.integration
def test_a_full_disk_is_one_line_from_the_cli(tmp_path: Path, encoder_cache: Path):
    if shutil.which("unshare") is None or subprocess.run(
            ["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot make a private mount namespace here")
    mnt = tmp_path / "small"
    mnt.mkdir()
    big = tmp_path / "big"
    big.mkdir()
    for i in range(60):
        (big / f"f{i}.md").write_text("\n".join(
            f"Paragraph {j} of file {i} says the mutual number {i * 100 + j} met its board."
            for j in range(30)), encoding="utf-8")
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "ASSISTANT_ENCODER_CACHE": str(encoder_cache)}
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    cmd = f"{exports} {sys.executable} -m assistant"
    script = f"""
mount -t tmpfs -o size=3m tmpfs {mnt} || exit 3
{cmd} index --index-dir {mnt}/ix > {tmp_path}/1.out 2> {tmp_path}/1.err || exit 4
{cmd} index {big} --index-dir {mnt}/ix > {tmp_path}/2.out 2> {tmp_path}/2.err
echo $? > {tmp_path}/2.rc
cat {mnt}/ix/sources.json > {tmp_path}/sources.after 2>/dev/null
{cmd} ask "What are the benefits of partnerships?" --index-dir {mnt}/ix \\
    > {tmp_path}/3.out 2> {tmp_path}/3.err
echo $? > {tmp_path}/3.rc
"""
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    read = lambda name: (tmp_path / name).read_text()  # noqa: E731
    assert proc.returncode == 0, proc.stderr + read("1.err")
    err = read("2.err")
    assert "Traceback" not in err and read("2.rc").strip() == "1", err
    assert err.strip().splitlines() == [
        "error: could not write the new index: the disk is full; "
        "the previous index is still live"]
    assert str(big) not in read("sources.after")
    assert read("3.rc").strip() == "0" and "Sources:" in read("3.out")
