"""The audit trail in words: one sentence per event, in the reader's language.

"Ana García changed Contoso Ventures LLC's shareholding in Scalewise Data Inc. from 12% to 49% (effective
13 Jun 2025)." Used by the History view (desktop/ui/history.py) and by ``vetta audit log``.

How a sentence is made (``describe``):

* the record is named as it was right after the event: its events are replayed from the trail up to
  that one (an event carries only the fields it changed; the holder and subject of a changed share
  come from the record's earlier events);
* ids become names as they are now (party, vendor, competitor, file, template), or, for a row that is
  gone, the name the trail last recorded for it;
* every field has a label (``FIELD_LABELS``, translated through the gettext catalogue); values are
  formatted for the reader: percentages, dates in words, enumerations translated, yes/no, files by
  size, long JSON summarised ("4 findings"), long texts shortened.

``KINDS`` groups the events by kind of change for the filter of the view and ``vetta audit log --kind``
(``kind_clause`` is its SQL).

The package, by concern: ``kinds`` (the kinds of change and their SQL), ``fields`` (field labels, enumerated
values and formatters), ``names`` (names of records, now or as the trail last recorded them), ``phrases``
(record states, values, records as noun phrases) and ``sentences`` (``Describer``, ``tell``,
``describe_entries``). Importers use this package; the names below are its public API.
"""

from desktop.services.history.fields import (
    DATE_FIELDS,
    ENUM_VALUES,
    FIELD_LABELS,
    LONG_TEXT,
    PERCENT_FIELDS,
    QUIET_FIELDS,
    TABLE_FIELD_LABELS,
    TIME_FIELDS,
    field_label,
)
from desktop.services.history.kinds import KINDS, kind_clause, kind_label
from desktop.services.history.sentences import Describer, Told, describe_entries, tell

__all__ = [
    "DATE_FIELDS", "ENUM_VALUES", "FIELD_LABELS", "KINDS", "LONG_TEXT", "PERCENT_FIELDS", "QUIET_FIELDS",
    "TABLE_FIELD_LABELS", "TIME_FIELDS", "Describer", "Told", "describe_entries", "field_label", "kind_clause",
    "kind_label", "tell",
]
