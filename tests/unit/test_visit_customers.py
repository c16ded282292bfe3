"""Finding a customer by name or alias, Chinese or Latin, with typos."""

from __future__ import annotations

import pytest

from services.customers import normalise, pick, search_customers
from storage.models import Customer

CUSTOMERS = [
    Customer(id=1, name="华东制造集团", aliases=["HDMG", "East China Manufacturing"]),
    Customer(id=2, name="华东物流", aliases=["East Logistics"]),
    Customer(id=3, name="Acme Corp", aliases=["ACME", "阿克美"]),
    Customer(id=4, name="Acme Systems", aliases=[]),
    Customer(id=5, name="星海银行", aliases=["Xinghai Bank"]),
    Customer(id=6, name="Beta Bank", aliases=[]),
]


def names(customers) -> list[str]:
    return [c.name for c in customers]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("华东制造集团", "华东制造集团"),  # exact
        ("hdmg", "华东制造集团"),  # alias, any case
        ("ＨＤＭＧ", "华东制造集团"),  # full-width letters
        ("华东制造", "华东制造集团"),  # part of the name
        ("华东制造集团有限公司", "华东制造集团"),  # the name with more around it
        ("华东智造集团", "华东制造集团"),  # a typo in Chinese
        ("Acme Crop", "Acme Corp"),  # a typo in Latin
        ("acme corp", "Acme Corp"),
        ("acme", "Acme Corp"),  # an exact alias beats a longer name that starts the same
        ("阿克美", "Acme Corp"),  # a Chinese alias of a Latin name
        ("xinghai  bank", "星海银行"),  # a Latin alias of a Chinese name, odd spacing
        ("Beta-Bank", "Beta Bank"),  # punctuation does not matter
    ],
)
def test_one_customer_is_found(query, expected):
    match = pick(CUSTOMERS, query)
    assert match.kind == "unique", match
    assert match.customer is not None and match.customer.name == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("华东", ["华东制造集团", "华东物流"]), ("acm", ["Acme Corp", "Acme Systems"]), ("bank", ["星海银行", "Beta Bank"])],
)
def test_several_customers_are_offered_when_the_name_is_ambiguous(query, expected):
    match = pick(CUSTOMERS, query)
    assert match.kind == "ambiguous"
    assert sorted(names(match.candidates)) == sorted(expected)


@pytest.mark.parametrize("query", ["xyzzy-garbage 123", "长江电力", "a", "", "   "])
def test_unknown_names_are_unknown(query):
    assert pick(CUSTOMERS, query).kind == "unknown"


def test_a_short_alias_does_not_hide_inside_other_words():
    customers = [Customer(id=1, name="中国移动", aliases=["CM"]), Customer(id=2, name="Acme Corp", aliases=[])]
    match = pick(customers, "acme")
    assert match.customer is not None and match.customer.name == "Acme Corp"


def test_the_same_alias_on_two_customers_is_ambiguous():
    customers = [Customer(id=1, name="A", aliases=["XY"]), Customer(id=2, name="B", aliases=["XY"])]
    assert pick(customers, "xy").kind == "ambiguous"


def test_search_lists_everything_for_an_empty_query_and_ranks_prefixes_first():
    assert names(search_customers(CUSTOMERS, "")) == names(CUSTOMERS)
    ranked = names(search_customers(CUSTOMERS, "ac"))
    assert ranked[:2] == ["Acme Corp", "Acme Systems"]
    assert sorted(names(search_customers(CUSTOMERS, "华东"))[:2]) == ["华东制造集团", "华东物流"]
    assert sorted(names(search_customers(CUSTOMERS, "east"))) == ["华东制造集团", "华东物流"]
    assert "华东制造集团" in names(search_customers(CUSTOMERS, "华东智造"))
    assert search_customers(CUSTOMERS, "zzzzqqq") == []


def test_search_respects_the_limit():
    many = [Customer(id=i, name=f"客户{i:03d}", aliases=[]) for i in range(150)]
    assert len(search_customers(many, "", limit=100)) == 100
    assert len(search_customers(many, "客户", limit=100)) == 100


def test_normalise_folds_width_case_spacing_and_punctuation():
    assert normalise(" Ａcme-Corp. ") == "acmecorp"
    assert normalise("华东（集团）") == "华东集团"
