"""Vendors and their parties: create, read, change (optimistic locking), archive; child records.

A vendor's profile spans two rows (``party`` and ``vendor``); a save checks the versions of both
the user's form was loaded with, so nothing another user saved meanwhile is overwritten silently
(``db.errors.ConflictError``). Identifiers are validated with python-stdnum.

The package, by concern: ``form`` (the profile form, its labels and checks), ``profile`` (read, create,
change, archive; the vendor's audit events), ``children`` (contracts, certifications, guarantees, data
locations, subprocessors) and ``evidence`` (the vendor's files). Importers use this package; the names below
are its public API.
"""

from desktop.services.vendors.children import (
    CHILD_KINDS,
    FieldSpec,
    list_children,
    party_names,
    remove_child,
    save_child,
)
from desktop.services.vendors.evidence import (
    attach_evidence,
    remove_evidence,
    replace_evidence,
    vendor_evidence,
)
from desktop.services.vendors.form import (
    FORM_LABELS,
    VendorDetail,
    VendorForm,
    validate_country,
    validate_form,
    validate_lei,
    validate_vat,
)
from desktop.services.vendors.profile import (
    HistoryEntry,
    create_vendor,
    create_vendor_in,
    get_vendor,
    make_vendor_of,
    set_archived,
    update_vendor,
    vendor_history,
)

__all__ = [
    "CHILD_KINDS", "FORM_LABELS", "FieldSpec", "HistoryEntry", "VendorDetail", "VendorForm",
    "attach_evidence", "create_vendor", "create_vendor_in", "get_vendor", "list_children", "make_vendor_of",
    "party_names", "remove_child", "remove_evidence", "replace_evidence", "save_child", "set_archived",
    "update_vendor", "validate_country", "validate_form", "validate_lei", "validate_vat", "vendor_evidence",
    "vendor_history",
]
