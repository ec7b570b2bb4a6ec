"""`assistant serve` under load while a maintainer reindexes the same folder.

    python benchmarks/serve.py [--clients 1,8,32] [--seconds 20] [--docs 300]

Indexes the bundled page plus N CISI abstracts and a few generated report PDFs (as
`benchmarks/reindex.py`), starts `assistant serve` on loopback, then for each client
count runs that many concurrent clients asking a fixed mix of questions (list, fact and
catalogue-record questions, CISI queries, searches) for a bounded time. A third of the way
in, `assistant index` runs on the same folder in its own process, adding (or, on the next
run, removing) a note that answers one of the questions, and publishes a new generation.

Prints requests per second, p50/p95/p99 latency and errors (must be 0), and checks the
answers: every request that started before the reindex must equal a direct
`Assistant.ask` on the old index, every request that started after it was published one
on the new index (those in flight may be either).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, ROOT, load_cisi, table  # noqa: E402
from reindex import make_corpus  # noqa: E402

NOTE = "How often does the Gull Island ferry mutual run boats to the harbour?"
NOTE_TEXT = ("# Ferry notes\n\nThe Gull Island ferry mutual runs boats to the harbour twice "
             "a day.\n")


def question_mix() -> list[tuple[str, str]]:
    _, queries, _ = load_cisi()
    cisi = [" ".join(q.split()[:25]) for _, q in sorted(queries.items())[:4]]
    return [
        ("ask", "What are the benefits of partnerships for mutuals?"),
        ("ask", "Who published the report?"),
        ("ask", NOTE),
        ("search", "partnership governance and shared risk"),
        *[("ask", q) for q in cisi[:3]],
        ("search", cisi[3]),
    ]


def gist(answer: dict) -> tuple:
    """What a reader sees: abstained, the answer text, each citation's title and quote."""
    return (answer["abstained"], answer["answer"],
            tuple((c["title"], c["quote"]) for c in answer["citations"]))


def search_gist(result: dict) -> tuple:
    return tuple(p["chunk_id"] for p in result["passages"])


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


async def run_clients(url: str, clients: int, seconds: float, mix: list[tuple[str, str]],
                      reindex_cmd: list[str], env: dict) -> dict:
    import httpx

    results: list[tuple[float, float, str, str, int, tuple]] = []
    start = time.monotonic()
    stop_at = start + seconds
    marks: dict[str, float] = {}

    async def client(n: int, http: httpx.AsyncClient) -> None:
        i = n
        while time.monotonic() < stop_at:
            kind, q = mix[i % len(mix)]
            i += 1
            t0 = time.monotonic()
            try:
                if kind == "ask":
                    r = await http.post("/ask", json={"question": q})
                else:
                    r = await http.get("/search", params={"q": q})
                status = r.status_code
                key = (gist(r.json()) if kind == "ask" else search_gist(r.json())) \
                    if status == 200 else ()
            except httpx.HTTPError:
                status, key = 0, ()
            results.append((t0, time.monotonic(), kind, q, status, key))

    async def reindex() -> None:
        nonlocal stop_at
        await asyncio.sleep(seconds * 0.3)
        marks["reindex_started"] = time.monotonic()
        proc = await asyncio.create_subprocess_exec(*reindex_cmd, env=env, cwd=ROOT,
                                                    stdout=subprocess.DEVNULL,
                                                    stderr=subprocess.PIPE)
        _, err = await proc.communicate()
        if proc.returncode:
            raise SystemExit(f"reindex failed: {err.decode()[-2000:]}")
        marks["published"] = time.monotonic()
        stop_at = max(stop_at, marks["published"] + 3.0)  # some requests after the switch

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as http:
        await asyncio.gather(reindex(), *(client(n, http) for n in range(clients)))
    return {"results": results, "start": start, **marks}


def direct_answers(index_dir: Path, mix: list[tuple[str, str]]) -> dict[str, tuple]:
    """The answers of a direct ``Assistant`` (same settings, same encoder as the server)."""
    from assistant.service import Assistant

    a = Assistant.open(index_dir)
    out = {}
    for kind, q in mix:
        out[q] = gist(a.ask(q).as_json()) if kind == "ask" else search_gist(
            {"passages": [p.as_json() for p in a.search(q)]})
    return out


def reference(index_dir: Path, mix: list[tuple[str, str]], seconds: float) -> dict:
    """The same mix asked of a warm ``Assistant`` in this process, one at a time: what
    one client would get with no HTTP, no server and no reindex."""
    from assistant.service import Assistant

    a = Assistant.open(index_dir)
    a.warm_up()
    lat: list[float] = []
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < seconds:
        kind, q = mix[i % len(mix)]
        i += 1
        t0 = time.monotonic()
        a.ask(q) if kind == "ask" else a.search(q)
        lat.append((time.monotonic() - t0) * 1000)
    wall = time.monotonic() - start
    return {"requests": len(lat), "rps": round(len(lat) / wall, 1),
            "p50_ms": round(percentile(lat, 50)), "p95_ms": round(percentile(lat, 95)),
            "p99_ms": round(percentile(lat, 99))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", default="1,8,32", help="client counts (default 1,8,32)")
    ap.add_argument("--seconds", type=float, default=20.0, help="seconds per run (default 20)")
    ap.add_argument("--docs", type=int, default=300, help="CISI abstracts (default 300)")
    ap.add_argument("--pdfs", type=int, default=5, help="generated PDFs (default 5)")
    ap.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = ap.parse_args()
    counts = [int(c) for c in args.clients.split(",")]

    work = BENCH_DIR / "serve"
    shutil.rmtree(work, ignore_errors=True)
    docs, index_dir = work / "docs", work / "index"
    make_corpus(docs, args.docs, args.pdfs)
    env = {k: v for k, v in os.environ.items() if k != "ASSISTANT_TOKEN"}
    index_cmd = [sys.executable, "-m", "assistant", "index", str(docs),
                 "--index-dir", str(index_dir)]
    t0 = time.perf_counter()
    subprocess.run(index_cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    build_s = time.perf_counter() - t0
    mix = question_mix()
    ref = reference(index_dir, mix, min(10.0, args.seconds))

    err = (work / "serve.err").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", "0",
                               "--index-dir", str(index_dir)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=err, text=True)
    assert server.stdout is not None
    line = server.stdout.readline()
    found = re.search(r"http://[^\s/]+", line)
    if not found:
        server.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    url = found.group(0)
    rows = [["direct `Assistant.ask` (reference, no HTTP, no reindex)", str(ref["requests"]),
             f"{ref['rps']:.1f}", str(ref["p50_ms"]), str(ref["p95_ms"]), str(ref["p99_ms"]),
             "—", "—", "—", "—"]]
    figures: list[dict] = [{"reference": ref}]
    try:
        for clients in counts:
            note = docs / "ferry-notes.md"
            if note.exists():
                note.unlink()
                change = "note removed"
            else:
                note.write_text(NOTE_TEXT, encoding="utf-8")
                change = "note added"
            old = direct_answers(index_dir, mix)
            run = asyncio.run(run_clients(url, clients, args.seconds, mix, index_cmd, env))
            new = direct_answers(index_dir, mix)
            assert old[NOTE] != new[NOTE], "the reindex did not change the note's answer"
            res = run["results"]
            ok = [r for r in res if r[4] == 200]
            lat = [(r[1] - r[0]) * 1000 for r in ok]
            wall = max(r[1] for r in res) - run["start"]
            wrong = 0
            for t_start, _, _, q, _, key in ok:
                if t_start < run["reindex_started"]:
                    wrong += key != old[q]
                elif t_start > run["published"]:
                    wrong += key != new[q]
                else:
                    wrong += key not in (old[q], new[q])
            after = sum(1 for r in ok if r[0] > run["published"])
            fig = {"clients": clients, "requests": len(res), "seconds": round(wall, 1),
                   "rps": round(len(ok) / wall, 1), "p50_ms": round(percentile(lat, 50)),
                   "p95_ms": round(percentile(lat, 95)), "p99_ms": round(percentile(lat, 99)),
                   "errors": len(res) - len(ok), "answers_checked": len(ok),
                   "mismatches": wrong, "after_switch": after, "change": change,
                   "reindex_s": round(run["published"] - run["reindex_started"], 1)}
            figures.append(fig)
            rows.append([str(clients), str(fig["requests"]), f"{fig['rps']:.1f}",
                         str(fig["p50_ms"]), str(fig["p95_ms"]), str(fig["p99_ms"]),
                         str(fig["errors"]), f"{wrong} of {len(ok)}", str(after),
                         f"{fig['reindex_s']:.1f} s ({change})"])
            time.sleep(1.0)
    finally:
        server.terminate()
        server.wait(timeout=30)
        err.close()

    from assistant.service import Assistant

    snap = Assistant.open(index_dir).snapshot()
    print(f"Corpus: bundled page + {args.docs} CISI abstracts + {args.pdfs} PDFs "
          f"({snap.chunk_count} chunks; first build {build_s:.0f} s). `assistant serve` on "
          f"loopback, {os.cpu_count()} cores shared by server, clients and reindex; "
          f"{args.seconds:.0f} s per run; mix of {len(mix)} requests "
          f"({sum(k == 'ask' for k, _ in mix)} ask, {sum(k == 'search' for k, _ in mix)} "
          f"search); load average {os.getloadavg()[0]:.1f} at the end.\n")
    print(table(["clients", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors",
                 "answers differing from direct ask", "requests after switch",
                 "reindex (publish)"], rows))
    if args.json:
        print(json.dumps(figures))
    bad = any(f.get("errors") or f.get("mismatches") for f in figures)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
