"""The contract roster and primary-care capitation as pure rules: rows, active months, weights, the fee split."""
from datetime import date

import pytest
from hypothesis import given, strategies as st

from platform_common.errors import InvalidInput
from platform_common.identity import check_char, resident_key
from services.payment.domain.claims import RowError
from services.payment.domain.primary_care import (PackageFee, PrimaryCarePolicy, capitation_by_unit,
                                                  contract_amount, contracts_to_pay, fee_split)
from services.payment.domain.roster import (BIT, ContractRowParser, KeyGroup, active_in_month, flags_of,
                                            groups_of, overlaps)

SECRET = "k" * 32
POLICY = PrimaryCarePolicy({"elderly": 12000, "hypertension": 15000, "diabetes": 15000},
                           {"basic": PackageFee(12000, 5000, 4000, 1000)}, 7300)


def nid(serial: int, birth: str = "19500101") -> str:
    first17 = f"500237{birth}{serial:03d}"
    return first17 + check_char(first17)


def parser(today=date(2026, 11, 27)) -> ContractRowParser:
    return ContractRowParser({"dachang-thc", "luoping-thc"}, {"basic", "chronic"}, SECRET, today)


def test_a_row_keeps_only_the_keyed_hash_and_the_masked_number():
    row = parser().parse([nid(11), " dachang-thc", "team-1", "basic", "elderly;hypertension", "2026-01-01", ""])
    assert row.resident_key == resident_key(SECRET, nid(11)) and nid(11) not in row
    assert row.resident_masked == "500237********" + nid(11)[-4:]
    assert groups_of(row.key_groups) == [KeyGroup.ELDERLY, KeyGroup.HYPERTENSION]
    assert row.end_date is None


@pytest.mark.parametrize("values, field", [
    (["500237195001010110", "dachang-thc", "t", "basic", "", "2026-01-01", ""], "national_id"),
    ([nid(1), "county-peoples-hospital", "t", "basic", "", "2026-01-01", ""], "org_id"),
    ([nid(1), "dachang-thc", "t", "gold", "", "2026-01-01", ""], "package"),
    ([nid(1), "dachang-thc", "t", "basic", "smokers", "2026-01-01", ""], "key_groups"),
    ([nid(1), "dachang-thc", "t", "basic", "", "2026-02-30", ""], "start_date"),
    ([nid(1), "dachang-thc", "t", "basic", "", "2026-02-01", "2026-01-31"], "end_date"),
    ([nid(1), "dachang-thc", "", "basic", "", "2026-02-01", ""], "team"),
    ([nid(1), "dachang-thc", "t", "basic", ""], "row"),
])
def test_bad_rows_name_the_field(values, field):
    with pytest.raises(RowError) as e:
        parser().parse(values)
    assert e.value.field == field


def test_a_contract_counts_for_the_months_it_is_in_force_on_the_first_day():
    assert active_in_month(date(2026, 1, 1), None, "2026-01")
    assert not active_in_month(date(2026, 1, 2), None, "2026-01")
    assert active_in_month(date(2026, 1, 2), date(2026, 3, 1), "2026-03")
    assert not active_in_month(date(2026, 1, 2), date(2026, 2, 28), "2026-03")


@given(st.dates(date(2025, 1, 1), date(2027, 12, 31)), st.integers(0, 800), st.integers(1, 800))
def test_a_transfer_leaves_every_month_to_exactly_one_unit(start, days_old, days_new):
    """Old contract ends the day before the new one starts: in every month at most one of them counts."""
    from datetime import timedelta
    transfer = start + timedelta(days=days_old + 1)
    old, new = (start, transfer - timedelta(days=1)), (transfer, transfer + timedelta(days=days_new))
    assert not overlaps(*old, *new)
    for y in (2025, 2026, 2027, 2028):
        for m in range(1, 13):
            month = f"{y}-{m:02d}"
            assert active_in_month(*old, month) + active_in_month(*new, month) <= 1


def test_weight_is_the_highest_of_the_contracts_groups_and_paid_once():
    rate = 1000
    assert contract_amount(rate, 0, POLICY) == 1000
    assert contract_amount(rate, BIT[KeyGroup.ELDERLY], POLICY) == 1200
    assert contract_amount(rate, flags_of([KeyGroup.ELDERLY, KeyGroup.DIABETES]), POLICY) == 1500
    assert contract_amount(rate, BIT[KeyGroup.DISABLED], POLICY) == 1000  # no weight for the group


flags = st.integers(0, (1 << len(KeyGroup)) - 1)
counts = st.lists(st.tuples(st.sampled_from(["a-thc", "b-thc", "c-vc"]), flags, st.integers(0, 10_000)), max_size=30)


@given(st.integers(0, 100_000), counts)
def test_unit_totals_are_the_sum_of_each_contracts_amount(rate, rows):
    units = capitation_by_unit(rate, POLICY, rows)
    assert sum(u.amount_fen for u in units) == sum(n * contract_amount(rate, f, POLICY) for _, f, n in rows)
    assert sum(u.contracts for u in units) == sum(n for *_, n in rows)


@given(st.sets(st.integers(0, 200)), st.sets(st.integers(0, 200)))
def test_a_second_run_never_pays_a_contract_again(active, paid):
    first = contracts_to_pay(map(str, active), set(map(str, paid)))
    second = contracts_to_pay(map(str, active), set(map(str, paid)) | set(first))
    assert second == [] and not set(first) & set(map(str, paid))


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10_000), min_size=3, max_size=3).filter(lambda w: sum(w) > 0),
       st.integers(0, 10**6))
def test_the_fee_split_loses_no_fen(fee, raw, contracts):
    total = sum(raw)
    bp = [w * 10_000 // total for w in raw]
    bp[0] += 10_000 - sum(bp)
    package = PackageFee(fee, *bp)
    shares = package.shares()
    assert sum(shares.values()) == fee and all(v >= 0 for v in shares.values())
    (line,) = fee_split(PrimaryCarePolicy({}, {"p": package}), [("a-thc", "p", contracts)])
    assert line.fund_fen + line.public_health_fen + line.resident_fen == line.fee_fen == contracts * fee


def test_policy_refuses_shares_that_do_not_add_up_naming_the_package():
    bad = PrimaryCarePolicy({}, {"basic": PackageFee(12000, 5000, 4000, 2000)})
    with pytest.raises(InvalidInput) as e:
        bad.validate()
    assert e.value.field == "primary_care.packages.basic"
    with pytest.raises(InvalidInput):
        PrimaryCarePolicy({"smokers": 12000}, {"basic": PackageFee(0, 10000, 0, 0)}).validate()


@given(st.text("0123456789X５x ", min_size=17, max_size=19))
def test_the_bulk_id_checker_agrees_with_the_plain_check(text):
    from platform_common.identity import NationalIdChecker, national_id_problem
    checker = NationalIdChecker()
    assert checker.problem(text) == national_id_problem(text)
    first17 = text[:17]
    if first17.isdigit():
        valid = first17 + check_char(first17)
        assert checker.problem(valid) == national_id_problem(valid)


@given(st.text(min_size=32, max_size=120), st.text("0123456789X", min_size=18, max_size=18))
def test_the_bulk_keyer_gives_the_plain_resident_key(secret, number):
    from platform_common.identity import resident_keyer
    assert resident_keyer(secret)(number) == resident_key(secret, number)  # keys longer than a block included
