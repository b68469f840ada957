"""Statistical disclosure control of a two-way table of counts: plain Python, no Odoo.

Primary suppression hides the cells below the threshold; secondary (complementary)
suppression hides more cells so that no hidden cell can be worked back from the published
row and column totals, with the standard simple rule: every row and every column that has
a hidden cell has at least two. The totals are always the exact ones.

Choices and limits (readme/INDICATORS.md says the same to the reader):

- **Zeros are not sensitive**: a zero says that nobody of a group turned up, not who did,
  so zeros are published. They are taken as complementary cells only when the other published
  cells of the line are zeros (a hidden zero protects less: the other hidden cell then holds the
  whole hidden sum of its line).
- **Every hidden cell gets the same mark** (``<5`` for a threshold of 5), primary or
  complementary: marking them differently would tell which of the two is the small one.
- **A line of a single cell** (a table of one row or one column) has its total equal to
  the cell: that total is hidden with the cell, there is no other cell to pair it with.
- **Known limit**: "at least two hidden cells in every line" is the common simple method.
  It stops the reading of a cell from one total, not every attack: on larger tables a
  reader solving the system of all the totals (linear programming) may narrow a hidden
  cell to a small interval, or to its value when the hidden cells form no closed pattern
  across rows and columns. Audited releases need a dedicated tool (e.g. tau-argus).
"""

from dataclasses import dataclass

# Italian official statistics (the SISTAN confidentiality rules) do not publish frequencies
# below 3: a lower threshold is refused rather than silently raised
MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5


@dataclass(frozen=True)
class SuppressedTable:
    """A table of counts with the cells and totals that may not be published."""

    counts: tuple  # tuple of rows, each a tuple of int
    threshold: int
    hidden: frozenset  # (row, column) of the hidden cells
    primary: frozenset  # those hidden for being below the threshold

    @property
    def mark(self):
        return f"<{self.threshold}"

    @property
    def row_totals(self):
        return [sum(row) for row in self.counts]

    @property
    def column_totals(self):
        return [sum(column) for column in zip(*self.counts)] if self.counts else []

    @property
    def total(self):
        return sum(self.row_totals)

    def cell(self, row, column):
        """The cell as published: its count, or the mark."""
        return self.mark if (row, column) in self.hidden else self.counts[row][column]

    def row_total(self, row):
        # a row of one cell: its total is that cell
        if len(self.counts[row]) == 1 and (row, 0) in self.hidden:
            return self.mark
        return self.row_totals[row]

    def column_total(self, column):
        if not self.counts:
            return 0  # no rows: the columns the caller names are all empty
        if len(self.counts) == 1 and (0, column) in self.hidden:
            return self.mark
        return self.column_totals[column]

    def grand_total(self):
        if len(self.counts) == 1 and len(self.counts[0]) == 1 and self.hidden:
            return self.mark
        return self.total


def check_threshold(threshold):
    if not isinstance(threshold, int) or threshold < MIN_THRESHOLD:
        raise ValueError(
            f"The suppression threshold must be a whole number of at least {MIN_THRESHOLD} "
            f"(Italian statistical rules forbid publishing smaller counts): got {threshold!r}."
        )


def suppress(counts, threshold=DEFAULT_THRESHOLD):
    """Suppress the cells of ``counts`` (a list of rows of non-negative ints, all of the same
    length) that may not be published, with the row and column totals published."""
    check_threshold(threshold)
    table = tuple(tuple(int(value) for value in row) for row in counts)
    width = len(table[0]) if table else 0
    if any(len(row) != width for row in table):
        raise ValueError("Every row of the table must have the same number of cells.")
    if any(value < 0 for row in table for value in row):
        raise ValueError("A table of counts has no negative cells.")
    primary = frozenset(
        (i, j)
        for i, row in enumerate(table)
        for j, value in enumerate(row)
        if 0 < value < threshold
    )
    return SuppressedTable(table, threshold, complete(table, primary), primary)


def complete(table, hidden):
    """Add complementary cells to ``hidden`` until every line (row or column) of two cells or
    more that has a hidden cell has at least two; returns the new set. Stable: a set this
    returns is returned unchanged."""
    hidden = set(hidden)
    height = len(table)
    width = len(table[0]) if table else 0
    lines = [[(i, j) for j in range(width)] for i in range(height)]
    lines += [[(i, j) for i in range(height)] for j in range(width)]
    lines = [line for line in lines if len(line) > 1]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            # the smallest published cell of the line, zeros last (see the module's doc),
            # then the first in the line: the same table always gives the same pattern
            candidates = [cell for cell in line if cell not in hidden]
            hidden.add(min(candidates, key=lambda c: (table[c[0]][c[1]] == 0, table[c[0]][c[1]])))
            changed = True
    return frozenset(hidden)
