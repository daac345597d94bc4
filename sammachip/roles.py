"""What each role may do in the admin, with no further grants.

A staff user's role gives them the permissions listed here (see ``sammachip.backends.RoleBackend``);
which *rows* they reach is decided separately by ``sammachip.scoping``. Each app's models are
listed here, so one table says what an officer and a provincial clerk can do.
"""


def crud(app, *models):
    return {
        f"{app}.{action}_{model}"
        for model in models
        for action in ("view", "add", "change", "delete")
    }


GEOGRAPHY_VIEW = {
    "villages.view_province",
    "villages.view_district",
    "villages.view_subdistrict",
}

DISTRICT_DATA = (
    crud("villages", "village")
    | crud(
        "programs",
        "sage",
        "trainerteam",
        "teammember",
        "household",
        "trainingsession",
        "followup",
        "stagedecision",
        "occupationgroup",
        "product",
    )
    | {"programs.view_occupation", "sammachip.view_auditentry", "programs.export_household"}
    # Occupation types (ประเภทอาชีพ, the KPI breakdown): officers read, provincial staff keep.
    | {"programs.view_occupationtype"}
    # The programme parameters of each year: officers read them, provincial staff set them.
    | {"programs.view_programmeyear"}
    # District reports: read by both; moved only through programs.reporting (its own roles).
    | {"programs.view_districtreport", "programs.view_districtreportevent"}
    # Articles: officers write and submit drafts of their districts (scoping decides which rows);
    # publishing, sending back, unpublishing and archiving are provincial (PROVINCE_ONLY).
    | {
        "articles.view_article",
        "articles.add_article",
        "articles.change_article",
        "articles.view_articleimage",
        "articles.add_articleimage",
        "articles.change_articleimage",
        "articles.delete_articleimage",
        "articles.view_articlerevision",
        "articles.view_category",
    }
)

PROVINCE_ONLY = {
    "sammachip.view_user",
    "sammachip.add_user",
    "sammachip.change_user",
    "programs.add_occupation",
    "programs.change_occupation",
    "programs.delete_occupation",
    "programs.add_occupationtype",
    "programs.change_occupationtype",
    "programs.delete_occupationtype",
    "programs.add_programmeyear",
    "programs.change_programmeyear",
    "programs.delete_programmeyear",
    # PDPA: seeing a full citizen ID is provincial staff's, and each look is audited.
    "programs.view_full_citizen_id",
    "programs.view_full_citizen_id_sage",
    "programs.export_full_citizen_id",
    "programs.view_exportlog",
    "articles.publish_article",
    "articles.delete_article",
    "articles.add_category",
    "articles.change_category",
    "articles.delete_category",
}

ROLE_PERMISSIONS = {
    "district": frozenset(GEOGRAPHY_VIEW | DISTRICT_DATA),
    "province": frozenset(GEOGRAPHY_VIEW | DISTRICT_DATA | PROVINCE_ONLY),
}
