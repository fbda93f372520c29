"""A USCC typed with spaces or in lower case finds the same firm at the cases entry points (one rule:
`core.validators.normalize_code`)."""

from gaoxin.cases import selectors


def as_typed(code: str) -> str:
    """How a clerk pastes a code: groups separated by spaces, some letters in lower case."""
    return f" {code[:4].lower()} {code[4:10]}\u3000{code[10:].lower()} "


def test_tracking_and_the_case_search_read_a_code_as_typed(item, submit, own_enterprise, admin_user):
    case = submit(item)
    assert selectors.track(case.number, as_typed(own_enterprise.uscc)) == case
    assert list(selectors.case_list(user=admin_user, q=as_typed(own_enterprise.uscc))) == [case]
