"""The check that makes every API test a contract test (tests/support/contract.py) fails when it should: an
answer with a field its model lacks, without one it declares, with money as a float, an instant not in UTC,
a route answering JSON with no model or an untyped one, a file of a media type the route does not document."""
from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.exceptions import ResponseValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient

from platform_common.api_types import Fen, ResponseModel, UtcInstant
from tests.support.contract import ContractCheck, ContractViolation


class Payment(ResponseModel):
    amount_fen: Fen
    paid_at: UtcInstant


class CsvFile(Response):
    media_type = "text/csv"


GOOD = {"amount_fen": 100, "paid_at": "2026-11-27T03:04:05.123456Z"}
app = FastAPI()
app.add_middleware(ContractCheck)


@app.get("/good", response_model=Payment)
def good() -> dict:
    return GOOD


@app.get("/extra-field", response_model=Payment)
def extra_field() -> dict:
    return GOOD | {"note": "the model does not declare it"}


@app.get("/missing-field", response_model=Payment)
def missing_field() -> JSONResponse:  # around the model, as a hand-built answer would be
    return JSONResponse({"amount_fen": 100})


@app.get("/float-money", response_model=Payment)
def float_money() -> JSONResponse:
    return JSONResponse(GOOD | {"amount_fen": 100.5})


@app.get("/local-instant", response_model=Payment)
def local_instant() -> dict:
    return GOOD | {"paid_at": "2026-11-27T11:04:05+08:00"}


@app.get("/untyped")
def untyped() -> dict:
    return GOOD


@app.get("/no-model", response_model=None)
def no_model() -> JSONResponse:
    return JSONResponse(GOOD)


@app.get("/csv", response_class=CsvFile)
def csv_file() -> CsvFile:
    return CsvFile("a,b\n")


@app.get("/undocumented-csv")
def undocumented_csv() -> Response:
    return Response("a,b\n", media_type="text/csv")


@pytest.fixture(scope="module")
def client():
    with TestClient(app) as c:
        yield c


def test_an_answer_matching_its_model_passes_and_an_instant_is_written_in_utc_with_z(client) -> None:
    assert client.get("/good").json() == GOOD
    assert client.get("/local-instant").json()["paid_at"] == "2026-11-27T03:04:05Z"
    assert client.get("/csv").text == "a,b\n"


def test_a_field_the_model_does_not_declare_fails_instead_of_being_dropped(client) -> None:
    with pytest.raises(ResponseValidationError, match="note"):
        client.get("/extra-field")


@pytest.mark.parametrize("path, complaint", [
    ("/missing-field", "paid_at"), ("/float-money", "amount_fen"), ("/untyped", "untyped"),
    ("/no-model", "declares no response model"), ("/undocumented-csv", "text/csv"),
])
def test_a_broken_contract_fails_the_test_that_met_it(client, path: str, complaint: str) -> None:
    with pytest.raises(ContractViolation, match=complaint):
        client.get(path)
