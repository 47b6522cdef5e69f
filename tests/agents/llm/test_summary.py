"""The run summary shows well-formed rates and, per role, the share of responses with a non-zero advantage."""

from __future__ import annotations

from agents.llm.summary import summary_rows

RECORDS = [
    {"step": 1, "propose/deduction/well_formed_rate": 0.5, "advantage/propose/nonzero_frac": 0.0},
    {"step": 2, "propose/deduction/well_formed_rate": 1.0, "advantage/propose/nonzero_frac": 0.5},
]


def test_summary_has_the_well_formed_rate_and_the_nonzero_advantage_share() -> None:
    rows = summary_rows(RECORDS, ["deduction"])
    assert ("deduction", "propose", "well_formed_rate", "0.500", "1.000", "0.750") in rows
    assert ("all", "propose", "nonzero_advantage_frac", "0.000", "0.500", "0.250") in rows
