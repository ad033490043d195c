# Hooks for the API contract run (scripts/api-contract): the rules of the server that JSON Schema
# cannot state, each also written in the description of the field it concerns. Days are counted
# from today in the jurisdiction's calendar (a day after today is refused, a review must fall
# within the coming year, ...), and a few rules relate one part of the request to another that a
# body's schema cannot see (the step named in the path, the statistics' view named in the query).
# The generated values are moved into what the rule allows; nothing else is changed, so a request
# the schema calls invalid stays invalid.
import datetime
import os
import re
import zoneinfo

import schemathesis

ZONE = zoneinfo.ZoneInfo("Europe/Bucharest")
DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
PLACE = re.compile(r"^[0-9]{1,15}\.[A-Za-z0-9-]{1,64}$")
REGION = re.compile(r"^RO[1-4][1-2]$")

# (path pattern, field) -> (first, last) allowed, as days from today; None for an absolute bound.
# The fields are found anywhere in the body (a plan's measures and services are lists of objects).
WINDOWS = [
    (r"^/api/v1/cases$", "birth_date", (-36500, 0)),
    (r"/proceedings(/\{proceeding_id\})?$", "opened_on", (-3650, -30)),
    (r"/proceedings(/\{proceeding_id\})?$", "outcome_on", (-29, 0)),
    (r"/hearings$", "held_on", (0, 700)),
    (r"/disclosures$", "order_on", (-3650, 0)),
    (r"/disclosures$", "until_on", (0, 366)),
    (r"/consents$", "expires", (0, 3650)),
    (r"/plan$", "review_on", (1, 366)),
    (r"/plan$", "due_on", (-366, 1830)),
    (r"/plan$", "planned_end_on", (-366, 1830)),
    (r"/plan$", "actual_end_on", (-366, 0)),
    (r"/services-delivered$", "delivered_on", (-366, 0)),
    (r"/acknowledgements$", "on", (-366, 0)),
    (r"/repatriations/", "date", (-3650, 0)),
    (r"/erasure-requests$", "received_on", (-3650, 0)),
    (r"^/api/v1/training/sessions$", "held_on", (-3650, 0)),
]

# The detail fields each step of a return takes (crates/app/src/repatriation.rs).
STEP_DETAILS = {
    "fit_to_travel": {"escort"},
    "travel": {"itinerary", "met_by"},
    "reception": {"first_day_needs", "stays_at"},
    "reintegration_plan": {"housing", "work", "health", "education", "family"},
    "follow_up": {"contact_made", "situation"},
}


def today():
    return datetime.datetime.now(ZONE).date()


def into_window(text, first, last):
    """The day itself when inside [today + first, today + last], else a day of the window
    chosen from it, so that the same input moves to the same day."""
    try:
        # Year 0 is a day of RFC 3339 (and of the server's calendar) but not of Python's: read
        # as year 2000, it is moved as any day outside the window is.
        day = datetime.date.fromisoformat("2000" + text[4:] if text.startswith("0000") else text)
        if text.startswith("0000"):
            day = datetime.date.min
    except ValueError:
        return text
    low = today() + datetime.timedelta(days=first)
    high = today() + datetime.timedelta(days=last)
    if low <= day <= high:
        return text
    span = (high - low).days + 1
    return (low + datetime.timedelta(days=day.toordinal() % span)).isoformat()


def move_days(value, fields):
    if isinstance(value, dict):
        for key, item in value.items():
            if key in fields and isinstance(item, str) and DAY.match(item):
                value[key] = into_window(item, *fields[key])
            else:
                move_days(item, fields)
    elif isinstance(value, list):
        for item in value:
            move_days(item, fields)


@schemathesis.hook
def map_case(ctx, case):
    path = case.operation.path
    fields = {field: window for pattern, field, window in WINDOWS if re.search(pattern, path)}
    if fields and case.body is not None:
        move_days(case.body, fields)
    step = (case.path_parameters or {}).get("step")
    if path.endswith("/steps/{step}") and isinstance(case.body, dict):
        details = case.body.get("details")
        if isinstance(details, dict):
            # Only a well-formed detail of another step goes; a key no step knows, or a value
            # of the wrong kind, stays for the server to refuse.
            allowed = STEP_DETAILS.get(step, set())
            others = set().union(*STEP_DETAILS.values()) - allowed
            for key in [k for k, v in details.items() if k in others and isinstance(v, str)]:
                del details[key]
    if os.environ.get("MNIR_CONTRACT_HOOK_LOG"):
        with open(os.environ["MNIR_CONTRACT_HOOK_LOG"], "a") as log:
            log.write(f"{case.method} {path} {case.query!r}\n")
    # A page of cases is counted from one place: older or newer, not both. Only well-formed
    # places are touched, so that a request invalid for its place stays invalid.
    if path == "/api/v1/cases" and isinstance(case.query, dict):
        places = [case.query.get(k) for k in ("older", "newer")]
        if all(isinstance(p, str) and PLACE.match(p) for p in places):
            del case.query["newer"]
    # The published statistics are of complete years and of the whole country only; a region
    # and the current year are for the exact counts (`published=false`).
    if path.startswith("/api/v1/statistics/") and isinstance(case.query, dict):
        if case.query.get("published") not in (False, "false"):
            region = case.query.get("region")
            if isinstance(region, str) and REGION.match(region):
                del case.query["region"]
            year = case.query.get("year")
            # A year the schema allows (2000 to 2100) that is not complete yet; a year outside
            # the schema's bounds is left for the server to refuse.
            if str(year).isdigit() and today().year <= int(year) <= 2100:
                case.query["year"] = type(year)(today().year - 1)
    return case
