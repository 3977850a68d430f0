"""The aside name of a replaced container leads back to its candidate, and only it."""

from clarus_daemon.inference.rollout_names import aside_name, candidate_name, candidate_of_aside


def test_an_aside_name_leads_back_to_its_candidate() -> None:
    candidate = candidate_name("uc-energy.v2")

    aside = aside_name(candidate)

    assert aside.startswith("uc-energy.v2.prev-")
    assert candidate_of_aside("uc-energy.v2", aside) == candidate


def test_other_names_are_not_aside_names() -> None:
    for name in ("uc", "uc.prev-", "uc.prev-0ff1cez", "uc.prev-0FF1CE", "uc.next-0ff1ce"):
        assert candidate_of_aside("uc", name) is None
    assert candidate_of_aside("other", "uc.prev-0ff1ce") is None
