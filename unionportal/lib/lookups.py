"""Two changes to `__in` on integer columns and foreign keys to them, registered by unionportal.apps:

- a number no column can hold matches nothing, as Django's own `exact`, `gt`, `lt` … lookups
  already do (IntegerFieldOverflow), instead of failing in the database driver: a form posting a
  20-digit id (a ModelMultipleChoiceField's `pk__in`) then says the choice is not valid, where
  SQLite raised OverflowError (a 500);
- on PostgreSQL, a long list of whole numbers (the ids of a 20,000-row month sheet) goes as one
  array, `= ANY('{…}'::bigint[])`: Django prepares each value of `IN (%s, %s, …)` in Python and
  PostgreSQL plans each as a constant of its own, 0.3 s for 20,000 ids where the array takes 12 ms.
  PostgreSQL reads `IN (…)` as `= ANY(ARRAY[…])` anyway, so the plan and the rows are the same.

And one lookup of its own, `__any_of`: `__in` for a long list of values of any column (ids, ID
numbers) that callers need not split. On PostgreSQL it is one array parameter; text (ID numbers) is
joined to the column's index as a set, `IN (SELECT unnest(%s))`: PostgreSQL estimates `= ANY` of text
value by value, 240 ms of planning for the 20,000 ID numbers of a list, then chose to read the whole
register. Elsewhere it is `__in`, so that callers still split lists for SQLite's limit on parameters."""

from django.core.exceptions import EmptyResultSet
from django.db.models import CharField, ForeignKey, ForeignObject, IntegerField
from django.db.models.expressions import ColPairs
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In

ARRAY_FROM = 100  # values: a shorter list is written IN (…), as Django writes it
_BIGINT = (-(2**63), 2**63 - 1)


class _WholeNumbersAsArray:
    """A long list of whole numbers as one PostgreSQL array; anything else as Django does it."""

    def _whole_numbers(self) -> bool:
        values = self.rhs
        return (
            isinstance(values, list | tuple | set | frozenset)
            and len(values) >= ARRAY_FROM
            and not isinstance(self.lhs, ColPairs)
            and all(type(value) is int for value in values)
        )

    def get_prep_lookup(self):
        if self._whole_numbers():
            return self.rhs  # whole numbers already: nothing to prepare, one by one
        return super().get_prep_lookup()

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql" or not self._whole_numbers():
            return super().as_sql(compiler, connection)
        low, high = _BIGINT
        values = sorted({value for value in self.rhs if low <= value <= high})
        if not values:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*params, "{" + ",".join(map(str, values)) + "}"]


class _WithinRange:
    """Numbers the column cannot hold dropped from a list, before Django writes it IN (…)."""

    def _column_field(self):
        return self.lhs.output_field

    def process_rhs(self, compiler, connection):
        field = self._column_field()
        if self.rhs_is_direct_value() and isinstance(field, IntegerField):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


class IntegerFieldIn(_WholeNumbersAsArray, _WithinRange, In):
    pass


class ForeignKeyIn(_WholeNumbersAsArray, _WithinRange, RelatedIn):
    def _column_field(self):
        return getattr(self.lhs.output_field, "target_field", None)


class AnyOf(In):
    lookup_name = "any_of"

    def get_prep_lookup(self):
        if self.rhs_is_direct_value():
            prepare = self.lhs.output_field.get_prep_value
            return [prepare(value) for value in self.rhs if value is not None]
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if isinstance(self.lhs.output_field, CharField):
            return f"{lhs} IN (SELECT unnest(%s::text[]))", (*lhs_params, list(self.rhs))
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
    ForeignObject.register_lookup(ForeignKeyIn)
    for field in (IntegerField, ForeignKey, CharField):
        field.register_lookup(AnyOf)
