import multiprocessing as mp

import pytest

from index.layout import IndexLayout, IndexLocked


def _hold_lock(root, ready, release):
    layout = IndexLayout(root)
    with layout.write_lock():
        ready.set()
        release.wait(10)


def test_second_writer_gets_a_clear_message(tmp_path):
    ctx = mp.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(tmp_path, ready, release))
    proc.start()
    try:
        assert ready.wait(10)
        with pytest.raises(IndexLocked, match="already updating"):
            with IndexLayout(tmp_path).write_lock():
                pass
    finally:
        release.set()
        proc.join(10)
    with IndexLayout(tmp_path).write_lock():  # free again once the first writer is done
        pass


def test_publish_switches_atomically_and_cleanup_keeps_live(tmp_path):
    layout = IndexLayout(tmp_path)
    assert layout.current() is None
    names = []
    for i in range(4):
        g = layout.new_generation_dir()
        (g / "manifest.json").write_text(f'{{"n": {i}}}')
        names.append(layout.publish(g).name)
    assert layout.current().name == names[-1]
    assert layout.read_manifest() == {"n": 3}
    leftover = layout.new_generation_dir()  # an unfinished build (e.g. killed)
    layout.cleanup(keep=2)
    remaining = sorted(p.name for p in layout.generations.iterdir())
    assert names[-1] in remaining and len(remaining) == 2
    assert not leftover.exists()
