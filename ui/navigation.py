"""The page menu: (page file, title key, icon). A page appears only once its file exists."""

PAGES = (
    ("pages/overview.py", "nav.overview", ":material/dashboard:"),
    ("pages/lifecycle.py", "nav.lifecycle", ":material/timeline:"),
    ("pages/cohorts.py", "nav.cohorts", ":material/grid_on:"),
    ("pages/segments.py", "nav.segments", ":material/donut_small:"),
    ("pages/repurchase.py", "nav.repurchase", ":material/autorenew:"),
    ("pages/promotions.py", "nav.promotions", ":material/calculate:"),
    ("pages/campaigns.py", "nav.campaigns", ":material/campaign:"),
    ("pages/customer.py", "nav.customer", ":material/person_search:"),
    ("pages/import.py", "nav.import", ":material/upload_file:"),
    ("pages/settings.py", "nav.settings", ":material/tune:"),
    ("pages/privacy.py", "nav.privacy", ":material/shield_person:"),
)

#: Pages only an owner sees in the menu (each page also refuses other users itself).
OWNER_PAGES = frozenset({"pages/privacy.py"})
