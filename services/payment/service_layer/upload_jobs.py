"""Uploads as jobs: the file is kept on disk, read in the background, and its progress can be asked for.

A month of claims is a million rows: reading it takes longer than a person (or a proxy) waits for an answer.
With `Prefer: respond-async` the upload is answered 202 as soon as the file is stored, and `GET` on the
upload says how far the reading has come (phase, fraction of the file, rows) until it is done or failed.
Without it the same job runs in the request and the answer is the report (201), as it always was.

- One file at a time per service process (SQLite writes one transaction at a time anyway); a second upload
  waits as `queued`.
- The progress of a running job lives in this process's memory: reading it takes no database transaction,
  which the import is holding. The upload's row says `running` meanwhile, `done` or `failed` after.
- The import is one transaction, so a job that fails, or a process stopped in the middle, stores nothing of
  the file: at start-up an upload still `running` is marked failed ("upload it again"), which is safe since
  claims are idempotent by number.
- An XLSX file is first rewritten as CSV lines (adapters/spreadsheets.py): its sheet is read as a stream,
  outside the import's transaction, then imported like any CSV file.
"""
from __future__ import annotations

import logging
import shutil
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

from platform_common.auth import Principal, Role
from platform_common.errors import InvalidInput, NotFound, PayloadTooLarge, ServiceError
from platform_common.events import utcnow
from platform_common.web import require_role

from ..adapters import spreadsheets
from .access import CLAIM_WRITERS, MANAGERS, READERS, ROSTER_KEEPERS
from .claim_import import import_claims
from .reconciliation import check_params, reconcile
from .roster_import import import_roster, roster_units
from .unit_of_work import PaymentUnitOfWork
from .upload_rows import Progress, save_upload

log = logging.getLogger(__name__)
INTERRUPTED = "the payment service stopped while reading this file; nothing of it was stored: upload it again"


@dataclass
class Job:
    upload_id: str
    purpose: str  # claims | roster | reconciliation
    principal: Principal
    path: Path
    filename: str | None
    size: int
    file_format: str  # csv | xlsx
    params: dict = field(default_factory=dict)
    progress: Progress = field(default_factory=Progress)


class UploadJobs:
    def __init__(self, uow: Callable[[], PaymentUnitOfWork], settings, spool_dir: Path) -> None:  # noqa: ANN001
        self.uow, self.settings, self.spool_dir = uow, settings, spool_dir
        self._running: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="payment-upload")

    # -- accepting a file -------------------------------------------------------------------------------------

    def submit(self, principal: Principal, purpose: str, file: BinaryIO, filename: str | None,
               params: dict | None = None, wait: bool = True) -> dict:
        """Stores the file and runs its job: in this thread (`wait`: the report, or the job's error raised),
        or in the background (the upload's id and progress, at once)."""
        params = params or {}
        if purpose == "claims":
            require_role(principal, *CLAIM_WRITERS)
        elif purpose == "roster":
            with self.uow() as uow:  # who may keep a roster is said at once, before the file is kept
                roster_units(uow, principal)
        else:
            require_role(principal, *MANAGERS)
            with self.uow() as uow:  # a bad period or consortium is said at once, before the file is kept
                check_params(uow, params["consortium_id"], params["period"])
        upload_id = str(uuid.uuid4())
        path, size, file_format = self._spool(upload_id, file)
        job = Job(upload_id, purpose, principal, path, filename, size, file_format, params)
        with self.uow() as uow:
            save_upload(uow, upload_id, False, purpose=purpose, filename=filename, uploaded_by=principal.username,
                        uploader_org_id=principal.org_id, uploaded_at=utcnow(), rows=0, inserted=0, duplicates=0,
                        rejected=0, amount_fen=0, status="running", file_format=file_format, size_bytes=size)
            uow.commit()
        with self._lock:
            self._running[upload_id] = job
        if wait:
            return self._run(job, raise_errors=True)
        self._executor.submit(self._run, job, False)
        return self.running_view(job)

    def _spool(self, upload_id: str, file: BinaryIO) -> tuple[Path, int, str]:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        path = self.spool_dir / f"{upload_id}.upload"
        with path.open("wb") as out:
            shutil.copyfileobj(file, out, 1 << 20)
        size = path.stat().st_size
        if size > self.settings.max_upload_bytes:
            path.unlink()
            raise PayloadTooLarge(f"the file exceeds {self.settings.max_upload_bytes} bytes", field="file",
                                  limit_bytes=self.settings.max_upload_bytes)
        with path.open("rb") as head:
            file_format = "xlsx" if spreadsheets.is_xlsx(head.read(4)) else "csv"
        return path, size, file_format

    # -- running it -------------------------------------------------------------------------------------------

    def _run(self, job: Job, raise_errors: bool) -> dict:
        converted = job.path.with_suffix(".csv")
        try:
            source = job.path
            if job.file_format == "xlsx":
                job.progress.phase = "reading"
                self._convert(job, converted)
                source = converted
            job.progress.phase, job.progress.done, job.progress.total = "importing", 0, source.stat().st_size
            with source.open("rb") as raw, self.uow() as uow:
                if job.purpose == "claims":
                    result = import_claims(uow, job.principal, self.settings, raw, job.filename, job.upload_id,
                                           job.progress)
                elif job.purpose == "roster":
                    result = import_roster(uow, job.principal, self.settings, raw, job.filename, job.upload_id,
                                           job.progress)
                else:
                    result = reconcile(uow, job.principal, self.settings, consortium_id=job.params["consortium_id"],
                                       period_code=job.params["period"], raw=raw, filename=job.filename,
                                       recon_id=job.upload_id, progress=job.progress)
            job.progress.phase = "done"
            return result
        except ServiceError as e:
            self._failed(job, e.body()["error"])
            if raise_errors:
                raise
        except Exception:
            log.exception("upload job failed", extra={"fields": {"upload_id": job.upload_id}})
            self._failed(job, {"code": "internal", "message": "reading the file failed unexpectedly; nothing of it "
                                                              "was stored: upload it again"})
            if raise_errors:
                raise
        finally:
            job.path.unlink(missing_ok=True)
            converted.unlink(missing_ok=True)
            with self._lock:
                self._running.pop(job.upload_id, None)
        return {}

    def _convert(self, job: Job, target: Path) -> None:
        def on_row(rows: int, total: int | None) -> None:
            job.progress.done, job.progress.total, job.progress.rows = rows, total, rows

        with job.path.open("rb") as source, target.open("wb") as out:
            try:
                spreadsheets.xlsx_to_csv(source, out, self.settings.upload_max_rows + 1, on_row=on_row)
            except spreadsheets.UnreadableWorkbook:
                raise InvalidInput("the file is neither UTF-8 CSV text nor a readable XLSX workbook",
                                   field="file") from None

    def _failed(self, job: Job, error: dict) -> None:
        job.progress.phase = "failed"
        with self.uow() as uow:
            uow.uploads.update(job.upload_id, status="failed", failure=error, finished_at=utcnow())
            uow.commit()

    def recover(self) -> int:
        """At start-up: uploads left `running` by a stopped process failed (nothing of them was stored)."""
        with self.uow() as uow:
            done = uow.uploads.fail_running({"code": "interrupted", "message": INTERRUPTED}, utcnow())
            uow.commit()
        if self.spool_dir.exists():
            for stale in self.spool_dir.glob("*.upload"):
                stale.unlink(missing_ok=True)
            for stale in self.spool_dir.glob("*.csv"):
                stale.unlink(missing_ok=True)
        return done

    # -- asking about it --------------------------------------------------------------------------------------

    def running(self, principal: Principal, upload_id: str, purpose: str) -> dict | None:
        """The view of a job still running in this process (no database needed), None when it is not."""
        with self._lock:
            job = self._running.get(upload_id)
        if job is None or job.purpose != purpose:
            return None
        require_role(principal, *(ROSTER_KEEPERS if purpose == "roster" else READERS))
        if principal.role is Role.FINANCE_OFFICER and principal.consortium_id != job.principal.consortium_id:
            raise NotFound("no such upload", upload_id=upload_id)
        if principal.role is Role.UNIT_MANAGER and principal.org_id != job.principal.org_id:
            raise NotFound("no such upload", upload_id=upload_id)
        return self.running_view(job)

    @staticmethod
    def running_view(job: Job) -> dict:
        key = "recon_id" if job.purpose == "reconciliation" else "upload_id"
        return {key: job.upload_id, "status": "running", "failure": None, "filename": job.filename,
                "file_format": job.file_format, "size_bytes": job.size, "progress": job.progress.view()}

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

