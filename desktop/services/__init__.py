"""Use cases: one function per user action, taking a session scope, returning plain data.

Importing any service installs the staleness hook (desktop/services/staleness.py): a material change
marks the decided assessments it touches stale, in the same transaction; and the exposure hook
(desktop/services/exposure/): the stored competitor exposure of every vendor a change may reach is
recomputed before the transaction commits.
"""

from desktop.services import exposure as _exposure  # noqa: F401  (installs the exposure upkeep hooks)
from desktop.services import staleness as _staleness  # noqa: F401  (installs the before_flush hook)
