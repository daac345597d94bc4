"""The field app's pages (``docs/field.md``): the worklist, the visit form (works without
JavaScript: a normal POST), the sync endpoint, and the PWA's manifest and service worker
(static files served from ``/field/`` so the worker's scope is ``/field/``)."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from programs import locking, schedule
from programs.field.forms import VisitForm
from programs.field.services import MAX_ITEMS, photo_attach, visits_sync
from programs.models import FollowUp, Household
from sammachip import images, names, thaidate
from sammachip.scoping import scope_for_user

# The states of the worklist, in the order shown (overdue first).
ORDER = {schedule.State.OVERDUE: 0, schedule.State.DUE: 1, None: 2}
WORKLIST_LIMIT = 300


def may_use_field(user):
    """District officers (with districts) and provincial staff."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.sees_all_districts or (
        user.role == user.Role.DISTRICT and bool(user.district_codes)
    )


def field_officer_required(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        if not may_use_field(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _households(user):
    return scope_for_user(Household.objects.all(), user)


def lock_notice(report):
    """The short Thai notice of a household whose district-year is locked for a visit today
    (``programs.locking.lock_of(..., on=today)``), or ``""``: the worklist and the visit page
    say it instead of offering the form (the full reason is ``locking.message``)."""
    if report is None:
        return ""
    return _("%(lock)s — บันทึกการติดตามไม่ได้") % {"lock": locking.short_message(report)}


def search_terms(query):
    """The words of a worklist search as a name is shown: split on spaces ("สมศรี ใจสาธิต"), a
    title dropped ("นางสาวสมศรี", "นาง สมศรี": ``sammachip.names``, as the admin's searches),
    Thai digits read as Arabic ("๒๓๗"). Each must match the first name, last name, house number
    or village name."""
    return names.search_words(thaidate.arabic_digits(query))


def worklist_rows(user, *, query="", today=None):
    """The officer's households: this fiscal year's, and earlier years' with a visit due or
    overdue (``programs.schedule``), overdue first, then due, then the rest by village and
    house number. Each row: the household (name, house number, masked ID, village) and its
    current visit (or ``None``)."""
    today = today or timezone.localdate()
    scoped = _households(user)
    current_year = thaidate.fiscal_year(today)
    visits = schedule.visits_for(schedule.followed_households(scoped, today=today), today=today)
    pending = [pk for pk, v in visits.items() if v.current is not None]
    households = scoped.filter(Q(fiscal_year=current_year) | Q(pk__in=pending)).exclude(
        status=Household.Status.DROPPED
    )
    for term in search_terms(query):
        households = households.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(house_no__icontains=term)
            | Q(village__name_th__icontains=term)
        )
    households = households.select_related("village").only(
        "pk",
        "prefix",
        "first_name",
        "last_name",
        "house_no",
        "citizen_id",
        "status",
        "fiscal_year",
        "village__name_th",
        "village__moo",
        "village_id",
        "district_id",
    )
    rows = []
    for household in households[: WORKLIST_LIMIT * 2]:
        household_visits = visits.get(household.pk)
        current = household_visits.current if household_visits else None
        lock = locking.lock_of(household.district_id, household.fiscal_year, on=today)
        rows.append({"household": household, "visit": current, "locked": lock_notice(lock)})
    rows.sort(
        key=lambda row: (
            ORDER.get(row["visit"].state if row["visit"] else None, 2),
            row["visit"].due_on if row["visit"] else today,
            row["household"].village.moo,
            row["household"].house_no,
        )
    )
    return rows[:WORKLIST_LIMIT]


@never_cache
@field_officer_required
def worklist(request):
    query = request.GET.get("q", "").strip()[:100]
    rows = worklist_rows(request.user, query=query)
    villages = {}
    for row in rows:
        villages.setdefault(row["household"].village, []).append(row)
    return render(
        request,
        "field/worklist.html",
        {"villages": villages.items(), "query": query, "count": len(rows)},
    )


@never_cache
@field_officer_required
def visit(request, household):
    """The visit form of one household; a POST saves the follow-up (no JavaScript needed)."""
    household = get_object_or_404(_households(request.user).select_related("village"), pk=household)
    today = timezone.localdate()
    locked = lock_notice(locking.lock_of(household.district_id, household.fiscal_year, on=today))
    visited = set(household.follow_ups.values_list("visited_on", flat=True))
    form = VisitForm(
        request.POST or None, request.FILES or None, household=household, visited=visited
    )
    if request.method == "POST" and form.is_valid():
        follow_up = form.save(commit=False)
        follow_up.officer = request.user
        try:
            # The year lock (``programs.locking``) before the photo is stored; the save checks
            # it again (a report moved in between): either way the lock's Thai reason shows on
            # the form with what was typed, and nothing is saved.
            locking.check(follow_up, stored=False)
            upload = form.cleaned_data.get("photo")
            if upload:
                follow_up.photo.save(
                    images.random_name("followups", upload.name),
                    images.clean_original(upload),
                    save=False,
                )
            follow_up.save()
        except locking.YearLocked as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("บันทึกการติดตาม %(name)s แล้ว") % {"name": household.full_name},
            )
            return redirect("field:worklist")
    return render(
        request,
        "field/visit.html",
        {
            "form": form,
            "household": household,
            "locked": locked,
            "visited_today": today in visited,
        },
    )


def _json_error(status, code, message, **extra):
    return JsonResponse({"error": code, "message": message, **extra}, status=status)


@require_POST
def visits_api(request):
    """``POST {"visits": [...]}`` → ``{"results": [...]}`` (DESIGN "Field app")."""
    if not request.user.is_authenticated:
        return _signin_required()
    if not may_use_field(request.user):
        return _json_error(403, "forbidden", _("บัญชีนี้ไม่มีสิทธิ์บันทึกการติดตามผล"))
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _json_error(400, "malformed", _("ข้อมูลที่ส่งมาไม่ใช่ JSON"))
    items = payload.get("visits") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        return _json_error(400, "malformed", _("ข้อมูลที่ส่งมาต้องมีรายการ visits"))
    if len(items) > MAX_ITEMS:
        return _json_error(400, "too_many", _("ส่งได้ครั้งละไม่เกิน %(n)d รายการ") % {"n": MAX_ITEMS})
    return JsonResponse({"results": visits_sync(user=request.user, items=items)})


def _signin_required():
    return _json_error(
        401,
        "signin",
        _("หมดเวลาการเข้าสู่ระบบ กรุณาเข้าสู่ระบบอีกครั้งแล้วกดส่งใหม่ (รายการที่รอส่งยังอยู่ครบ)"),
        login_url=f"{reverse(settings.LOGIN_URL)}?next={reverse('field:worklist')}",
    )


@require_POST
def photo_api(request, client_uuid):
    """``POST`` multipart ``photo`` → ``{"client_uuid", "status": "saved" | "duplicate"}``; 404
    JSON until the visit itself is saved; 400 JSON with a Thai reason for a bad image."""
    if not request.user.is_authenticated:
        return _signin_required()
    if not may_use_field(request.user):
        return _json_error(403, "forbidden", _("บัญชีนี้ไม่มีสิทธิ์บันทึกการติดตามผล"))
    upload = request.FILES.get("photo")
    if upload is None:
        return _json_error(400, "bad_photo", _("ไม่พบไฟล์รูปถ่าย"))
    try:
        status = photo_attach(user=request.user, client_uuid=client_uuid, upload=upload)
    except FollowUp.DoesNotExist:
        return _json_error(404, "not_found", _("ยังไม่พบการติดตามนี้ในระบบ กรุณาส่งการติดตามก่อน"))
    except ValidationError as error:
        return _json_error(400, "bad_photo", " ".join(error.messages))
    return JsonResponse({"client_uuid": str(client_uuid), "status": status})


def _static_file(name, content_type, **headers):
    path = finders.find(name)
    if not path:
        raise Http404
    response = HttpResponse(Path(path).read_bytes(), content_type=content_type)
    for key, value in headers.items():
        response[key] = value
    return response


def service_worker(request):
    """``static/field/sw.js`` served from ``/field/`` so that its scope is ``/field/``."""
    return _static_file(
        "field/sw.js", "text/javascript; charset=utf-8", **{"Cache-Control": "no-cache"}
    )


def manifest(request):
    return _static_file(
        "field/manifest.webmanifest",
        "application/manifest+json",
        **{"Cache-Control": "no-cache"},
    )
