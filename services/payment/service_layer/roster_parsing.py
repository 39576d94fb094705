"""A roster file's rows parsed in a second process while this one checks and inserts them.

Per row, the parse (CSV, the national-ID check, the HMAC, the row) costs about as much CPU as the checks and the
insert into the unique index (about 6 µs each on this machine). A file longer than
`roster_parse_process_after_rows` is therefore handed on after that many rows: a thread of this process reads
the rest of the text by lines (as the file iterator splits them) and sends them to a child process, which
parses them with the same parser and sends back batches of plain tuples (pickled namedtuples cost 4× as much:
2.4 s to dump and 0.9 s to load for 1,000,000 rows, against 1.0 and 0.5), already in the form the insert takes
and sorted by key. The two run on two cores at once.
Small files never start a process. Neither process runs the cyclic collector meanwhile (collector.py).

The child is spawned (not forked: the server's threads and locks stay out of it); like every spawned process it
imports the parent's main module, so a program that imports a roster must guard its entry point (`if __name__ ==
"__main__"`), as uvicorn's, pytest's and the bench's are. Its failure, the reading
thread's (the file over the size cap, bad UTF-8) and this process's own (a check, the database) all end the
import with an exception and nothing committed; the child is terminated and joined on every way out.
"""
from __future__ import annotations

import csv
import gc
import logging
import multiprocessing
import threading
from itertools import islice
from operator import eq
from typing import Iterator, NamedTuple

from platform_common.errors import InvalidInput

from ..domain.claims import RowError
from ..domain.roster import ContractRowParser

log = logging.getLogger(__name__)
_CONTEXT = multiprocessing.get_context("spawn")
_LINES_HINT = 1 << 20  # characters of lines per message to the child


class ParseWorkerFailed(RuntimeError):
    """The parsing process stopped without finishing the file (its error, or killed)."""


class Batch(NamedTuple):
    """A slice of the file. `rows`: its contracts as the insert takes them (resident key, masked number, unit, its
    consortium, team, package, key groups, start, end with the dates as the driver takes them, recording), sorted
    by resident key (a resident's rows stay in file order), so the inserts land on neighbouring index pages;
    `lines`: each row's line in the file; `refused`: (line, field, reason); `repeats`: a resident has two rows."""

    rows: list[tuple]
    lines: list[int]
    refused: list[tuple]
    repeats: bool


class RowShape(NamedTuple):
    """What the rows need beside the parser: each unit's consortium, whether the driver takes dates as ISO text
    (SQLite) or as dates (PostgreSQL), and the import's recording (who, when: one row for the file)."""

    consortia: dict[str, str]
    dates_as_text: bool
    recording_id: int


class _Dates(dict):
    def __init__(self, as_text: bool) -> None:
        super().__init__({None: None})
        self.as_text = as_text

    def __missing__(self, day):  # noqa: ANN001, ANN204
        value = self[day] = day.isoformat() if self.as_text else day
        return value


def _batches(reader, parse, shape: RowShape, batch_rows: int, first_line: int = 0,  # noqa: ANN001
             stop_after: int = 0) -> Iterator[Batch]:
    """Parses `reader`'s non-empty rows into batches; returns True at the end of the file, False when it stopped
    after `stop_after` rows (0: never)."""
    consortia, dates, recording = shape.consortia, _Dates(shape.dates_as_text), shape.recording_id
    rows: list[tuple] = []
    lines: list[int] = []
    refused: list[tuple] = []
    seen = 0
    for values in reader:
        if not values or values == [""]:
            continue
        seen += 1
        try:
            key, masked, org_id, team, package, groups, start, end = parse(values)
        except RowError as e:
            refused.append((first_line + reader.line_num, e.field, e.reason))
        else:
            rows.append((key, masked, org_id, consortia[org_id], team, package, groups, dates[start], dates[end],
                         recording))
            lines.append(first_line + reader.line_num)
        if len(rows) + len(refused) >= batch_rows:
            yield _by_key(rows, lines, refused)
            rows, lines, refused = [], [], []
            if stop_after and seen >= stop_after:
                return False
    yield _by_key(rows, lines, refused)
    return True


def _by_key(rows: list[tuple], lines: list[int], refused: list[tuple]) -> Batch:
    keys = [row[0] for row in rows]
    order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: a resident's rows keep their file order
    keys = list(map(keys.__getitem__, order))
    return Batch(list(map(rows.__getitem__, order)), list(map(lines.__getitem__, order)), refused,
                 any(map(eq, keys, islice(keys, 1, None))))


def parsed_rows(reader, text, parser_args: tuple, shape: RowShape, batch_rows: int,  # noqa: ANN001
                after_rows: int) -> Iterator[Batch]:
    """The file's batches in file order: the first `after_rows` rows parsed here, the rest in a child process
    (`ContractRowParser(*parser_args)` is the parser of both). after_rows 0: all of them here."""
    ended = yield from _batches(reader, ContractRowParser(*parser_args).fields, shape, batch_rows,
                                stop_after=after_rows)
    if not ended:
        yield from _in_child(text, reader.line_num, parser_args, shape, batch_rows)


def _in_child(text, first_line: int, parser_args: tuple, shape: RowShape,  # noqa: ANN001
              batch_rows: int) -> Iterator[Batch]:
    lines_in, lines_out = _CONTEXT.Pipe(duplex=False)
    rows_in, rows_out = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(target=_parse_lines, args=(lines_in, rows_out, ContractRowParser, parser_args, shape,
                                                        first_line, batch_rows), name="roster-parse", daemon=True)
    child.start()
    lines_in.close()
    rows_out.close()  # ours closed, a dead child's end gives EOFError here rather than a wait forever
    feeder = _Feeder(text, lines_out)
    try:
        while True:
            try:
                message = rows_in.recv()
            except EOFError:
                raise ParseWorkerFailed(f"the parsing process ended without finishing (exit code "
                                        f"{child.join(5) or child.exitcode})") from None
            if message is None:
                break
            if message.__class__ is tuple:  # the child's error: (csv or other, text, line)
                kind, reason, line_num = message
                if kind == "csv":
                    raise InvalidInput(f"unreadable CSV near line {line_num}: {reason}", field="file")
                raise ParseWorkerFailed(f"parsing the file stopped near line {line_num}: {reason}")
            yield message
        feeder.join()
        if feeder.error is not None:
            raise feeder.error
    finally:
        feeder.stop()
        rows_in.close()
        if child.is_alive():
            child.terminate()
        child.join(5)
        feeder.join()


class _Feeder(threading.Thread):
    """Reads the rest of the file's text by lines and sends it on; keeps what went wrong for the importer."""

    def __init__(self, text, out) -> None:  # noqa: ANN001
        super().__init__(name="roster-lines", daemon=True)
        self.text, self.out, self.error, self._halt = text, out, None, threading.Event()
        self.start()

    def run(self) -> None:
        try:
            while not self._halt.is_set() and (lines := self.text.readlines(_LINES_HINT)):
                self.out.send(lines)
            self.out.send(None)
        except (BrokenPipeError, OSError) as e:  # the child is gone: the importer reports that
            if not self._halt.is_set():
                log.debug("roster lines not sent: %s", e)
        except BaseException as e:  # noqa: BLE001 - the file over the cap, bad UTF-8: raised by the importer
            self.error = e
            try:
                self.out.send(None)
            except OSError:
                pass
        finally:
            self.out.close()

    def stop(self) -> None:
        self._halt.set()


def _lines(source) -> Iterator[str]:  # noqa: ANN001
    while (lines := source.recv()) is not None:
        yield from lines


def _parse_lines(source, sink, factory, parser_args: tuple, shape: RowShape, first_line: int,  # noqa: ANN001
                 batch_rows: int) -> None:
    """The child: lines in, batches of parsed rows out, then None; or (kind, the error's text, line)."""
    reader = None
    gc.disable()  # this process only parses: nothing it makes is in a cycle
    try:
        parse = factory(*parser_args).fields
        reader = csv.reader(_lines(source))
        for batch in _batches(reader, parse, shape, batch_rows, first_line):
            sink.send(batch)
        sink.send(None)
    except BaseException as e:  # noqa: BLE001 - told to the importer, which fails the upload
        line = first_line + (reader.line_num if reader is not None else 0)
        sink.send(("csv" if isinstance(e, csv.Error) else "other", f"{e.__class__.__name__}: {e}", line))
