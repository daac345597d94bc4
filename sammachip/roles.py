"""What each role may do in the admin, with no further grants.

A staff user's role gives them the permissions listed here (see ``sammachip.backends.RoleBackend``);
which *rows* they reach is decided separately by ``sammachip.scoping``. Later apps add their models'
permissions here, so one table says what an officer and a provincial clerk can do.
"""

GEOGRAPHY_VIEW = {
    "villages.view_province",
    "villages.view_district",
    "villages.view_subdistrict",
}

DISTRICT_DATA = {
    "villages.view_village",
    "villages.add_village",
    "villages.change_village",
    "villages.delete_village",
}

ACCOUNTS = {
    "sammachip.view_user",
    "sammachip.add_user",
    "sammachip.change_user",
}

ROLE_PERMISSIONS = {
    "district": frozenset(GEOGRAPHY_VIEW | DISTRICT_DATA),
    "province": frozenset(GEOGRAPHY_VIEW | DISTRICT_DATA | ACCOUNTS),
}
