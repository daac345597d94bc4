"""A paginator for tables of millions of rows (the admin's household changelist). The one place
outside the search backends and migrations that asks which database it talks to: the planner's
row estimate exists on PostgreSQL only."""

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class LargeTablePaginator(Paginator):
    """A changelist paginator for tables of millions of rows (the households of a country).

    * The count: an unfiltered list on PostgreSQL is not counted (``COUNT(*)`` reads the whole
      table or an index of it) but estimated as the planner does — rows per page at the last
      ANALYZE (``pg_class.reltuples / relpages``) × the table's pages now; ``count_is_estimate``
      is then true and the list says ประมาณ. A filtered or searched list, a table under
      ``estimate_from`` rows, a table never analysed, and other databases are counted exactly.
    * A page past the first ``deep_from`` rows: its keys are picked by a narrow subquery (the
      ordering columns and the key only, an index-only scan where an index covers them) and
      only its own rows are read, instead of ``OFFSET`` over whole rows. A page nearer the end
      than the start is picked walking back from the end (the reversed ordering), so the last
      page costs what the first does; with an estimated count such a page is its place counted
      from the end (the last page shows the real last rows; pages in the middle may overlap or
      skip as many rows as the estimate is off).
    * With ``count_cap`` (a searched list), matches are counted up to the cap; past it the list
      says "more than" the cap and pages reach that far (``count_is_capped``).
    """

    estimate_from = 100_000
    deep_from = 1_000
    count_is_estimate = False
    # Set by the admin for a searched list: count at most this many matches (a two-letter
    # prefix can match a sixth of 1.5 million rows: ~0.5 s to count them exactly, for a
    # number nobody pages through); more are reported as "more than" this.
    count_cap = None
    count_is_capped = False

    @cached_property
    def count(self):
        estimate = self.estimated_count()
        if estimate is not None and estimate >= self.estimate_from:
            self.count_is_estimate = True
            return estimate
        if self.count_cap and isinstance(self.object_list, QuerySet):
            found = self.object_list[: self.count_cap + 1].count()
            if found > self.count_cap:
                self.count_is_capped = True
                return self.count_cap
            return found
        return super().count

    def estimated_count(self):
        """The planner's estimate of an unfiltered queryset's rows, or ``None``."""
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return None
        query = queryset.query
        if (
            query.where
            or query.distinct
            or query.combinator
            or query.is_sliced
            or query.group_by is not None
        ):
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples, relpages, "
                "pg_relation_size(oid) / current_setting('block_size')::int "
                "FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        reltuples, relpages, pages = row
        if reltuples < 0 or relpages <= 0:  # never vacuumed or analysed
            return None
        return round(reltuples / relpages * pages)

    def page(self, number):
        queryset = self.object_list
        if (
            not isinstance(queryset, QuerySet)
            or not queryset.ordered
            or queryset.query.distinct
            or queryset.query.group_by is not None
        ):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom < self.deep_from:
            return self._get_page(queryset[bottom:top], number, self)
        keys = queryset.values("pk")
        if self.count - top < bottom and not self.count_is_capped:  # the true end is unknown
            keys = keys.reverse()[max(self.count - top, 0) : max(self.count - bottom, 0)]
        else:
            keys = keys[bottom:top]
        if not connections[queryset.db].features.allow_sliced_subqueries_with_in:
            keys = [row["pk"] for row in keys]
        return self._get_page(queryset.filter(pk__in=keys), number, self)
