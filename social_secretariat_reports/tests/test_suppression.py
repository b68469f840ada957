"""The disclosure control (tools/suppression.py) on its own: plain pytest, no database, no
Odoo environment. The export that uses it is in test_report_export."""

import pytest

from ..tools import suppression

# row 0 has one small cell (3): its row total (25) minus the published 10 and 12 gives it back
TABLE = [
    [3, 10, 12],
    [8, 9, 20],
    [15, 7, 30],
]


def recoverable(table, hidden):
    """The hidden cells a reader works out from one published total: those alone in their
    row or column."""
    found = {}
    for i, row in enumerate(table):
        alone = [(i, j) for j in range(len(row)) if (i, j) in hidden]
        if len(alone) == 1 and len(row) > 1:
            published = sum(v for j, v in enumerate(row) if (i, j) not in hidden)
            found[alone[0]] = sum(row) - published
    for j in range(len(table[0])):
        alone = [(i, j) for i in range(len(table)) if (i, j) in hidden]
        if len(alone) == 1 and len(table) > 1:
            published = sum(row[j] for i, row in enumerate(table) if (i, j) not in hidden)
            found[alone[0]] = sum(row[j] for row in table) - published
    return found


def test_primary_suppression_alone_gives_the_cell_back():
    result = suppression.suppress(TABLE)
    assert result.primary == {(0, 0)}
    # without the complementary cells, the row total tells the small cell
    assert recoverable(TABLE, result.primary) == {(0, 0): 3}


def test_secondary_suppression_protects_it():
    result = suppression.suppress(TABLE)
    assert recoverable(TABLE, result.hidden) == {}
    # the smallest other cell of row 0 (10) and of column 0 (8) hide it, and so on
    assert {(0, 1), (1, 0)} <= result.hidden
    for i, row in enumerate(TABLE):
        for j, value in enumerate(row):
            hidden = (i, j) in result.hidden
            assert result.cell(i, j) == ("<5" if hidden else value)
    # every line with a hidden cell has two
    for i in range(3):
        assert sum((i, j) in result.hidden for j in range(3)) in (0, 2, 3)
        assert sum((j, i) in result.hidden for j in range(3)) in (0, 2, 3)


def test_totals_stay_published():
    result = suppression.suppress(TABLE)
    assert [result.row_total(i) for i in range(3)] == [25, 37, 52]
    assert [result.column_total(j) for j in range(3)] == [26, 26, 62]
    assert result.grand_total() == 114


def test_idempotent():
    result = suppression.suppress(TABLE)
    assert suppression.complete(TABLE, result.hidden) == result.hidden
    assert suppression.suppress(TABLE) == result
    # a table with nothing small hides nothing
    assert suppression.suppress([[5, 6], [7, 8]]).hidden == frozenset()


def test_zeros_are_not_sensitive():
    table = [[0, 6, 7], [2, 0, 9], [6, 8, 10]]
    result = suppression.suppress(table)
    assert result.primary == {(1, 0)}
    # the zeros are published; a positive cell completes the row and the column
    assert (0, 0) not in result.hidden and result.cell(0, 0) == 0
    assert (1, 1) not in result.hidden
    assert recoverable(table, result.hidden) == {}


def test_zero_is_a_complement_only_when_nothing_else_is_left():
    result = suppression.suppress([[3, 0], [9, 8]])
    assert recoverable([[3, 0], [9, 8]], result.hidden) == {}
    assert (0, 1) in result.hidden  # the only other cell of row 0


def test_line_of_one_cell_hides_its_total():
    result = suppression.suppress([[2], [9], [7]])
    # the column needs two hidden cells; each row total is its cell
    assert result.hidden == {(0, 0), (2, 0)}
    assert [result.row_total(i) for i in range(3)] == ["<5", 9, "<5"]
    assert result.column_total(0) == 18
    single = suppression.suppress([[2]])
    assert (single.cell(0, 0), single.row_total(0), single.grand_total()) == ("<5",) * 3


def test_threshold_is_the_mark():
    result = suppression.suppress(TABLE, threshold=9)
    assert result.mark == "<9"
    assert result.primary == {(0, 0), (1, 0), (2, 1)}
    assert recoverable(TABLE, result.hidden) == {}


@pytest.mark.parametrize("threshold", [2, 0, -1, 2.5, "5"])
def test_threshold_below_three_is_refused(threshold):
    with pytest.raises(ValueError, match="at least 3"):
        suppression.suppress(TABLE, threshold=threshold)


def test_threshold_three_is_allowed():
    assert suppression.suppress(TABLE, threshold=3).primary == frozenset()


def test_bad_tables_are_refused():
    with pytest.raises(ValueError):
        suppression.suppress([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppression.suppress([[1, -2]])
    empty = suppression.suppress([])
    assert (empty.grand_total(), empty.column_total(2)) == (0, 0)
