"""Small counts stay hidden: every count from 1 to 5 is suppressed, and no suppressed cell can
be worked out from the published ones through the relations a reader knows (checked here
with a null-space computation of the test's own, not the module's)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.opendata.datasets import dataset
from motcua.opendata.figure_tables import monthly_relations, monthly_sensitive
from motcua.opendata.suppression import Relation, is_sensitive, suppress


def null_space(matrix: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of {x : matrix · x = 0} (reduced row echelon form, one vector per free column)."""
    rows = [list(r) for r in matrix]
    pivots: list[int] = []
    line = 0
    for column in range(width):
        found = next((i for i in range(line, len(rows)) if rows[i][column] != 0), None)
        if found is None:
            continue
        rows[line], rows[found] = rows[found], rows[line]
        head = rows[line][column]
        rows[line] = [value / head for value in rows[line]]
        for i in range(len(rows)):
            if i != line and rows[i][column] != 0:
                factor = rows[i][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[line], strict=True)]
        pivots.append(column)
        line += 1
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for i, pivot in enumerate(pivots):
            vector[pivot] = -rows[i][free]
        basis.append(vector)
    return basis


def exposed(row: dict, hidden: set[str], relations: tuple[Relation, ...]) -> set[str]:
    """Hidden cells every solution agrees on: those no null-space vector moves."""
    unknowns = sorted(hidden)
    matrix = [
        [Fraction(dict(r.terms).get(name, 0)) for name in unknowns]
        for r in relations
        if all(name in row for name in r.cells) and set(r.cells) & hidden
    ]
    basis = null_space(matrix, len(unknowns))
    return {name for i, name in enumerate(unknowns) if all(v[i] == 0 for v in basis)}


def consistent_row(draw_counts: dict[str, int]) -> dict[str, int]:
    """A monthly row whose totals hold, as the real ones do."""
    row = dict(draw_counts)
    row["tiep_nhan"] = row["tiep_nhan_truc_tuyen"] + row["tiep_nhan_truc_tiep"]
    row["da_giai_quyet"] = sum(
        row[n] for n in ("giai_quyet_truoc_han", "giai_quyet_dung_han", "giai_quyet_tre_han")
    )
    return row


counts = st.integers(min_value=0, max_value=30) | st.integers(min_value=0, max_value=6)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_no_suppressed_monthly_cell_can_be_recomputed(data):
    sensitive = monthly_sensitive()
    relations = monthly_relations()
    row = consistent_row({name: data.draw(counts, label=name) for name in sorted(sensitive)})
    hidden = suppress(row, sensitive, relations)
    assert {n for n in sensitive if is_sensitive(row[n])} <= hidden
    assert exposed(row, hidden, relations) == set()
    for relation in relations:
        assert len(set(relation.cells) & hidden) != 1


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=12), min_size=2, max_size=8),
    st.lists(st.lists(st.integers(0, 7), min_size=1, max_size=4, unique=True), max_size=4),
)
def test_any_set_of_totals_over_shared_parts_is_protected(values, groups):
    """Totals (published, counted too) over parts that several totals share."""
    row = {f"c{i}": value for i, value in enumerate(values)}
    relations = []
    for number, group in enumerate(groups):
        parts = [f"c{i}" for i in group if i < len(values)]
        if parts:
            row[f"t{number}"] = sum(row[p] for p in parts)
            relations.append(Relation.total(f"t{number}", *parts))
    relations = tuple(relations)
    hidden = suppress(row, row.keys(), relations)
    assert {name for name, value in row.items() if 1 <= value <= 5} <= hidden
    assert exposed(row, hidden, relations) == set()


def test_the_smallest_neighbour_is_chosen():
    row = {"total": 30, "online": 3, "direct": 27}
    relation = Relation.total("total", "online", "direct")
    assert suppress(row, row, (relation,)) == {"online", "direct"}
    row = {"total": 9, "a": 2, "b": 0, "c": 7}
    assert suppress(row, row, (Relation.total("total", "a", "b", "c"),)) == {"a", "b"}


def test_a_row_without_small_counts_hides_nothing():
    row = {"total": 30, "online": 0, "direct": 30}
    assert suppress(row, row, (Relation.total("total", "online", "direct"),)) == set()


def test_equal_columns_are_hidden_together():
    row = {"a_mau": 4, "b_mau": 4, "tiep_nhan": 4}
    relations = (Relation.same("a_mau", "b_mau"), Relation.same("b_mau", "tiep_nhan"))
    assert suppress(row, {"a_mau"}, relations) == {"a_mau", "b_mau", "tiep_nhan"}


def test_the_published_months_give_back_no_suppressed_cell(figures, december):
    table = dataset("so-lieu-hang-thang").build()
    relations, sensitive = monthly_relations(), monthly_sensitive()
    assert any(table.hidden)
    for row, hidden in zip(table.rows, table.hidden, strict=True):
        assert not [n for n in sensitive if is_sensitive(row[n]) and n not in hidden]
        assert exposed(row, hidden - {"chi_so_2_2_tu"}, relations) == set()


def test_rows_hiding_the_same_cells_share_one_elimination():
    """Which hidden cells the relations determine does not depend on the values: a second row
    hiding the same cells reuses the first row's answer instead of eliminating again."""
    from motcua.opendata.suppression import _determined

    relations = monthly_relations()
    first = consistent_row({name: 20 for name in monthly_sensitive()} | {"tu_choi": 3})
    second = first | {"tu_choi": 4, "rut_ho_so": 25}
    _determined.cache_clear()
    assert suppress(first, monthly_sensitive(), relations) == suppress(
        second, monthly_sensitive(), relations
    )
    assert _determined.cache_info().hits >= 1
