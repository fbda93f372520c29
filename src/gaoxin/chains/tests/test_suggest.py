"""The pure suggestion function on hand-built registries: industry codes (division or finer code, by prefix),
product keywords in the firm's name, both required where both are set, closed firms never, and the gaps."""

from hypothesis import given
from hypothesis import strategies as st

from gaoxin.chains.suggest import FirmFacts, NodeSpec, Suggestion, fits, gaps, suggest

REGISTRY = [
    FirmFacts(1, "38", "3841", "湖南博越储能科技有限公司"),
    FirmFacts(2, "38", "", "湘潭华昭电缆有限公司"),
    FirmFacts(3, "38", "3821", "湖南金天储能有限公司", operating=False),  # 注销: never suggested
    FirmFacts(4, "51", "", "湘潭宏泰储能贸易有限公司"),  # the word, not the industry
    FirmFacts(5, "36", "3670", "湖南瑞恒汽车电子有限公司"),
    FirmFacts(6, "39", "3985", "湘潭鼎晟电子有限公司"),
]


def test_industry_and_keyword_both_required_where_both_are_set():
    storage = NodeSpec(10, codes=("38",), keywords=("储能", "电池"))
    assert suggest([storage], REGISTRY) == [Suggestion(10, 1, "行业 3841；关键词 储能")]


def test_industry_only_node_takes_the_division_or_the_finer_code_by_prefix():
    cables = NodeSpec(11, codes=("38",))
    assert [s.firm_id for s in suggest([cables], REGISTRY)] == [1, 2]
    fine = NodeSpec(12, codes=("384",))
    assert [s.firm_id for s in suggest([fine], REGISTRY)] == [1]
    assert suggest([fine], REGISTRY)[0].basis == "行业 3841"
    # A firm without a finer code is read by its division only.
    assert fits(NodeSpec(13, codes=("3821",)), FirmFacts(7, "38", "", "某电气有限公司")) is None


def test_keyword_only_node_matches_any_industry():
    node = NodeSpec(14, keywords=("储能",))
    assert [s.firm_id for s in suggest([node], REGISTRY)] == [1, 4]
    assert suggest([node], REGISTRY)[1].basis == "关键词 储能"


def test_a_node_with_neither_suggests_nobody_and_closed_firms_never():
    assert suggest([NodeSpec(15)], REGISTRY) == []
    assert fits(NodeSpec(16, codes=("38",)), REGISTRY[2]) is None


def test_several_nodes_in_node_then_firm_order():
    nodes = [NodeSpec(20, codes=("36", "39"), keywords=("电子",)), NodeSpec(21, codes=("38",), keywords=("电缆",))]
    assert [(s.node_id, s.firm_id) for s in suggest(nodes, REGISTRY)] == [(20, 5), (20, 6), (21, 2)]


def test_gaps_are_the_nodes_without_a_local_firm_in_order():
    assert gaps([5, 3, 9, 1], [3, 1, 1, 42]) == [5, 9]
    assert gaps([], [1]) == []


@given(st.lists(st.sampled_from(["38", "36", "39", "51"]), min_size=1, max_size=8))
def test_an_industry_node_suggests_exactly_the_operating_firms_of_its_division(divisions):
    firms = [FirmFacts(i, d, "", f"企业{i}", operating=i % 3 != 0) for i, d in enumerate(divisions)]
    got = {s.firm_id for s in suggest([NodeSpec(1, codes=("38",))], firms)}
    assert got == {f.id for f in firms if f.division == "38" and f.operating}
