"""`__in` on integer columns with a number no column can hold matches nothing, as Django's own
`exact`, `gt`, `lt` … lookups already do (IntegerFieldOverflow), instead of failing in the database
driver: a form posting a 20-digit id (a ModelMultipleChoiceField's `pk__in`) then says the choice
is not valid, where SQLite raised OverflowError (a 500). Registered by unionportal.apps."""

from django.db.models import IntegerField
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


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
