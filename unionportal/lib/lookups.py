"""Lookups on integer columns, registered by unionportal.apps.

- `__in` with a number no column can hold matches nothing, as Django's own `exact`, `gt`, `lt` …
  lookups already do (IntegerFieldOverflow), instead of failing in the database driver: a form
  posting a 20-digit id (a ModelMultipleChoiceField's `pk__in`) then says the choice is not valid,
  where SQLite raised OverflowError (a 500).
- `__any_of` is `__in` for a long list of values (ids, ID numbers): on PostgreSQL one array
  parameter, `= ANY(%s)`, where `__in` writes a placeholder per value through the ORM's machinery,
  some 7 µs a value (20 ms for the 3,000 CĐCS of a large union, 200 ms for a province's 25,000),
  and SQLite's limit on parameters made callers split long lists into many queries. Numbers are
  planned as `__in` is; text (ID numbers) is joined to the column's index as a set, `IN (SELECT
  unnest(%s))`: PostgreSQL estimates `= ANY` of text value by value, 240 ms of planning for the
  20,000 ID numbers of a list, then chose to read the whole register. Elsewhere it is `__in`, so
  that callers still split lists for SQLite."""

from django.core.exceptions import EmptyResultSet
from django.db.models import CharField, ForeignKey, IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


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
    for field in (IntegerField, ForeignKey, CharField):
        field.register_lookup(AnyOf)
