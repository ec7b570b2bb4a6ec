"""Run ``assistant index`` in a child process with the fake embedder (test helper only).

    python -m tests.index.driver [--stop-at STAGE:DONE --marker FILE] [--slow S] -- ARGS...

``ARGS`` go to ``assistant.cli.main`` unchanged. ``--stop-at`` blocks the build when it
reports that progress stage (e.g. ``write:2``), after touching ``--marker``, so that a
test can kill the process at a known point; ``embed:N`` stops at the embedding report
made once N texts have been embedded (the build itself counts passages). ``--slow``
sleeps that long before every embedding batch, so that a test can kill it at a random
moment.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from assistant import cli
from assistant.service import Assistant
from index.embedder import FakeEmbedder


class SlowFakeEmbedder(FakeEmbedder):
    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def encode_documents(self, texts, batch_size=32):  # noqa: ANN001, ANN201
        time.sleep(self.delay)
        return super().encode_documents(texts, batch_size)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--stop-at", default=None)
    p.add_argument("--marker", default=None)
    p.add_argument("--slow", type=float, default=0.0)
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("args", nargs=argparse.REMAINDER)
    opts = p.parse_args()
    args = opts.args[1:] if opts.args[:1] == ["--"] else opts.args

    embedder = SlowFakeEmbedder(opts.slow)

    def block_at(progress) -> None:  # noqa: ANN001
        done = embedder.texts_encoded if progress.stage == "embed" else progress.done
        if opts.stop_at and f"{progress.stage}:{done}" == opts.stop_at:
            Path(opts.marker).write_text("reached\n", encoding="utf-8")
            while True:
                time.sleep(1)

    def open_fake(ns):  # noqa: ANN001, ANN202
        a = Assistant.open(ns.index_dir, embedder=embedder)
        real_index = a.index

        def index(paths=(), *, progress=None, cancel=None):  # noqa: ANN001, ANN202
            def both(pr) -> None:  # noqa: ANN001
                block_at(pr)
                if progress is not None:
                    progress(pr)

            return real_index(paths, progress=both, cancel=cancel)

        a.index = index
        return a

    cli._open = open_fake
    if opts.batch_size:
        import index.builder

        real_build = index.builder.build

        def build(*a, **kw):  # noqa: ANN002, ANN003, ANN202
            kw["batch_size"] = opts.batch_size
            return real_build(*a, **kw)

        import assistant.service

        assistant.service.build = build
    return cli.main(args)


if __name__ == "__main__":
    sys.exit(main())
