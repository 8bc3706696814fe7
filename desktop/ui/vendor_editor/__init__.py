"""The vendor editor, one module per concern:

* ``editor``: the ``VendorEditor`` window (tabs, Save / Revert, closing with unsaved changes) and its
  one form-load path;
* ``profile_form``: the Profile tab, validated as the user types;
* ``conflict``: the dialog and the merge when another user saved the vendor meanwhile;
* ``records``: contracts and the guarantee lists, with the dialog for one record;
* ``evidence``: the Evidence tab and ``attach_file``;
* ``common``: the red reason label and how stored values read.

Import from the package: the names below are its public interface.
"""

from desktop.services.vendors import CHILD_KINDS
from desktop.ui.vendor_editor.common import ERROR_STYLE
from desktop.ui.vendor_editor.conflict import (
    CANCEL,
    DISCARD_MINE,
    KEEP_THEIRS_REAPPLY,
    ConflictDialog,
    default_resolve_conflict,
)
from desktop.ui.vendor_editor.editor import TabFactory, VendorEditor, default_confirm_discard
from desktop.ui.vendor_editor.evidence import EvidenceTab, attach_file
from desktop.ui.vendor_editor.profile_form import ProfileTab
from desktop.ui.vendor_editor.records import ChildDialog, ChildListTab, GuaranteesTab

__all__ = [
    "CANCEL", "CHILD_KINDS", "DISCARD_MINE", "ERROR_STYLE", "KEEP_THEIRS_REAPPLY", "ChildDialog", "ChildListTab",
    "ConflictDialog", "EvidenceTab", "GuaranteesTab", "ProfileTab", "TabFactory", "VendorEditor", "attach_file",
    "default_confirm_discard", "default_resolve_conflict",
]
