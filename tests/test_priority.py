"""Tests of priorities: the enums, the default ITIL matrix, custom matrices and their checks."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow.errors import ValidationError
from callflow.priority import DEFAULT_MATRIX, Impact, Priority, PriorityMatrix, Urgency

P1, P2, P3, P4, P5 = Priority


class TestEnums:
    def test_impact_and_urgency_values(self) -> None:
        """Impact and urgency are high, medium, low by value."""
        expected = ["high", "medium", "low"]
        assert (expected, expected) == ([i.value for i in Impact], [u.value for u in Urgency])

    def test_priority_numbers_and_labels(self) -> None:
        """P1..P5 are numbered 1..5 and labelled critical ... planning."""
        assert [(1, "critical"), (2, "high"), (3, "medium"), (4, "low"), (5, "planning")] == [
            (p.value, p.label) for p in Priority
        ]


class TestDefaultMatrix:
    @pytest.mark.parametrize(
        ("impact", "urgency", "priority"),
        [
            (Impact.HIGH, Urgency.HIGH, P1),
            (Impact.HIGH, Urgency.MEDIUM, P2),
            (Impact.MEDIUM, Urgency.HIGH, P2),
            (Impact.HIGH, Urgency.LOW, P3),
            (Impact.MEDIUM, Urgency.MEDIUM, P3),
            (Impact.LOW, Urgency.HIGH, P3),
            (Impact.MEDIUM, Urgency.LOW, P4),
            (Impact.LOW, Urgency.MEDIUM, P4),
            (Impact.LOW, Urgency.LOW, P5),
        ],
    )
    def test_itil_cells(self, impact: Impact, urgency: Urgency, priority: Priority) -> None:
        """The default matrix is the usual ITIL 3×3 one."""
        assert priority == DEFAULT_MATRIX.priority(impact, urgency)

    def test_string_values_are_accepted(self) -> None:
        """Impact and urgency may be given by their string values."""
        assert P2 == DEFAULT_MATRIX.priority("high", "medium")
        assert P4 == DEFAULT_MATRIX.priority(Impact.LOW, "medium")

    @given(impact=st.sampled_from(Impact), urgency=st.sampled_from(Urgency))
    def test_priority_is_symmetric_and_grows_with_both(
        self, impact: Impact, urgency: Urgency
    ) -> None:
        """Swapping the levels keeps the priority; raising either never lowers it."""
        levels = list(Impact)
        level_i, level_u = levels.index(impact), list(Urgency).index(urgency)
        swapped = DEFAULT_MATRIX.priority(Impact(urgency.value), Urgency(impact.value))
        assert DEFAULT_MATRIX.priority(impact, urgency) == swapped
        if level_i:
            higher = DEFAULT_MATRIX.priority(levels[level_i - 1], urgency)
            assert higher.value <= DEFAULT_MATRIX.priority(impact, urgency).value
        assert 1 + level_i + level_u == DEFAULT_MATRIX.priority(impact, urgency).value

    @pytest.mark.parametrize(
        ("impact", "urgency", "field"),
        [
            ("urgent", "high", "impact"),
            (Impact.HIGH, "HIGH", "urgency"),
            (Urgency.HIGH, Urgency.HIGH, "impact"),
            (Impact.HIGH, 1, "urgency"),
            (None, Urgency.LOW, "impact"),
            (Impact.HIGH, True, "urgency"),
        ],
    )
    def test_bad_arguments_name_the_field(
        self, impact: object, urgency: object, field: str
    ) -> None:
        """Anything but a member or a member's value is a ValidationError naming the argument."""
        with pytest.raises(ValidationError) as caught:
            DEFAULT_MATRIX.priority(impact, urgency)  # type: ignore[arg-type]
        assert (field, True) == (
            caught.value.field,
            "'high', 'medium' or 'low'" in str(caught.value),
        )


def full(priority: object = 3) -> dict[tuple[object, object], object]:
    return {(i.value, u.value): priority for i in Impact for u in Urgency}


class TestCustomMatrix:
    def test_values_are_converted(self) -> None:
        """Cells keyed by values with numbered priorities become members."""
        cells = full()
        cells["high", "high"] = 1
        matrix = PriorityMatrix(cells)
        assert (P1, P3) == (matrix.priority("high", "high"), matrix.priority("low", "low"))
        assert (Impact.HIGH, Urgency.HIGH) in matrix.cells

    def test_equal_matrices_are_equal_and_hashable(self) -> None:
        """Matrices compare by their cells and can be hashed."""
        assert PriorityMatrix(full()) == PriorityMatrix(full())
        assert PriorityMatrix(full()) != DEFAULT_MATRIX
        assert hash(PriorityMatrix(full())) == hash(PriorityMatrix(full(4)))

    def test_cells_cannot_be_changed(self) -> None:
        """The cells mapping is read-only."""
        with pytest.raises(TypeError):
            DEFAULT_MATRIX.cells[Impact.LOW, Urgency.LOW] = P1  # type: ignore[index]

    def test_repr_is_readable(self) -> None:
        """The repr shows the cells by value."""
        assert repr(PriorityMatrix(full())).startswith(
            "PriorityMatrix(cells={('high', 'high'): 'P3', ('high', 'medium'): 'P3'"
        )

    def test_a_missing_cell_is_named(self) -> None:
        """A matrix without every pair is refused; the message names the missing pair."""
        cells = full()
        del cells["low", "high"]
        with pytest.raises(ValidationError) as caught:
            PriorityMatrix(cells)
        assert ("cells", ("low", "high")) == (caught.value.field, caught.value.value)
        assert "missing" in str(caught.value)

    @pytest.mark.parametrize(
        ("cells", "field"),
        [
            ([("high", "high", 1)], "cells"),
            ({"high": 1}, "cells"),
            ({("high", "high", "x"): 1}, "cells"),
            ({("huge", "high"): 1}, "impact"),
            ({("high", "soon"): 1}, "urgency"),
            ({**full(), ("high", "high"): 6}, "priority"),
            ({**full(), ("high", "high"): "P1"}, "priority"),
            ({**full(), (Impact.HIGH, Urgency.HIGH): 1}, "cells"),
        ],
    )
    def test_bad_cells_name_the_field(self, cells: object, field: str) -> None:
        """Wrong shapes, unknown levels, unknown priorities and duplicates are refused."""
        with pytest.raises(ValidationError) as caught:
            PriorityMatrix(cells)
        assert field == caught.value.field
