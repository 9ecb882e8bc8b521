"""The indexer's Whoosh writer: one writer (one lock), analysing documents in several processes.

Whoosh's ``MpWriter`` hands documents to sub-writer processes, each of which writes a segment of its own
(``multisegment``), while the parent keeps the lock, applies deletions and commits. Analysing text is most
of a writer's time, and the documents held back until the whole corpus is read (``indexer``) are written
when extraction is over: with one writer, one core would do that alone.

Two things Whoosh 2.7's ``MpWriter`` does not do are added here: a sub-writer ends soon after its indexer
dies (``kill -9`` included; a forked process inherits the index's locks, and an orphan would keep them), and
cancelling stops the sub-writers instead of leaving them waiting for work forever.
"""

from __future__ import annotations

import os

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from search.indexing.pipeline import exit_with_parent

BATCH = 64  # documents per job file handed to a sub-writer


class _SubWriter(SubWriterTask):
    def __init__(self, *args, parent: int) -> None:
        super().__init__(*args)
        self._parent = parent

    def run(self) -> None:
        exit_with_parent(self._parent)
        super().run()


class ParallelWriter(MpWriter):
    """``MpWriter`` with ``multisegment=True``, sub-writers that die with the indexer, and a real cancel."""

    def __init__(self, ix, procs: int, limitmb: int) -> None:
        super().__init__(ix, procs=procs, batchsize=BATCH, multisegment=True, limitmb=limitmb)

    def _new_task(self):
        task = _SubWriter(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
            parent=os.getpid(),
        )
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        for task in self.tasks:  # Whoosh's cancel flags its own copy of the task, not the process
            task.terminate()
        for task in self.tasks:
            task.join()
        SegmentWriter.cancel(self)
