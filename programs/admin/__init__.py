"""The programme admin, one module per section of the admin. Importing this package registers
every ModelAdmin with the site (Django's autodiscover imports ``programs.admin``); the names are
importable from here as they were from the single module."""

from programs.admin.base import (
    PHOTO_HELP,
    CleanPhotoAdminMixin,
    FiscalYearFilter,
    ProgrammeAdmin,
    listing_checked_by,
)
from programs.admin.decisions import StageDecisionAdmin
from programs.admin.followups import FollowUpAdmin
from programs.admin.groups import GroupMemberInline, OccupationGroupAdmin
from programs.admin.household_export import HouseholdExportMixin, export_filters
from programs.admin.household_import import HouseholdImportMixin, read_failure_message
from programs.admin.households import FollowUpInline, HouseholdAdmin, HouseholdForm
from programs.admin.logs import ExportLogAdmin
from programs.admin.occupations import OccupationAdmin
from programs.admin.parameters import ProgrammeYearAdmin, ProgrammeYearForm
from programs.admin.products import ProductAdmin, ProductForm
from programs.admin.progress import HouseholdProgressMixin
from programs.admin.reports import DistrictReportAdmin
from programs.admin.sages import SageAdmin, SageForm
from programs.admin.sessions import TrainingSessionAdmin, TrainingSessionForm
from programs.admin.teams import (
    TeamHouseholdForm,
    TeamHouseholdFormSet,
    TeamHouseholdInline,
    TeamMemberInline,
    TrainerTeamAdmin,
)

__all__ = [
    "PHOTO_HELP",
    "CleanPhotoAdminMixin",
    "DistrictReportAdmin",
    "ExportLogAdmin",
    "FiscalYearFilter",
    "FollowUpAdmin",
    "FollowUpInline",
    "GroupMemberInline",
    "HouseholdAdmin",
    "HouseholdExportMixin",
    "HouseholdForm",
    "HouseholdImportMixin",
    "HouseholdProgressMixin",
    "OccupationAdmin",
    "OccupationGroupAdmin",
    "ProductAdmin",
    "ProductForm",
    "ProgrammeAdmin",
    "ProgrammeYearAdmin",
    "ProgrammeYearForm",
    "SageAdmin",
    "SageForm",
    "StageDecisionAdmin",
    "TeamHouseholdForm",
    "TeamHouseholdFormSet",
    "TeamHouseholdInline",
    "TeamMemberInline",
    "TrainerTeamAdmin",
    "TrainingSessionAdmin",
    "TrainingSessionForm",
    "export_filters",
    "listing_checked_by",
    "read_failure_message",
]
