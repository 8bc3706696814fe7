"""Competitor exposure of every vendor, stored for the register (table ``vendor_exposure``).

The register filters and sorts 100,000 vendors in SQL, so the exposure the ownership analysis finds
(the highest competitor stake, economic and in votes, whether a competitor controls the vendor and
through whom, board seats, competitor-linked people) is stored, one row per vendor. It is derived
data: nothing here is a second analysis, every row is ``exposure_of(analyze_graph(...))``.

Kept current in the same transaction as the change
    A ``before_flush`` listener on every ORM session notes what a flush writes: interests (holder and
    subject, before and after), parties, identifiers, aliases, match decisions, vendors, and the
    watchlist (competitors, affiliates). A ``before_commit`` listener then finds every vendor whose
    exposure may change and recomputes those, in the same transaction, before it commits:

    * ``D1``: the changed parties and everything DOWNSTREAM of them (what they own, control or hold a
      role in, through chains: a change up a holding chain reaches every vendor below it);
    * the people holding a role or stake in ``D1`` (they may have just become competitor-linked) and
      everything downstream of the other entities they hold interests in (``D2``);
    * for a watchlist change, the changed parties are every party the watchlist matches, before and
      after the change (``watchlist_parties``);

    and the vendors whose party is in ``D1`` or ``D2`` (recursive queries over ``interest``, on SQLite
    and PostgreSQL alike, safe with cycles).

Each vendor is analysed over its own small web (``subgraph``): everything upstream of it, the other
entities its people hold roles in and everything upstream of those, and the watchlist. That is all
the analysis reads for the vendor's competitor groups; ``tests/db/test_exposure.py`` checks the result
equals the analysis of the whole database.

Existing databases: migration 0008 only creates the table; ``ensure_exposure`` (called by
``open_database`` after migrating, and by the services that read the column) computes every vendor
without a row. Vendors no watchlist party can reach get an empty row in one statement; only the rest
are analysed.

Dates: the stored exposure is the analysis as of the day it was computed (``as_of``). An interest
that starts or ends on a later day changes no row; ``ensure_exposure`` recomputes, once a day, the
vendors downstream of interests whose start or end date has passed since.

The package, by concern: ``levels`` (what an exposure is, ``exposure_of``, stored rows as exposures),
``words`` (the register cell and its tooltip), ``webs`` (the vendor's web read from the database), ``store``
(compute and store given vendors) and ``upkeep`` (which vendors a change reaches, the session hooks,
``ensure_exposure``). Importing the package installs the hooks. Importers use this package; the names below
are its public API.
"""

from desktop.services.exposure.levels import (
    CONTROL,
    FILTERS,
    LEVEL_LABELS,
    LEVELS,
    NO_EXPOSURE,
    NONE,
    PEOPLE,
    STAKE,
    Exposure,
    dumps,
    exposure_of,
    level_label,
    row_exposure,
)
from desktop.services.exposure.store import compute, recompute, store, stored
from desktop.services.exposure.upkeep import (
    affected_vendors,
    ensure_exposure,
    install,
    missing_vendors,
    watchlist_parties,
)
from desktop.services.exposure.webs import CHUNK, WebIndex, load_webs
from desktop.services.exposure.words import exposure_details, exposure_text, exposure_tooltip

__all__ = [
    "CHUNK", "CONTROL", "FILTERS", "LEVELS", "LEVEL_LABELS", "NONE", "NO_EXPOSURE", "PEOPLE", "STAKE", "Exposure",
    "WebIndex", "affected_vendors", "compute", "dumps", "ensure_exposure", "exposure_details", "exposure_of",
    "exposure_text", "exposure_tooltip", "install", "level_label", "load_webs", "missing_vendors", "recompute",
    "row_exposure", "store", "stored", "watchlist_parties",
]
