from __future__ import annotations

import itertools

from services.core.graph import path


def test_path_follows_edges_in_their_direction() -> None:
    edges = [(1, 2), (2, 3), (3, 4)]
    assert path(edges, start=1, goal=4) == [1, 2, 3, 4]
    assert path(edges, start=4, goal=1) is None
    assert path(edges, start=2, goal=2) == [2]
    assert path([], start=1, goal=2) is None


def test_path_is_a_real_chain_in_a_diamond_with_a_side_branch() -> None:
    edges = [(1, 2), (1, 3), (2, 4), (3, 4), (4, 5), (3, 6)]
    found = path(edges, start=1, goal=5)
    assert found is not None
    assert found[0] == 1 and found[-1] == 5
    assert all(pair in edges for pair in itertools.pairwise(found))
    assert 6 not in found


def test_path_terminates_on_a_graph_that_already_has_a_cycle() -> None:
    edges = [(1, 2), (2, 1), (2, 3)]
    assert path(edges, start=1, goal=3) == [1, 2, 3]
    assert path(edges, start=1, goal=9) is None
