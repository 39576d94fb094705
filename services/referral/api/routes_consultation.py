"""Advice before referral (科对科) routes: thin — parse, call one use case, shape the answer."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from platform_common.events import utcnow

from ..domain.consultation import ConsultationStatus
from ..service_layer import consultations
from . import schemas_consultation as c
from .deps import Caller, Runtime
from .views import consultation

router = APIRouter(tags=["consultations"])


@router.post("/consultations", status_code=201, response_model=c.ConsultationOut)
def ask(body: c.ConsultationIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        fields = body.model_dump(exclude={"patient", "attachments"})
        row = consultations.ask(uow, rt.settings, caller, now, patient=body.patient.model_dump(),
                                attachments=[a.model_dump() for a in body.attachments], **fields)
        return consultation(row, now, caller.org_id)


@router.get("/consultations", response_model=c.Consultations)
def worklist(rt: Runtime, caller: Caller,
             box: Annotated[Literal["all", "incoming", "outgoing"], Query()] = "all",
             status: Annotated[list[ConsultationStatus] | None, Query()] = None,
             page: Annotated[int, Query(ge=1, le=10**7)] = 1,
             page_size: Annotated[int | None, Query(ge=1)] = None) -> dict:
    now = utcnow()
    with rt.read_uow() as uow:
        total, rows, page, size = consultations.worklist(uow, rt.settings, caller, box=box,
                                                         statuses=[s.value for s in status or []], page=page,
                                                         page_size=page_size)
        return {"total": total, "page": page, "page_size": size,
                "items": [consultation(r, now, caller.org_id) for r in rows]}


@router.get("/consultations/overdue", response_model=c.OverdueConsultations)
def overdue(rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.read_uow() as uow:
        return {"items": [consultation(r, now, caller.org_id) for r in consultations.overdue(uow, caller, now)]}


@router.get("/consultations/{consultation_id}", response_model=c.ConsultationOut)
def get(consultation_id: str, rt: Runtime, caller: Caller) -> dict:
    with rt.read_uow() as uow:
        return consultation(consultations.get(uow, caller, consultation_id), utcnow(), caller.org_id)


@router.post("/consultations/{consultation_id}/answer", response_model=c.ConsultationOut)
def answer(consultation_id: str, body: c.AnswerIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        row = consultations.answer(uow, rt.settings, caller, now, consultation_id, **body.model_dump())
        return consultation(row, now, caller.org_id)


@router.post("/consultations/{consultation_id}/cancel", response_model=c.ConsultationOut)
def cancel(consultation_id: str, body: c.CancelIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        return consultation(consultations.cancel(uow, caller, now, consultation_id, **body.model_dump()), now,
                            caller.org_id)
